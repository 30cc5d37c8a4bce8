import { Jt808Error } from '../errors.js';
import type { MessageCodec } from './message-codec.js';

/** Body of 0x8100. */
export interface RegistrationResponse {
  /** 应答流水号 (WORD): serial of the 0x0100 being answered. */
  replySerial: number;
  /** 结果 (BYTE), one of `RegistrationResult`. */
  result: number;
  /**
   * 鉴权码 (GBK, rest of the body): only with result 0, which the terminal then sends in 0x0102.
   * Decoding result 0 always yields a string (empty when the platform sent none).
   */
  authCode?: string;
}

/** 0x8100 终端注册应答. */
export const registrationResponse: MessageCodec<'registrationResponse', RegistrationResponse> = {
  id: 0x8100,
  name: 'registrationResponse',
  direction: 'downlink',
  decode: (r) => {
    const replySerial = r.u16('reply serial');
    const result = r.u8('result');
    // Failure answers end here; bytes some platforms append anyway carry no meaning.
    if (result !== RegistrationResult.Success) return { replySerial, result };
    return { replySerial, result, authCode: r.restString() };
  },
  encode: (w, body) => {
    w.u16(body.replySerial, 'reply serial').u8(body.result, 'result');
    if (body.result === RegistrationResult.Success) w.string(body.authCode ?? '');
    else if (body.authCode !== undefined) {
      throw new Jt808Error('bad-value', `an auth code is only sent with result 0, not ${body.result}`);
    }
  },
};

/** 结果 values of 0x8100. */
export const RegistrationResult = {
  Success: 0,
  VehicleAlreadyRegistered: 1,
  VehicleNotInDatabase: 2,
  TerminalAlreadyRegistered: 3,
  TerminalNotInDatabase: 4,
} as const;
