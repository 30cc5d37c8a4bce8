import type { Edition } from '../frame/header.js';
import type { MessageCodec } from './message-codec.js';

/** 0x0107 查询终端属性应答 body. */
export interface AttributesResponse {
  /**
   * 终端类型: bit 0 passenger vehicles, 1 dangerous goods, 2 ordinary freight, 3 taxi, 6 hard-disk
   * video recording, 7 split (1) or integrated (0) unit.
   */
  terminalType: number;
  /** 制造商ID: manufacturer code (5 bytes). */
  manufacturerId: string;
  /** 终端型号: terminal model (20 bytes; 30 in 2019). */
  model: string;
  /** 终端ID: terminal id (7 bytes; 30 in 2019). */
  terminalId: string;
  /** 终端SIM卡ICCID: the SIM card's ICCID as 20 BCD digits. */
  iccid: string;
  /** 终端硬件版本号. */
  hardwareVersion: string;
  /** 终端固件版本号. */
  firmwareVersion: string;
  /** GNSS模块属性: bit 0 GPS, 1 BeiDou, 2 GLONASS, 3 Galileo supported. */
  gnssAttributes: number;
  /** 通信模块属性: bit 0 GPRS, 1 CDMA, 2 TD-SCDMA, 3 WCDMA, 4 CDMA2000, 5 TD-LTE, 7 other. */
  commAttributes: number;
}

const MANUFACTURER_ID_BYTES = 5;
const ICCID_BYTES = 10;

/** Model and terminal id widths; the message first appeared in 2013, so 2011 shares its layout. */
function textWidths(edition: Edition): { model: number; terminalId: number } {
  return edition === '2019' ? { model: 30, terminalId: 30 } : { model: 20, terminalId: 7 };
}

/** 0x0107 查询终端属性应答: the terminal's answer to 0x8107. */
export const attributesResponse: MessageCodec<'attributesResponse', AttributesResponse> = {
  id: 0x0107,
  name: 'attributesResponse',
  direction: 'uplink',
  decode(r, header) {
    const widths = textWidths(header.edition);
    return {
      terminalType: r.u16('terminal type'),
      manufacturerId: r.fixedString(MANUFACTURER_ID_BYTES, 'manufacturer id'),
      model: r.fixedString(widths.model, 'terminal model'),
      terminalId: r.fixedString(widths.terminalId, 'terminal id'),
      iccid: r.bcd(ICCID_BYTES, 'ICCID'),
      hardwareVersion: r.string(r.u8('hardware version length'), 'hardware version'),
      firmwareVersion: r.string(r.u8('firmware version length'), 'firmware version'),
      gnssAttributes: r.u8('GNSS attributes'),
      commAttributes: r.u8('communication attributes'),
    };
  },
  encode(w, body, edition) {
    const widths = textWidths(edition);
    w.u16(body.terminalType, 'terminal type')
      .fixedString(MANUFACTURER_ID_BYTES, body.manufacturerId, 'manufacturer id')
      .fixedString(widths.model, body.model, 'terminal model')
      .fixedString(widths.terminalId, body.terminalId, 'terminal id')
      .bcd(ICCID_BYTES, body.iccid)
      .byteLengthString(body.hardwareVersion, 'hardware version')
      .byteLengthString(body.firmwareVersion, 'firmware version')
      .u8(body.gnssAttributes, 'GNSS attributes')
      .u8(body.commAttributes, 'communication attributes');
  },
};
