import fc from 'fast-check';
import { EventKind, type TerminalEvent } from '../src/schema.js';

const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const uint32 = fc.nat({ max: 0xffffffff });
/** Every field optional, numbers including the ones the writer leaves to protobufjs. */
export const anyEvent: fc.Arbitrary<TerminalEvent> = fc.record(
  {
    kind: fc.oneof(fc.constantFrom(...Object.values(EventKind)), fc.integer({ min: -3, max: 1000 })),
    phone: text,
    gatewayId: text,
    sessionId: text,
    atMs: fc.oneof(fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: -1e13, max: 0 })),
    messageId: fc.oneof(uint32, fc.integer({ min: -5, max: 0 })),
    serial: uint32,
    edition: fc.constantFrom('2011', '2013', '2019'),
    protocolVersion: fc.nat({ max: 255 }),
    body: fc.uint8Array({ maxLength: 1100 }),
    reason: text,
    remoteAddress: text,
  },
  { requiredKeys: [] },
) as fc.Arbitrary<TerminalEvent>;

/** What a gateway publishes for a terminal frame. */
export const gatewayEvent: fc.Arbitrary<TerminalEvent> = fc.record({
  kind: fc.constant(EventKind.Message),
  phone: fc.stringMatching(/^\d{11,20}$/),
  gatewayId: text,
  sessionId: text,
  atMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  messageId: fc.nat({ max: 0xffff }),
  serial: fc.nat({ max: 0xffff }),
  edition: fc.constantFrom('2013', '2019'),
  protocolVersion: fc.nat({ max: 255 }),
  body: fc.uint8Array({ maxLength: 1100 }),
});
