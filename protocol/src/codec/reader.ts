import { Jt808Error } from '../errors.js';
import { readBcd } from './bcd.js';
import { copyBytes } from './bytes.js';
import { decodeGbk, decodePaddedGbk } from './text.js';

/**
 * Cursor over one message body. Every read checks bounds and throws a `truncated` Jt808Error, so
 * message decoders are written as straight-line code with no length checks of their own.
 */
export class BodyReader {
  buf: Uint8Array;
  /** Where the body starts in `buf`: offsets reported to callers count from here. */
  start: number;
  pos: number;
  end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.start = start;
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) {
      throw new Jt808Error(
        'truncated',
        `body ends before ${what} (needs ${n} bytes at offset ${this.pos}, has ${this.end - this.pos})`,
        this.buf.subarray(0, this.end),
      );
    }
  }

  u8(what = 'BYTE'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  u16(what = 'WORD'): number {
    this.need(2, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return (b[p]! << 8) | b[p + 1]!;
  }

  u32(what = 'DWORD'): number {
    this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
  }

  /** A view (no copy) of the next `n` bytes. */
  bytes(n: number, what = 'BYTE[n]'): Uint8Array {
    this.need(n, what);
    const view = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }

  /** A copy of the rest of the body: raw payloads outlive the receive buffer they came from. */
  rest(): Uint8Array {
    const copy = copyBytes(this.buf, this.pos, this.end);
    this.pos = this.end;
    return copy;
  }

  bcd(n: number, what = 'BCD[n]'): string {
    this.need(n, what);
    const digits = readBcd(this.buf, this.pos, n);
    this.pos += n;
    return digits;
  }

  /** Fixed-width GBK text, trailing NUL/space padding trimmed. */
  fixedString(n: number, what = 'STRING'): string {
    return decodePaddedGbk(this.bytes(n, what));
  }

  /** GBK text of an explicit byte length. */
  string(n: number, what = 'STRING'): string {
    return decodeGbk(this.bytes(n, what));
  }

  /** GBK text running to the end of the body. */
  restString(): string {
    return decodeGbk(this.bytes(this.remaining));
  }
}
