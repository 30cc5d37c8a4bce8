import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { joinEvents, splitEvents } from '../src/event-batch.js';

const BatchType = protobuf
  .parse(readFileSync(new URL('../schema/events.proto', import.meta.url), 'utf8'))
  .root.lookupType('jt808.bus.v1.TerminalEventBatch');

/** Encoded events are opaque here; lengths past 127 and 16,383 exercise longer varint prefixes. */
const encodedEvents = fc.array(
  fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ minLength: 16_380, maxLength: 16_400 })),
  { maxLength: 20 },
);

function join(events: Uint8Array[]): Buffer {
  return joinEvents(
    events,
    events.reduce((sum, event) => sum + event.length, 0),
  );
}

describe('event batches', () => {
  it('joins events into the bytes protobufjs writes for a TerminalEventBatch, and splits them back', () => {
    fc.assert(
      fc.property(encodedEvents, (events) => {
        const joined = join(events);
        // protobufjs writes the same message from the events as raw bytes fields (same wire type).
        const reference = protobuf.Writer.create();
        for (const event of events) reference.uint32((1 << 3) | 2).bytes(event);
        expect(joined.equals(Buffer.from(reference.finish()))).toBe(true);
        const split = splitEvents(joined);
        expect(split.length).toBe(events.length);
        for (const [i, event] of split.entries()) expect(event.equals(events[i]!)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('decodes with the schema as the events it was joined from', () => {
    const event = { kind: 1, phone: '013800000001', gatewayId: 'g', sessionId: 's', atMs: 1_700_000_000_000 };
    const TerminalEvent = BatchType.lookupType('TerminalEvent');
    const encoded = [event, { ...event, atMs: 1 }].map((e) => TerminalEvent.encode(e).finish());
    const decoded = BatchType.toObject(BatchType.decode(join(encoded)), { longs: Number }) as {
      events: unknown[];
    };
    expect(decoded.events).toEqual([event, { ...event, atMs: 1 }]);
  });

  it('refuses bytes that are not a batch, or are cut short, with a RangeError', () => {
    const joined = join([new Uint8Array([1, 2, 3]), new Uint8Array(300)]);
    expect(() => splitEvents(Buffer.from([0x12, 0x01, 0x00]))).toThrow(RangeError);
    expect(() => splitEvents(joined.subarray(0, joined.length - 1))).toThrow(/cut short/);
    expect(() => splitEvents(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff]))).toThrow(/cut short/);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const events = splitEvents(Buffer.from(bytes));
          expect(join(events).equals(Buffer.from(bytes))).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
