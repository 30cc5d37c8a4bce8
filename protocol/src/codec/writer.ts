import { Jt808Error } from '../errors.js';
import { writeBcd } from './bcd.js';
import { encodeGbk } from './text.js';

/**
 * Append-only byte builder used to encode message bodies. Grows by doubling; `encodeFrame` keeps one
 * and reuses it, so steady-state encoding allocates only the finished frame.
 */
export class BodyWriter {
  buf: Buffer;
  pos = 0;

  constructor(initialSize = 1024) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  reset(): this {
    this.pos = 0;
    return this;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  u8(value: number, what = 'BYTE'): this {
    checkRange(value, 0xff, what);
    this.ensure(1);
    this.buf[this.pos++] = value;
    return this;
  }

  u16(value: number, what = 'WORD'): this {
    checkRange(value, 0xffff, what);
    this.ensure(2);
    this.buf[this.pos++] = value >>> 8;
    this.buf[this.pos++] = value & 0xff;
    return this;
  }

  u32(value: number, what = 'DWORD'): this {
    checkRange(value, 0xffffffff, what);
    this.ensure(4);
    this.buf.writeUInt32BE(value, this.pos);
    this.pos += 4;
    return this;
  }

  bytes(data: Uint8Array): this {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
    return this;
  }

  bcd(n: number, digits: string): this {
    this.ensure(n);
    writeBcd(this.buf, this.pos, n, digits);
    this.pos += n;
    return this;
  }

  /** GBK text padded with NUL to exactly `n` bytes; longer text is an error, not a silent cut. */
  fixedString(n: number, text: string, what = 'STRING'): this {
    const encoded = encodeGbk(text);
    if (encoded.length > n) {
      throw new Jt808Error('bad-value', `${what} "${text}" is ${encoded.length} bytes, the field holds ${n}`);
    }
    this.ensure(n);
    this.buf.set(encoded, this.pos);
    this.buf.fill(0, this.pos + encoded.length, this.pos + n);
    this.pos += n;
    return this;
  }

  /** GBK text without a length prefix (the body's end or an earlier field delimits it). */
  string(text: string): this {
    return this.bytes(encodeGbk(text));
  }

  /** GBK text preceded by its byte length as one BYTE. */
  byteLengthString(text: string, what = 'STRING'): this {
    const encoded = encodeGbk(text);
    this.u8(encoded.length, `${what} length`);
    return this.bytes(encoded);
  }

  /** The bytes written so far, as a fresh copy. */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

function checkRange(value: number, max: number, what: string): void {
  if (!(value >= 0 && value <= max) || !Number.isInteger(value)) {
    throw new Jt808Error('bad-value', `${what} must be an integer in 0..${max}, got ${value}`);
  }
}
