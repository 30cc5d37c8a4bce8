import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeTerminalEvent } from '../src/event-writer.js';
import { decodeTerminalEvent, EventKind, encodeByReflection } from '../src/schema.js';
import { anyEvent, gatewayEvent } from './event-arbitraries.js';

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
