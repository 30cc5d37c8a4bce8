import type { BodyReader } from './reader.js';
import type { BodyWriter } from './writer.js';

/** Width of the item count in front of a list: a BYTE, or a WORD (e.g. 0x8003 in 2019). */
export type CountWidth = 'BYTE' | 'WORD';

/**
 * Reads a count and then that many items. A count larger than the body is caught by the item reads
 * (truncated), so a lying count costs at most one failed read, never a large allocation.
 */
export function readCountedList<T>(
  r: BodyReader,
  width: CountWidth,
  what: string,
  readItem: (r: BodyReader) => T,
): T[] {
  const count = width === 'BYTE' ? r.u8(`${what} count`) : r.u16(`${what} count`);
  const items: T[] = [];
  for (let i = 0; i < count; i++) items.push(readItem(r));
  return items;
}

/** Writes the count (bad-value when the list is too long for it) and then each item. */
export function writeCountedList<T>(
  w: BodyWriter,
  width: CountWidth,
  what: string,
  items: readonly T[],
  writeItem: (w: BodyWriter, item: T) => void,
): void {
  if (width === 'BYTE') w.u8(items.length, `${what} count`);
  else w.u16(items.length, `${what} count`);
  for (const item of items) writeItem(w, item);
}
