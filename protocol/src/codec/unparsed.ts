import { copyBytes } from './bytes.js';
import type { BodyReader } from './reader.js';

/**
 * Bytes a decoder left unparsed, and why. Terminals in the field pad the additional area with
 * zeros, declare an item longer than what follows, or send fewer list items than they count; when
 * the fields that matter (a location's 28 bytes of basic information, a reply serial) are intact,
 * the message is decoded anyway and this note says what was skipped, so the data is stored and the
 * terminal answered instead of it resending the same frame forever. Encoders ignore the note.
 */
export interface Unparsed {
  /** Where the skipped bytes start, counted from the first byte of the message body. */
  offset: number;
  /** Why, e.g. "zero padding", "item 0x01 declares 4 bytes, 2 left". */
  reason: string;
  /** The skipped bytes (a copy); empty when what is missing was never sent. */
  data: Uint8Array;
}

/** A note on `r.buf[from..to)` (a copy: it outlives the receive buffer). */
export function unparsedAt(r: BodyReader, from: number, to: number, reason: string): Unparsed {
  return { offset: from - r.start, reason, data: copyBytes(r.buf, from, to) };
}

/** "declares 4 bytes, 2 left": the reason for a length that runs past what was sent. */
export function declaresMore(length: number, left: number): string {
  return `declares ${length} byte${length === 1 ? '' : 's'}, ${left} left`;
}
