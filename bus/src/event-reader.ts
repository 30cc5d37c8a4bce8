import type { TerminalEvent } from './schema.js';

/**
 * The ingest's hot path, the reverse of event-writer.ts: one TerminalEvent read per fix. protobufjs
 * decodes into a message instance and then copies it into a plain object (`toObject`), an int64
 * through a LongBits pair on the way; this reads the fields straight into the plain object. It
 * returns `undefined` for anything it does not read the way protobufjs would (a field number or
 * wire type outside the schema, a varint past 2^53 or a negative one, bytes cut short); the caller
 * then uses protobufjs, which also produces its errors. A test holds the two equal on random input.
 *
 * `body` is a view into `bytes`, as protobufjs's Buffer reader gives it.
 */
export function readTerminalEvent(bytes: Buffer): TerminalEvent | undefined {
  const event: Partial<TerminalEvent> = {};
  const end = bytes.length;
  cursor = 0;
  while (cursor < end) {
    const tag = bytes[cursor++]!;
    // Every field number of the schema fits a one-byte tag; anything else is left to protobufjs.
    if (tag >= 0x80) return;
    const field = tag >>> 3;
    const wireType = tag & 7;
    const max = VARINT_MAX[field];
    if (wireType === 0 && max !== undefined) {
      const value = readVarint(bytes, 8);
      if (value < 0 || value > max) return;
      setVarint(event, field, value);
    } else if (wireType === 2 && LENGTH_FIELDS.has(field)) {
      const length = readVarint(bytes, 5);
      if (length < 0 || cursor + length > end) return;
      if (field === 10) event.body = bytes.subarray(cursor, cursor + length);
      else setString(event, field, bytes.toString('utf8', cursor, cursor + length));
      cursor += length;
    } else return;
  }
  return event as TerminalEvent;
}

/** Where the event being read is; module state rather than a returned pair, so no allocation per field. */
let cursor = 0;

/** A base-128 varint of at most `maxBytes` bytes at the cursor; -1 when longer or cut short. */
function readVarint(bytes: Buffer, maxBytes: number): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes && cursor < bytes.length; i++) {
    const byte = bytes[cursor++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value;
    scale *= 0x80;
  }
  return -1;
}

/**
 * The largest value of each varint field that protobufjs reads as this reader does: past it a
 * uint32 keeps its low 32 bits, an int32 kind turns negative, an int64 is rounded through two
 * halves. Those rare values are left to protobufjs.
 */
const VARINT_MAX: readonly (number | undefined)[] = [
  undefined,
  0x7fffffff, // 1 kind
  undefined,
  undefined,
  undefined,
  Number.MAX_SAFE_INTEGER, // 5 at_ms
  0xffffffff, // 6 message_id
  0xffffffff, // 7 serial
  undefined,
  0xffffffff, // 9 protocol_version
];

/** The strings (2, 3, 4, 8, 11, 12) and the body (10). */
const LENGTH_FIELDS = new Set([2, 3, 4, 8, 10, 11, 12]);

function setVarint(event: Partial<TerminalEvent>, field: number, value: number): void {
  if (field === 1) event.kind = value as TerminalEvent['kind'];
  else if (field === 5) event.atMs = value;
  else if (field === 6) event.messageId = value;
  else if (field === 7) event.serial = value;
  else event.protocolVersion = value;
}

function setString(event: Partial<TerminalEvent>, field: number, value: string): void {
  if (field === 2) event.phone = value;
  else if (field === 3) event.gatewayId = value;
  else if (field === 4) event.sessionId = value;
  else if (field === 8) event.edition = value;
  else if (field === 11) event.reason = value;
  else event.remoteAddress = value;
}
