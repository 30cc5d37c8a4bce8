import type { MessageCodec } from './message-codec.js';

/** 0x0102 终端鉴权 body. */
export interface Authentication {
  /** 鉴权码: the code the platform issued in its 0x8100 registration response. */
  authCode: string;
  /** 终端IMEI (2019 only, 15 bytes). */
  imei?: string;
  /** 软件版本号: software version defined by the manufacturer (2019 only, 20 bytes). */
  softwareVersion?: string;
}

const IMEI_BYTES = 15;
const SOFTWARE_VERSION_BYTES = 20;

/**
 * 0x0102 终端鉴权: sent after registration and after every reconnect. Before 2019 the whole body is
 * the code; 2019 prefixes the code with its length and appends the IMEI and software version.
 */
export const authentication: MessageCodec<'authentication', Authentication> = {
  id: 0x0102,
  name: 'authentication',
  direction: 'uplink',
  decode(r, header) {
    if (header.edition !== '2019') return { authCode: r.restString() };
    return {
      authCode: r.string(r.u8('auth code length'), 'auth code'),
      imei: r.fixedString(IMEI_BYTES, 'IMEI'),
      softwareVersion: r.fixedString(SOFTWARE_VERSION_BYTES, 'software version'),
    };
  },
  encode(w, body, edition) {
    if (edition !== '2019') {
      w.string(body.authCode);
      return;
    }
    w.byteLengthString(body.authCode, 'auth code')
      .fixedString(IMEI_BYTES, body.imei ?? '', 'IMEI')
      .fixedString(SOFTWARE_VERSION_BYTES, body.softwareVersion ?? '', 'software version');
  },
};
