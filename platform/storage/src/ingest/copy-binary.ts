/** Epoch of PostgreSQL's binary timestamps (2000-01-01 UTC) in Unix milliseconds. */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 2 ** 32;
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * A value the column's type cannot hold. It carries PostgreSQL's SQLSTATE for "numeric value out
 * of range", so the ingest treats it as the database would have treated the same value in text:
 * a data error, the batch retried one event at a time.
 */
export class CopyRangeError extends RangeError {
  readonly code = '22003';
}

/**
 * Writes rows in PostgreSQL's binary COPY format into one growing buffer (the numeric and JSON
 * writers take null for SQL NULL). Binary, not text: no
 * number or date is turned into a string in the worker and parsed back by the server (text COPY
 * cost a string per value and most of the worker's garbage).
 */
export class BinaryCopyWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(expectedBytes: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(64, expectedBytes));
    SIGNATURE.copy(this.buffer, 0);
    this.buffer.writeInt32BE(0, 11); // flags
    this.buffer.writeInt32BE(0, 15); // header extension length
    this.length = 19;
  }

  /** Starts a row of `fields` values. */
  row(fields: number): void {
    this.reserve(2);
    this.length = this.buffer.writeInt16BE(fields, this.length);
  }

  null(): void {
    this.reserve(4);
    this.length = this.buffer.writeInt32BE(-1, this.length);
  }

  text(value: string): void {
    const bytes = Buffer.byteLength(value);
    this.reserve(4 + bytes);
    this.length = this.buffer.writeInt32BE(bytes, this.length);
    this.length += this.buffer.write(value, this.length, bytes, 'utf8');
  }

  /** jsonb: a version byte, then the JSON text. */
  jsonb(value: unknown): void {
    if (value === null) {
      this.null();
      return;
    }
    const json = JSON.stringify(value);
    const bytes = Buffer.byteLength(json);
    this.reserve(5 + bytes);
    this.length = this.buffer.writeInt32BE(bytes + 1, this.length);
    this.length = this.buffer.writeUInt8(1, this.length);
    this.length += this.buffer.write(json, this.length, bytes, 'utf8');
  }

  bool(value: boolean): void {
    this.reserve(5);
    this.length = this.buffer.writeInt32BE(1, this.length);
    this.length = this.buffer.writeUInt8(value ? 1 : 0, this.length);
  }

  int2(value: number | null): void {
    if (value === null) {
      this.null();
      return;
    }
    if (!(Number.isInteger(value) && value >= -32_768 && value <= 32_767))
      throw new CopyRangeError(`${value} is out of range for type smallint`);
    this.reserve(6);
    this.length = this.buffer.writeInt32BE(2, this.length);
    this.length = this.buffer.writeInt16BE(value, this.length);
  }

  int4(value: number): void {
    if (!(Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31))
      throw new CopyRangeError(`${value} is out of range for type integer`);
    this.reserve(8);
    this.length = this.buffer.writeInt32BE(4, this.length);
    this.length = this.buffer.writeInt32BE(value, this.length);
  }

  /** bigint, for integers within JavaScript's safe range. */
  int8(value: number): void {
    if (!Number.isSafeInteger(value))
      throw new CopyRangeError(`${value} is not a whole number bigint can take`);
    this.reserve(12);
    this.length = this.buffer.writeInt32BE(8, this.length);
    this.writeInt64(value);
  }

  float4(value: number | null): void {
    if (value === null) {
      this.null();
      return;
    }
    this.reserve(8);
    this.length = this.buffer.writeInt32BE(4, this.length);
    this.length = this.buffer.writeFloatBE(value, this.length);
  }

  float8(value: number | null): void {
    if (value === null) {
      this.null();
      return;
    }
    this.reserve(12);
    this.length = this.buffer.writeInt32BE(8, this.length);
    this.length = this.buffer.writeDoubleBE(value, this.length);
  }

  /** timestamptz: microseconds since 2000-01-01 UTC. */
  timestamp(value: Date): void {
    this.reserve(12);
    this.length = this.buffer.writeInt32BE(8, this.length);
    this.writeInt64((value.getTime() - PG_EPOCH_MS) * 1000);
  }

  /** The rows written so far and the trailer, ready for `COPY … FROM STDIN (FORMAT binary)`. */
  finish(): Buffer {
    this.reserve(2);
    this.length = this.buffer.writeInt16BE(-1, this.length);
    return this.buffer.subarray(0, this.length);
  }

  private writeInt64(value: number): void {
    const high = Math.floor(value / TWO_32);
    this.length = this.buffer.writeInt32BE(high, this.length);
    this.length = this.buffer.writeUInt32BE(value - high * TWO_32, this.length);
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}
