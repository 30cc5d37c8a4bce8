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
  let at = 0;
  while (at < end) {
    const tag = bytes[at++]!;
    // Every field number of the schema fits a one-byte tag; anything else is left to protobufjs.
    if (tag >= 0x80) return;
    const field = tag >>> 3;
    if ((tag & 7) === 0) {
      if (!VARINT_FIELDS[field]) return;
      let value = 0;
      let scale = 1;
      for (;;) {
        if (at >= end || scale > 2 ** 49) return;
        const byte = bytes[at++]!;
        value += (byte & 0x7f) * scale;
        scale *= 0x80;
        if (byte < 0x80) break;
      }
      // Rare, and read differently by protobufjs: a uint32 past 2^32 (it keeps the low 32 bits), an
      // int32 kind past 2^31 (negative), an int64 past 2^53 (rounded through two halves).
      if (value > (field === 5 ? Number.MAX_SAFE_INTEGER : field === 1 ? 0x7fffffff : 0xffffffff)) return;
      setVarint(event, field, value);
    } else if ((tag & 7) === 2) {
      if (!LENGTH_FIELDS[field]) return;
      let length = 0;
      let scale = 1;
      for (;;) {
        if (at >= end || scale > 2 ** 28) return;
        const byte = bytes[at++]!;
        length += (byte & 0x7f) * scale;
        scale *= 0x80;
        if (byte < 0x80) break;
      }
      if (at + length > end) return;
      if (field === 10) event.body = bytes.subarray(at, at + length);
      else setString(event, field, bytes.toString('utf8', at, at + length));
      at += length;
    } else return;
  }
  return event as TerminalEvent;
}

const VARINT_FIELDS: readonly boolean[] = [false, true, false, false, false, true, true, true, false, true];
const LENGTH_FIELDS: readonly boolean[] = [
  false,
  false,
  true,
  true,
  true,
  false,
  false,
  false,
  true,
  false,
  true,
  true,
  true,
];

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
