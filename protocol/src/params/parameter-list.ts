import { copyBytes } from '../codec/bytes.js';
import { readCountedList, writeCountedList } from '../codec/counted-list.js';
import type { BodyReader } from '../codec/reader.js';
import { declaresMore, type Unparsed, unparsedAt } from '../codec/unparsed.js';
import type { BodyWriter } from '../codec/writer.js';
import { Jt808Error } from '../errors.js';
import { type ParameterType, TERMINAL_PARAMETERS } from './parameter-table.js';

/**
 * One terminal parameter item (参数项) of 0x8103 / 0x0104: DWORD id, BYTE length, value.
 * A number for known DWORD/WORD/BYTE ids, a string for known STRING ids, and the raw bytes for
 * everything else (unknown ids, BYTE[n] parameters, and known ids whose length does not fit their
 * type). A Uint8Array is accepted for any id when encoding, to send a value byte for byte.
 */
export interface Parameter {
  /** 参数 ID (DWORD). */
  id: number;
  /** 参数值, decoded according to the id's type in TERMINAL_PARAMETERS. */
  value: number | string | Uint8Array;
}

const INTEGER_BYTES: Partial<Record<ParameterType, 1 | 2 | 4>> = { BYTE: 1, WORD: 2, DWORD: 4 };

/** Reads 参数总数 (BYTE) and that many items. */
export function readParameterList(r: BodyReader): Parameter[] {
  return readCountedList(r, 'BYTE', 'parameter', readParameter);
}

/**
 * Reads 参数总数 (BYTE) and the items that are whole; from the first that is not (the body ends
 * before the count is reached, or an item's length runs past it) the rest is noted, not thrown:
 * a terminal's answer is worth its intact parameters.
 */
export function readIntactParameters(r: BodyReader): { parameters: Parameter[]; unparsed?: Unparsed } {
  const count = r.u8('parameter count');
  const parameters: Parameter[] = [];
  for (let i = 1; i <= count; i++) {
    const at = r.pos;
    const left = r.remaining;
    if (left < 5) {
      const reason =
        left === 0
          ? `body ends after ${i - 1} of ${count} parameters`
          : `parameter ${i} of ${count}: item header cut short, ${left} bytes left`;
      return { parameters, unparsed: unparsedAt(r, at, r.end, reason) };
    }
    const id = r.u32();
    const length = r.u8();
    if (length > r.remaining) {
      const reason = `${describe(id)} (${i} of ${count}) ${declaresMore(length, r.remaining)}`;
      return { parameters, unparsed: unparsedAt(r, at, r.end, reason) };
    }
    parameters.push(readValue(r, id, length));
  }
  return { parameters };
}

/** Writes 参数总数 (BYTE) and the items; bad-value for more than 255 items or a mistyped value. */
export function writeParameterList(w: BodyWriter, parameters: readonly Parameter[]): void {
  writeCountedList(w, 'BYTE', 'parameter', parameters, writeParameter);
}

function readParameter(r: BodyReader): Parameter {
  const id = r.u32('parameter id');
  return readValue(r, id, r.u8('parameter length'));
}

function readValue(r: BodyReader, id: number, length: number): Parameter {
  const what = describe(id);
  const type = TERMINAL_PARAMETERS.get(id)?.type;
  if (type === 'STRING') return { id, value: r.string(length, what) };
  if (type !== undefined && INTEGER_BYTES[type] === length)
    return { id, value: readInteger(r, length, what) };
  // A copy: the value outlives the receive buffer the view points into.
  return { id, value: copyBytes(r.bytes(length, what)) };
}

function readInteger(r: BodyReader, length: number, what: string): number {
  if (length === 4) return r.u32(what);
  if (length === 2) return r.u16(what);
  return r.u8(what);
}

function writeParameter(w: BodyWriter, { id, value }: Parameter): void {
  w.u32(id, 'parameter id');
  const what = describe(id);
  if (value instanceof Uint8Array) {
    w.u8(value.length, `${what} length`).bytes(value);
    return;
  }
  const type = TERMINAL_PARAMETERS.get(id)?.type;
  if (type === 'STRING' && typeof value === 'string') {
    w.byteLengthString(value, what);
    return;
  }
  const size = type === undefined ? undefined : INTEGER_BYTES[type];
  if (size !== undefined && typeof value === 'number') {
    w.u8(size);
    if (size === 4) w.u32(value, what);
    else if (size === 2) w.u16(value, what);
    else w.u8(value, what);
    return;
  }
  throw new Jt808Error('bad-value', `${what} takes ${expectedValue(type)}, got ${typeof value}`);
}

function expectedValue(type: ParameterType | undefined): string {
  if (type === undefined) return 'a Uint8Array (unknown id)';
  if (type === 'STRING') return 'a string';
  if (type === 'BYTES') return 'a Uint8Array';
  return `a number (${type})`;
}

/** "parameter 0x0013 mainServerAddress", for error messages. */
function describe(id: number): string {
  const name = TERMINAL_PARAMETERS.get(id)?.name;
  const hex = `0x${id.toString(16).padStart(4, '0')}`;
  return name === undefined ? `parameter ${hex}` : `parameter ${hex} ${name}`;
}
