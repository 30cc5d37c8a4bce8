import { Jt808Error } from '../errors.js';
import type { Edition } from '../frame/header.js';
import type { MessageCodec } from './message-codec.js';

/** 0x0100 终端注册 body. The fixed-width text fields grew in 2013 and again in 2019. */
export interface Registration {
  /** Which layout the body uses (decoded: which layout was read; see `registration.decode`). */
  edition: Edition;
  /** 省域ID: province code, the first two digits of the GB/T 2260 administrative division code. */
  provinceId: number;
  /** 市县域ID: city/county code, the last four digits of the GB/T 2260 code. */
  cityId: number;
  /** 制造商ID: manufacturer code (5 bytes; 11 in 2019). */
  manufacturerId: string;
  /** 终端型号: terminal model, defined by the manufacturer (8 bytes in 2011, 20 in 2013, 30 in 2019). */
  model: string;
  /** 终端ID: terminal id, capital letters and digits (7 bytes; 30 in 2019). */
  terminalId: string;
  /** 车牌颜色: plate colour per JT/T 415 / JT/T 697.7 (1 blue, 2 yellow, 3 black, 4 white, 9 other); 0 no plate. */
  plateColor: number;
  /** 车辆标识: the plate number; the VIN when `plateColor` is 0. */
  plate: string;
}

interface TextWidths {
  manufacturerId: number;
  model: number;
  terminalId: number;
}

const WIDTHS: Record<Edition, TextWidths> = {
  '2011': { manufacturerId: 5, model: 8, terminalId: 7 },
  '2013': { manufacturerId: 5, model: 20, terminalId: 7 },
  '2019': { manufacturerId: 11, model: 30, terminalId: 30 },
};

/** Province + city + manufacturer + model + terminal id + plate colour of the 2013 layout. */
const FIXED_BYTES_2013 = 2 + 2 + 5 + 20 + 7 + 1;

/**
 * The header tells 2019 apart (version flag) but not 2011 from 2013, so the body length decides: a
 * 2013 body holds at least its 37 fixed bytes, while a 2011 body is 25 fixed bytes plus the plate.
 * Limit: a 2011 body whose plate is 12 bytes or longer (a VIN, say) is read with the 2013 layout.
 */
function layoutEdition(headerEdition: Edition, bodyBytes: number): Edition {
  if (headerEdition === '2019') return '2019';
  return bodyBytes < FIXED_BYTES_2013 ? '2011' : '2013';
}

/** 0x0100 终端注册: the terminal's first message; answered with 0x8100 carrying the auth code. */
export const registration: MessageCodec<'registration', Registration> = {
  id: 0x0100,
  name: 'registration',
  direction: 'uplink',
  decode(r, header) {
    const edition = layoutEdition(header.edition, r.remaining);
    const widths = WIDTHS[edition];
    return {
      edition,
      provinceId: r.u16('province id'),
      cityId: r.u16('city id'),
      manufacturerId: r.fixedString(widths.manufacturerId, 'manufacturer id'),
      model: r.fixedString(widths.model, 'terminal model'),
      terminalId: r.fixedString(widths.terminalId, 'terminal id'),
      plateColor: r.u8('plate colour'),
      plate: r.restString(),
    };
  },
  encode(w, body, edition) {
    // The header's version flag is what tells a 2019 body apart, so the two must agree.
    if ((edition === '2019') !== (body.edition === '2019')) {
      throw new Jt808Error(
        'bad-value',
        `a ${body.edition} registration cannot be sent in a ${edition} frame`,
      );
    }
    const widths = WIDTHS[body.edition];
    w.u16(body.provinceId, 'province id')
      .u16(body.cityId, 'city id')
      .fixedString(widths.manufacturerId, body.manufacturerId, 'manufacturer id')
      .fixedString(widths.model, body.model, 'terminal model')
      .fixedString(widths.terminalId, body.terminalId, 'terminal id')
      .u8(body.plateColor, 'plate colour')
      .string(body.plate);
  },
};
