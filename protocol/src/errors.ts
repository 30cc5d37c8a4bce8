/**
 * The one error type the codec throws on bad input. Callers switch on `reason`; `bytes` holds the
 * offending input (capped) so a log line can show what the terminal actually sent.
 */
export type Jt808ErrorReason =
  | 'bad-checksum'
  | 'truncated'
  | 'bad-escape'
  | 'oversize'
  | 'bad-bcd'
  | 'body-length-mismatch'
  | 'bad-value';

/** Keeps error objects small even when a peer sends megabytes of garbage. */
const MAX_KEPT_BYTES = 256;

export class Jt808Error extends Error {
  override readonly name = 'Jt808Error';
  readonly reason: Jt808ErrorReason;
  /** The offending bytes (at most 256 of them). */
  readonly bytes: Uint8Array;

  constructor(reason: Jt808ErrorReason, message: string, bytes: Uint8Array = EMPTY) {
    super(`${reason}: ${message}`);
    this.reason = reason;
    this.bytes =
      bytes.length > MAX_KEPT_BYTES ? Uint8Array.prototype.slice.call(bytes, 0, MAX_KEPT_BYTES) : bytes;
  }

  /** Hex of the offending bytes, for log lines. */
  get hex(): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).toString('hex');
  }
}

const EMPTY = new Uint8Array(0);

export function isJt808Error(value: unknown): value is Jt808Error {
  return value instanceof Jt808Error;
}
