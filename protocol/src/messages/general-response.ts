import type { BodyReader } from '../codec/reader.js';
import type { BodyWriter } from '../codec/writer.js';

/**
 * Body shared by the terminal's (0x0001) and the platform's (0x8001) general response: which
 * message is answered and how it went.
 */
export interface GeneralResponse {
  /** Serial of the message being answered. */
  replySerial: number;
  /** Id of the message being answered. */
  replyId: number;
  /** 0 success/ack, 1 failure, 2 message wrong, 3 not supported; 0x8001 adds 4 alarm acknowledged. */
  result: number;
}

export function decodeGeneralResponse(r: BodyReader): GeneralResponse {
  const replySerial = r.u16('reply serial');
  const replyId = r.u16('reply id');
  const result = r.u8('result');
  return { replySerial, replyId, result };
}

export function encodeGeneralResponse(w: BodyWriter, body: GeneralResponse): void {
  w.u16(body.replySerial, 'reply serial').u16(body.replyId, 'reply id').u8(body.result, 'result');
}
