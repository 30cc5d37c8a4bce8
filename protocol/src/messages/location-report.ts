import { decodeLocation, encodeLocation, type LocationFields } from '../location/location.js';
import type { MessageCodec } from './message-codec.js';

/** 0x0200 位置信息汇报: basic information plus additional items to the end of the body. */
export const locationReport: MessageCodec<'locationReport', LocationFields> = {
  id: 0x0200,
  name: 'locationReport',
  direction: 'uplink',
  decode: (r) => decodeLocation(r),
  encode: (w, body) => encodeLocation(w, body),
};
