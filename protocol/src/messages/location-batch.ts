import { BodyReader } from '../codec/reader.js';
import { Jt808Error } from '../errors.js';
import { decodeLocation, encodeLocation, type LocationFields } from '../location/location.js';
import type { MessageCodec } from './message-codec.js';

/** 0x0704 定位数据批量上传 body. */
export interface LocationBatch {
  /** 位置数据类型: 0 normal batch report, 1 blind-area re-upload (fixes stored while offline). */
  type: number;
  /** 位置汇报数据项: each a location exactly as in 0x0200, additional items included. */
  items: LocationFields[];
}

/** Largest length a WORD item-length prefix can state. */
const MAX_ITEM_BYTES = 0xffff;

/** 0x0704 定位数据批量上传: count WORD, type BYTE, then per item its length WORD and the location. */
export const locationBatch: MessageCodec<'locationBatch', LocationBatch> = {
  id: 0x0704,
  name: 'locationBatch',
  direction: 'uplink',
  decode(r) {
    const count = r.u16('location item count');
    const type = r.u8('location data type');
    const items: LocationFields[] = [];
    for (let i = 0; i < count; i++) {
      const length = r.u16('location item length');
      // A reader over exactly the item's bytes: a length running past the body fails here as
      // truncated, and the item's additional items cannot spill into the next item.
      items.push(decodeLocation(new BodyReader(r.bytes(length, `location item ${i + 1} of ${count}`))));
    }
    if (r.remaining > 0) {
      throw new Jt808Error(
        'bad-value',
        `${r.remaining} bytes follow the ${count} location items the body declares`,
        r.buf.subarray(r.pos, r.end),
      );
    }
    return { type, items };
  },
  encode(w, body) {
    w.u16(body.items.length, 'location item count').u8(body.type, 'location data type');
    for (const item of body.items) {
      // The length is known only once the item is written: reserve the WORD, then fill it in.
      const lengthAt = w.pos;
      w.u16(0);
      encodeLocation(w, item);
      const length = w.pos - lengthAt - 2;
      if (length > MAX_ITEM_BYTES) {
        throw new Jt808Error('bad-value', `location item of ${length} bytes exceeds ${MAX_ITEM_BYTES}`);
      }
      w.buf.writeUInt16BE(length, lengthAt);
    }
  },
};
