import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeTerminalEvent } from '../src/event-writer.js';
import { decodeTerminalEvent, EventKind, encodeByReflection, type TerminalEvent } from '../src/schema.js';

const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const uint32 = fc.nat({ max: 0xffffffff });
/** Every field optional, numbers including the ones the writer leaves to protobufjs. */
const anyEvent: fc.Arbitrary<TerminalEvent> = fc.record(
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
const gatewayEvent: fc.Arbitrary<TerminalEvent> = fc.record({
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

describe('writeTerminalEvent', () => {
  it('writes the bytes protobufjs writes, or leaves the event to it', () => {
    fc.assert(
      fc.property(anyEvent, (event) => {
        const written = writeTerminalEvent(event);
        if (written) expect(Buffer.from(written).equals(Buffer.from(encodeByReflection(event)))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes every event a gateway publishes, and it decodes to the same event', () => {
    fc.assert(
      fc.property(gatewayEvent, (event) => {
        const written = writeTerminalEvent(event);
        expect(written).toBeDefined();
        const decoded = decodeTerminalEvent(written!);
        expect({ ...decoded, body: Buffer.from(decoded.body!) }).toEqual({
          ...event,
          body: Buffer.from(event.body!),
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves negative and fractional varints to protobufjs', () => {
    const event = { kind: EventKind.Message, phone: '13800000000', gatewayId: 'g', sessionId: 's', atMs: 1 };
    expect(writeTerminalEvent({ ...event, atMs: -1 })).toBeUndefined();
    expect(writeTerminalEvent({ ...event, serial: 1.5 })).toBeUndefined();
    expect(writeTerminalEvent({ ...event, messageId: 2 ** 32 })).toBeUndefined();
    expect(writeTerminalEvent(event)).toBeDefined();
  });
});
