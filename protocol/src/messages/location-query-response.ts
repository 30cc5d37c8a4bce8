import { decodeLocation, encodeLocation, type LocationFields } from '../location/location.js';
import type { MessageCodec } from './message-codec.js';

/** 0x0201 位置信息查询应答 body. */
export interface LocationQueryResponse {
  /** 应答流水号: serial of the 0x8201 query (or 0x8500 vehicle control) being answered. */
  replySerial: number;
  /** 位置信息汇报: a location exactly as in 0x0200, additional items included. */
  location: LocationFields;
}

/** 0x0201 位置信息查询应答: the answer to 0x8201 (and, since 2013, to 0x8500). */
export const locationQueryResponse: MessageCodec<'locationQueryResponse', LocationQueryResponse> = {
  id: 0x0201,
  name: 'locationQueryResponse',
  direction: 'uplink',
  decode(r) {
    const replySerial = r.u16('reply serial');
    return { replySerial, location: decodeLocation(r) };
  },
  encode(w, body) {
    w.u16(body.replySerial, 'reply serial');
    encodeLocation(w, body.location);
  },
};
