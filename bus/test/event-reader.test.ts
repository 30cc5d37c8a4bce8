import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTerminalEvent } from '../src/event-reader.js';
import { writeTerminalEvent } from '../src/event-writer.js';
import { decodeByReflection, decodeTerminalEvent, EventKind, encodeByReflection } from '../src/schema.js';
import { anyEvent, gatewayEvent } from './event-arbitraries.js';

/** What protobufjs makes of the bytes: the event, or the error it throws. */
function reference(bytes: Buffer): unknown {
  try {
    return decodeByReflection(bytes);
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

function decoded(bytes: Buffer): unknown {
  try {
    return decodeTerminalEvent(bytes);
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

describe('readTerminalEvent', () => {
  it('reads every event a gateway publishes itself, as protobufjs reads it', () => {
    fc.assert(
      fc.property(gatewayEvent, (event) => {
        const bytes = writeTerminalEvent(event)!;
        const read = readTerminalEvent(bytes);
        expect(read).toBeDefined();
        expect(read).toEqual(decodeByReflection(bytes));
      }),
      { numRuns: 1000 },
    );
  });

  it('decodes any event as protobufjs does, leaving what it does not read to it', () => {
    fc.assert(
      fc.property(anyEvent, (event) => {
        const bytes = Buffer.from(encodeByReflection(event));
        expect(decoded(bytes)).toEqual(reference(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes damaged and arbitrary bytes as protobufjs does, errors included', () => {
    const damaged = fc
      .tuple(gatewayEvent, fc.nat(), fc.nat({ max: 255 }), fc.boolean())
      .map(([event, index, byte, cut]) => {
        const bytes = Buffer.from(writeTerminalEvent(event)!);
        const at = index % bytes.length;
        if (cut) return bytes.subarray(0, at);
        bytes[at] = byte;
        return bytes;
      });
    const arbitrary = fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes));
    fc.assert(
      fc.property(fc.oneof(damaged, arbitrary), (bytes) => {
        expect(decoded(bytes)).toEqual(reference(bytes));
      }),
      { numRuns: 5000 },
    );
  });

  it('hands the body out as a view into the bytes, not a copy', () => {
    const bytes = writeTerminalEvent({
      kind: EventKind.Message,
      phone: '13800000000',
      gatewayId: 'g',
      sessionId: 's',
      atMs: 1_764_806_400_000,
      body: Buffer.from([1, 2, 3]),
    })!;
    const event = readTerminalEvent(bytes)!;
    expect(event.body!.buffer).toBe(bytes.buffer);
    expect([...event.body!]).toEqual([1, 2, 3]);
  });

  it('leaves what protobufjs reads its own way to it', () => {
    const base = { kind: EventKind.Message, phone: '1', gatewayId: 'g', sessionId: 's' };
    // An at_ms past 2^53, a kind past 2^31, a field the schema does not have.
    expect(readTerminalEvent(Buffer.from(encodeByReflection({ ...base, atMs: 2 ** 55 })))).toBeUndefined();
    expect(readTerminalEvent(Buffer.from([0x08, 0x80, 0x80, 0x80, 0x80, 0x08]))).toBeUndefined();
    expect(readTerminalEvent(Buffer.from([(13 << 3) | 0, 1]))).toBeUndefined();
    expect(readTerminalEvent(Buffer.from(encodeByReflection({ ...base, atMs: 2 ** 40 })))).toEqual({
      ...base,
      atMs: 2 ** 40,
    });
  });
});
