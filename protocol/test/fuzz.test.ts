import { randomFillSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  codecs,
  DEFAULT_MAX_FRAME_BYTES,
  decodeFrame,
  encodeMessage,
  encodeRaw,
  encodeSubPackages,
  FrameSplitter,
  isJt808Error,
  type Jt808Message,
  type OutgoingMessage,
  SubPackageAssembler,
} from '../src/index.js';

/**
 * The gateway's receive path: splitter -> decodeFrame -> sub-package assembler. Any error other than
 * Jt808Error escapes and fails the test; Jt808Errors are counted, as the gateway would log them.
 */
function receiver(maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {
  const messages: Jt808Message[] = [];
  let rejected = 0;
  const assembler = new SubPackageAssembler({ maxBytes: 64 * 1024, maxMessages: 16 });
  const accept = (run: () => Jt808Message | undefined) => {
    try {
      const message = run();
      if (message !== undefined) messages.push(message);
    } catch (error) {
      if (!isJt808Error(error)) throw error;
      rejected++;
    }
  };
  const splitter = new FrameSplitter({
    maxFrameBytes,
    onFrame: (escaped) =>
      accept(() => {
        const message = decodeFrame(escaped);
        return message.name === 'fragment' ? assembler.push(message) : message;
      }),
    onError: () => rejected++,
  });
  const push = (chunk: Uint8Array) => {
    splitter.push(chunk);
    expect(splitter.bufferedBytes).toBeLessThanOrEqual(maxFrameBytes);
    expect(assembler.heldBytes).toBeLessThanOrEqual(64 * 1024);
  };
  return { push, messages, rejected: () => rejected };
}

const decodeAlone = (frame: Uint8Array) => decodeFrame(frame.subarray(1, -1));

/** Random bytes with the framing bytes (0x7e, 0x7d and what may follow 0x7d) made common. */
const wireByte = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 255 }) },
  { weight: 1, arbitrary: fc.constantFrom(0x7e, 0x7d, 0x01, 0x02, 0x00) },
);
const wireBytes = (maxLength: number) => fc.array(wireByte, { maxLength }).map((a) => Uint8Array.from(a));

const headerInit = fc.record({
  edition: fc.constantFrom('2013' as const, '2019' as const),
  phone: fc.stringMatching(/^\d{1,12}$/),
  serial: fc.integer({ min: 0, max: 0xffff }),
});

/** Messages the codec can encode, with random but valid field values. */
const outgoing: fc.Arbitrary<OutgoingMessage> = fc.oneof(
  headerInit.map((header) => ({ name: 'heartbeat' as const, header, body: {} })),
  fc
    .tuple(
      headerInit,
      fc.constantFrom('terminalGeneralResponse' as const, 'platformGeneralResponse' as const),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 255 }),
    )
    .map(([header, name, replySerial, replyId, result]) => ({
      name,
      header,
      body: { replySerial, replyId, result },
    })),
  fc
    .record({
      header: headerInit,
      alarm: fc.integer({ min: 0, max: 0xffffffff }),
      status: fc.integer({ min: 0, max: 0xffffffff }),
      latitude: fc.integer({ min: -90_000_000, max: 90_000_000 }),
      longitude: fc.integer({ min: -180_000_000, max: 180_000_000 }),
      altitude: fc.integer({ min: -0x8000, max: 0x7fff }),
      speed: fc.integer({ min: 0, max: 0xffff }),
      direction: fc.integer({ min: 0, max: 359 }),
      seconds: fc.option(fc.integer({ min: 946_656_000, max: 4_102_415_999 }), { nil: null }),
      mileage: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
      others: fc.array(fc.record({ id: fc.integer({ min: 0xe0, max: 0xff }), data: wireBytes(8) }), {
        maxLength: 3,
      }),
    })
    .map((l) => ({
      name: 'locationReport' as const,
      header: l.header,
      body: {
        alarm: l.alarm,
        status: l.status,
        latitude: l.latitude / 1e6,
        longitude: l.longitude / 1e6,
        altitude: l.altitude,
        speed: l.speed / 10,
        direction: l.direction,
        time: l.seconds === null ? null : new Date(l.seconds * 1000),
        extras: { mileage: l.mileage === undefined ? undefined : l.mileage / 10, others: l.others },
      },
    })),
);

/** A frame around random bytes for any id: unknown ids, and known ids with bodies that make no sense. */
const rawFrame = fc
  .tuple(
    fc.oneof(
      fc.integer({ min: 0, max: 0xffff }),
      fc.constantFrom(...Object.values(codecs).map((codec) => codec.id)),
    ),
    headerInit,
    wireBytes(120),
  )
  .map(([id, header, body]) => encodeRaw(id, header, body));

const validFrame = fc.oneof(
  outgoing.map((message) => encodeMessage(message)),
  rawFrame,
);

/** Valid frames that also decode (random bodies of known ids mostly do not). */
const decodableFrame = validFrame.filter((frame) => {
  try {
    decodeAlone(frame);
    return true;
  } catch {
    return false;
  }
});

