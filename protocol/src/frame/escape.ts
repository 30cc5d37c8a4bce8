import { Jt808Error } from '../errors.js';

export const FLAG = 0x7e;
export const ESCAPE = 0x7d;

/**
 * Undoes 0x7d 0x02 -> 0x7e and 0x7d 0x01 -> 0x7d. Most frames contain no 0x7d at all, and then the
 * input view is returned as it is, without a copy.
 */
export function unescapeFrame(escaped: Uint8Array): Uint8Array {
  let i = escaped.indexOf(ESCAPE);
  if (i === -1) return escaped;
  // Sized exactly (every valid 0x7d starts a two-byte pair) and returned as is, never trimmed with
  // subarray(): V8 keeps arrays of up to 64 bytes inside the JS heap, and taking a view of one
  // first moves it out to a malloc'd buffer, which cost ~250 ns per escaped location frame.
  let escapes = 0;
  for (let e = i; e !== -1; e = escaped.indexOf(ESCAPE, e + 1)) escapes++;
  const out = new Uint8Array(escaped.length - escapes);
  out.set(escaped.subarray(0, i));
  let o = i;
  while (i < escaped.length) {
    const byte = escaped[i++]!;
    if (byte !== ESCAPE) {
      out[o++] = byte;
      continue;
    }
    const next = escaped[i++];
    if (next === 0x02) out[o++] = FLAG;
    else if (next === 0x01) out[o++] = ESCAPE;
    else {
      throw new Jt808Error(
        'bad-escape',
        next === undefined
          ? 'frame ends inside an escape sequence'
          : `0x7d followed by 0x${next.toString(16).padStart(2, '0')} at ${i - 2}`,
        escaped,
      );
    }
  }
  return out;
}

/** Number of bytes `data` takes once escaped. */
export function escapedLength(data: Uint8Array, start = 0, end = data.length): number {
  let n = end - start;
  for (let i = start; i < end; i++) {
    const byte = data[i];
    if (byte === FLAG || byte === ESCAPE) n++;
  }
  return n;
}

/** Writes `data[start..end)` escaped into `out` at `offset`; returns the offset after the last byte. */
export function escapeInto(
  data: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  offset: number,
): number {
  let o = offset;
  for (let i = start; i < end; i++) {
    const byte = data[i]!;
    if (byte === FLAG) {
      out[o++] = ESCAPE;
      out[o++] = 0x02;
    } else if (byte === ESCAPE) {
      out[o++] = ESCAPE;
      out[o++] = 0x01;
    } else {
      out[o++] = byte;
    }
  }
  return o;
}
