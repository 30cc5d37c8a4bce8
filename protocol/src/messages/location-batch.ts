import { declaresMore, type Unparsed, unparsedAt } from '../codec/unparsed.js';
import { Jt808Error } from '../errors.js';
import {
  decodeLocation,
  encodeLocation,
  LOCATION_BASIC_BYTES,
  type LocationFields,
} from '../location/location.js';
import type { MessageCodec } from './message-codec.js';

/** 0x0704 定位数据批量上传 body. */
export interface LocationBatch {
  /** 位置数据类型: 0 normal batch report, 1 blind-area re-upload (fixes stored while offline). */
  type: number;
  /** 位置汇报数据项: each a location exactly as in 0x0200, additional items included. */
  items: LocationFields[];
  /**
   * What did not parse as items, in body order: an item whose length runs past the body or leaves
   * less than its basic information (skipped; the items after it are still read), items the count
   * promises but the body lacks, bytes after the last item. Absent when the body was well formed.
   */
  unparsed?: Unparsed[];
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
    let unparsed: Unparsed[] | undefined;
    for (let i = 1; i <= count; i++) {
      if (r.remaining < 2) {
        unparsed = withNote(
          unparsed,
          unparsedAt(r, r.pos, r.end, `body ends before location item ${i} of ${count}`),
        );
        r.pos = r.end;
        break;
      }
      const length = r.u16();
      const left = r.remaining;
      // Reading each item up to its own end keeps its additional items from spilling into the next.
      const end = r.pos + Math.min(length, left);
      if (length > left || length < LOCATION_BASIC_BYTES) {
        const reason =
          length > left
            ? `location item ${i} of ${count} ${declaresMore(length, left)}`
            : `location item ${i} of ${count} declares ${length} bytes, short of its basic information`;
        if (end - r.pos < LOCATION_BASIC_BYTES) {
          unparsed = withNote(unparsed, unparsedAt(r, r.pos, end, reason));
          r.pos = end;
          continue;
        }
        // Cut short after its basic information: the fix is kept, the missing bytes noted.
        unparsed = withNote(unparsed, unparsedAt(r, end, end, reason));
      }
      items.push(decodeLocation(r, end));
    }
    if (r.remaining > 0) {
      const reason = `${r.remaining} bytes follow the ${count} location items the body declares`;
      unparsed = withNote(unparsed, unparsedAt(r, r.pos, r.end, reason));
      r.pos = r.end;
    }
    if (unparsed === undefined) return { type, items };
    // Nothing to keep: refused as truncated, as a 0x0200 shorter than its basic information is.
    if (items.length === 0 && count > 0) {
      throw new Jt808Error(
        'truncated',
        `no intact location item: ${unparsed[0]!.reason}`,
        r.buf.subarray(r.start, r.end),
      );
    }
    return { type, items, unparsed };
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

/** `notes` with `note` added, the list made on the first: a well-formed batch allocates none. */
function withNote(notes: Unparsed[] | undefined, note: Unparsed): Unparsed[] {
  if (notes === undefined) return [note];
  notes.push(note);
  return notes;
}
