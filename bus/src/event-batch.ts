/**
 * A TerminalEventBatch (schema/events.proto) from events already encoded, and back: each event is
 * field 1, length-delimited, so joining is prefixing and copying, and splitting hands out views of
 * the entry without decoding anything. Splitting keeps each event's own bytes, which is what a
 * dead-lettered event must carry.
 */

import { varintSize, writeVarint } from './varint.js';

const EVENTS_FIELD_TAG = (1 << 3) | 2;

/** Encodes the batch; `bytes` is the sum of the events' lengths. */
export function joinEvents(events: readonly Uint8Array[], bytes: number): Buffer {
  let size = bytes;
  for (const event of events) size += 1 + varintSize(event.length);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const event of events) {
    out[at++] = EVENTS_FIELD_TAG;
    at = writeVarint(out, at, event.length);
    out.set(event, at);
    at += event.length;
  }
  return out;
}

/** The events of a batch, as views into it; throws a RangeError when it is not one. */
export function splitEvents(batch: Buffer): Buffer[] {
  const events: Buffer[] = [];
  let at = 0;
  while (at < batch.length) {
    if (batch[at++] !== EVENTS_FIELD_TAG)
      throw new RangeError(`not an event batch: field tag at byte ${at - 1}`);
    let length = 0;
    let shift = 0;
    for (;;) {
      if (at >= batch.length || shift > 28) throw new RangeError('event batch: length cut short');
      const byte = batch[at++]!;
      length += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) break;
    }
    if (at + length > batch.length) throw new RangeError('event batch: event cut short');
    events.push(batch.subarray(at, at + length));
    at += length;
  }
  return events;
}