/** One edit of a frame's bytes, as a noisy link or a buggy terminal might make it. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), length: fc.nat({ max: 40 }) }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: fc.nat(),
    length: fc.nat({ max: 40 }),
    to: fc.nat(),
  }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.constantFrom(0x7e, 0x7d) }),
  fc.record({ kind: fc.constant('garbage' as const), before: wireBytes(40), after: wireBytes(40) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(frame: Uint8Array, edit: Mutation): Uint8Array {
  const n = frame.length;
  const at = 'at' in edit ? edit.at % (n + 1) : 0;
  switch (edit.kind) {
    case 'flip': {
      const copy = Uint8Array.from(frame);
      if (n > 0) copy[at % n]! ^= edit.mask;
      return copy;
    }
    case 'cut':
      return Buffer.concat([frame.subarray(0, at), frame.subarray(at + edit.length)]);
    case 'duplicate': {
      const to = edit.to % (n + 1);
      return Buffer.concat([frame.subarray(0, to), frame.subarray(at, at + edit.length), frame.subarray(to)]);
    }
    case 'insert':
      return Buffer.concat([frame.subarray(0, at), Uint8Array.of(edit.byte), frame.subarray(at)]);
    case 'garbage':
      return Buffer.concat([edit.before, frame, edit.after]);
  }
}

describe('fuzz: receive path', () => {
  it('random chunks only ever raise Jt808Error, and stay within the buffer bound', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 16, max: 2200 }),
        fc.array(wireBytes(300), { maxLength: 20 }),
        (max, chunks) => {
          const { push } = receiver(max);
          for (const chunk of chunks) push(chunk);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('every registered codec refuses random bodies with Jt808Error only', () => {
    fc.assert(
      fc.property(rawFrame, (frame) => {
        try {
          decodeAlone(frame);
        } catch (error) {
          if (!isJt808Error(error)) throw error;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('mutated frames only ever raise Jt808Error', () => {
    fc.assert(
      fc.property(
        fc.array(validFrame, { minLength: 1, maxLength: 4 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (frames, edits) => {
          const stream = edits.reduce<Uint8Array>(
            (bytes, edit) => mutate(bytes, edit),
            Buffer.concat(frames),
          );
          const { push } = receiver();
          push(stream);
          try {
            decodeFrame(stream);
          } catch (error) {
            if (!isJt808Error(error)) throw error;
          }
        },
      ),
      { numRuns: 800 },
    );
  });

  it('an intact frame among garbage and damaged frames is still decoded exactly', () => {
    fc.assert(
      fc.property(
        decodableFrame,
        fc.array(validFrame, { maxLength: 2 }),
        fc.array(mutation, { maxLength: 4 }),
        wireBytes(3000),
        wireBytes(300),
        (frame, damaged, edits, before, after) => {
          const noise = edits.reduce<Uint8Array>(
            (bytes, edit) => mutate(bytes, edit),
            Buffer.concat(damaged),
          );
          const { push, messages } = receiver();
          push(Buffer.concat([before, noise, frame, after]));
          expect(messages).toContainEqual(decodeAlone(frame));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('valid frames decode the same in any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(decodableFrame, { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 20 }),
        (frames, sizes) => {
          const stream = Buffer.concat(frames);
          const { push, messages, rejected } = receiver();
          for (let pos = 0, i = 0; pos < stream.length; i++) {
            const size = sizes[i % sizes.length]!;
            push(stream.subarray(pos, pos + size));
            pos += size;
          }
          expect(rejected()).toBe(0);
          expect(messages).toEqual(frames.map(decodeAlone));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('sub-packaged messages come out whole whatever the packet order and chunking', () => {
    fc.assert(
      fc.property(
        outgoing,
        fc.integer({ min: 1, max: 16 }),
        fc.array(fc.nat(), { minLength: 64, maxLength: 64 }),
        fc.integer({ min: 1, max: 50 }),
        (message, packetBytes, sortKeys, chunkSize) => {
          const packets = encodeSubPackages(message, packetBytes)
            .map((frame, i) => ({ frame, key: sortKeys[i % sortKeys.length]! }))
            .sort((a, b) => a.key - b.key);
          const stream = Buffer.concat(packets.map((p) => p.frame));
          const { push, messages, rejected } = receiver();
          for (let pos = 0; pos < stream.length; pos += chunkSize)
            push(stream.subarray(pos, pos + chunkSize));
          expect(rejected()).toBe(0);
          expect(messages).toEqual([decodeAlone(encodeMessage(message))]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('50 MB of random bytes in 64 KiB chunks leave the heap where it was', () => {
    const chunk = Buffer.alloc(64 * 1024);
    const { push, messages, rejected } = receiver();
    const used = () => {
      const { heapUsed, arrayBuffers } = process.memoryUsage();
      return heapUsed + arrayBuffers;
    };
    const before = used();
    let peak = before;
    for (let sent = 0; sent < 50 * 1024 * 1024; sent += chunk.length) {
      // Refilling one buffer: the splitter must copy what it keeps, never hold on to the chunk.
      randomFillSync(chunk);
      push(chunk);
      if (sent % (4 * 1024 * 1024) === 0) peak = Math.max(peak, used());
      // Decoded messages (rare in random bytes) would be handed on by the gateway, not kept here.
      messages.length = 0;
    }
    const growth = Math.max(peak, used()) - before;
    expect(rejected()).toBeGreaterThan(100_000);
    expect(growth).toBeLessThan(50 * 1024 * 1024);
  });
});
