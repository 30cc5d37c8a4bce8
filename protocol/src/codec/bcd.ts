import { Jt808Error } from '../errors.js';

/** Two decimal digits for each valid packed-BCD byte; undefined marks a nibble above 9. */
const DIGIT_PAIRS: (string | undefined)[] = new Array(256);
for (let byte = 0; byte < 256; byte++) {
  const hi = byte >> 4;
  const lo = byte & 0x0f;
  DIGIT_PAIRS[byte] = hi <= 9 && lo <= 9 ? `${hi}${lo}` : undefined;
}

/** Reads `length` bytes of packed BCD as a digit string (two digits per byte, leading zeros kept). */
export function readBcd(buf: Uint8Array, offset: number, length: number): string {
  let digits = '';
  for (let i = offset; i < offset + length; i++) {
    const pair = DIGIT_PAIRS[buf[i]!];
    if (pair === undefined) {
      throw new Jt808Error(
        'bad-bcd',
        `byte 0x${buf[i]!.toString(16)} at ${i} is not packed BCD`,
        buf.subarray(offset, offset + length),
      );
    }
    digits += pair;
  }
  return digits;
}

/** The value of one packed-BCD byte (0..99), or -1 when a nibble is above 9. */
export function bcdByteValue(byte: number): number {
  const hi = byte >> 4;
  const lo = byte & 0x0f;
  return hi <= 9 && lo <= 9 ? hi * 10 + lo : -1;
}

/**
 * Writes a digit string as `length` bytes of packed BCD, left-padded with zeros (terminal phone
 * numbers are right-aligned: 13800138000 becomes 013800138000).
 */
export function writeBcd(buf: Uint8Array, offset: number, length: number, digits: string): void {
  const width = length * 2;
  if (digits.length > width || !/^\d*$/.test(digits)) {
    throw new Jt808Error('bad-value', `"${digits}" does not fit ${length} bytes of BCD`);
  }
  const padded = digits.length === width ? digits : digits.padStart(width, '0');
  for (let i = 0; i < length; i++) {
    buf[offset + i] = ((padded.charCodeAt(2 * i) - 48) << 4) | (padded.charCodeAt(2 * i + 1) - 48);
  }
}
