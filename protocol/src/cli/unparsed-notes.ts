import type { Unparsed } from '../codec/unparsed.js';

/**
 * One line per `unparsed` note in a decoded body, for people reading the output: where in the
 * body it sits, how many bytes at which body offset, and why. The walk is generic, like the JSON
 * view's, so a codec that starts leaving notes needs no code here.
 */
export function unparsedNotes(body: unknown): string[] {
  const notes: string[] = [];
  walk(body, 'body', notes);
  return notes;
}

function walk(value: unknown, path: string, notes: string[]): void {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array || value instanceof Date)
    return;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walk(item, `${path}[${i}]`, notes);
    return;
  }
  for (const [key, field] of Object.entries(value)) {
    if (key !== 'unparsed') walk(field, `${path}.${key}`, notes);
    else
      for (const note of Array.isArray(field) ? field : [field]) notes.push(describe(note as Unparsed, path));
  }
}

function describe({ offset, reason, data }: Unparsed, path: string): string {
  const what = data.length === 0 ? 'nothing present' : `${data.length} byte${data.length === 1 ? '' : 's'}`;
  return `${path}: skipped ${what} at body offset ${offset}: ${reason}`;
}
