import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeBody,
  decodeFrame,
  encodeMessage,
  encodeRaw,
  encodeSubPackages,
  type FragmentMessage,
  type HeaderInit,
  isJt808Error,
  type OutgoingMessage,
  PACKET_SLOT_BYTES,
  SubPackageAssembler,
} from '../src/index.js';
import { reasonOf } from './reason-of.js';

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

function fragment(frame: Uint8Array): FragmentMessage {
  const message = decodeFrame(frame.subarray(1, -1));
  if (message.name !== 'fragment') throw new Error(`expected a fragment, got ${message.name}`);
  return message;
}

/** An assembler on a clock the test moves by hand. */
function assemblerAt(options: { timeoutMs?: number; maxBytes?: number; maxMessages?: number } = {}) {
  const clock = { t: 0 };
  const assembler = new SubPackageAssembler({ ...options, now: () => clock.t });
  return { assembler, clock };
}

// A JPEG-sized payload holding every byte value, flags and escapes included.
const PHOTO = Uint8Array.from({ length: 4500 }, (_, i) => (i * 31 + 0x7d) & 0xff);
const UPLOAD = {
  name: 'multimediaUpload',
  // Serials run 0xFFFE, 0xFFFF, 0, 1, 2: the wrap is part of the example.
  header: { phone: '13912345678', serial: 0xfffe },
  body: {
    mediaId: 0x1234,
    mediaType: 0,
    format: 0,
    eventCode: 1,
    channel: 2,
    location: {
      alarm: 0,
      status: 0x000c0003,
      latitude: 34.757975,
      longitude: 113.665412,
      altitude: 110,
      speed: 62.5,
      direction: 90,
      time: new Date('2026-11-23T07:30:45Z'),
      extras: {},
    },
    data: PHOTO,
  },
} satisfies OutgoingMessage;
// 8 bytes of media fields + 28 bytes of location + the photo.
const UPLOAD_BODY_LENGTH = 8 + 28 + PHOTO.length;
const UPLOAD_FRAMES = encodeSubPackages(UPLOAD);
const UPLOAD_FRAGMENTS = UPLOAD_FRAMES.map(fragment);

/** Five packets of one 0x0F01 message (an id the codec does not know), 10 body bytes each. */
function unknownFragments(header: HeaderInit, total = 5, bytesPerPacket = 10): FragmentMessage[] {
  return Array.from({ length: total }, (_, i) =>
    fragment(
      encodeRaw(
        0x0f01,
        { ...header, serial: (header.serial + i) & 0xffff, subPackage: { total, index: i + 1 } },
        new Uint8Array(bytesPerPacket).fill(i + 1),
      ),
    ),
  );
}

describe('encodeSubPackages', () => {
  it('cuts a 0x0801 upload into 5 packets with consecutive, wrapping serials', () => {
    expect(UPLOAD_FRAGMENTS.map((f) => f.header.serial)).toEqual([0xfffe, 0xffff, 0, 1, 2]);
    expect(UPLOAD_FRAGMENTS.map((f) => f.header.subPackage)).toEqual(
      [1, 2, 3, 4, 5].map((index) => ({ total: 5, index })),
    );
    expect(UPLOAD_FRAGMENTS.map((f) => f.body.length)).toEqual([
      1023,
      1023,
      1023,
      1023,
      UPLOAD_BODY_LENGTH - 4 * 1023,
    ]);
    for (const f of UPLOAD_FRAGMENTS) expect(f.header.messageId).toBe(0x0801);
  });

  it('sends a body that fits one packet as one ordinary frame', () => {
    const heartbeat = {
      name: 'heartbeat',
      header: { phone: '1', serial: 5 },
      body: {},
    } satisfies OutgoingMessage;
    expect(encodeSubPackages(heartbeat)).toEqual([encodeMessage(heartbeat)]);
    // Even when the caller left sub-package fields in the header.
    const tagged = { ...heartbeat, header: { ...heartbeat.header, subPackage: { total: 9, index: 3 } } };
    expect(encodeSubPackages(tagged)).toEqual([encodeMessage(heartbeat)]);
  });

  it('honours a smaller packet size, in 2019 headers too', () => {
    const frames = encodeSubPackages({ ...UPLOAD, header: { ...UPLOAD.header, edition: '2019' } }, 500);
    const fragments = frames.map(fragment);
    expect(fragments).toHaveLength(Math.ceil(UPLOAD_BODY_LENGTH / 500));
    expect(fragments[0]!.header.edition).toBe('2019');
    expect(fragments[0]!.header.phone).toBe('00000000013912345678');
    expect(fragments.every((f) => f.body.length <= 500)).toBe(true);
  });

  it('refuses packet sizes outside 1..1023 and bad serials', () => {
    expect(reasonOf(() => encodeSubPackages(UPLOAD, 0))).toBe('bad-value');
    expect(reasonOf(() => encodeSubPackages(UPLOAD, 1024))).toBe('bad-value');
    expect(reasonOf(() => encodeSubPackages(UPLOAD, 2.5))).toBe('bad-value');
    expect(reasonOf(() => encodeSubPackages({ ...UPLOAD, header: { phone: '1', serial: 0x10000 } }))).toBe(
      'bad-value',
    );
  });
});

describe('SubPackageAssembler', () => {
  it('rebuilds the 0x0801 upload from packets in any order, ignoring a duplicate', () => {
    const indexes = [0, 1, 2, 3, 4];
    fc.assert(
      fc.property(
        fc.shuffledSubarray(indexes, { minLength: 5, maxLength: 5 }),
        fc.integer({ min: 0, max: 3 }),
        (order, duplicated) => {
          const { assembler } = assemblerAt();
          // The duplicate arrives before the last missing packet, so it is a duplicate, not the
          // start of a new message.
          const arrivals = [...order.slice(0, 4), order[duplicated]!, order[4]!];
          const results = arrivals.map((i) => assembler.push(UPLOAD_FRAGMENTS[i]!));
          expect(results.slice(0, -1)).toEqual([undefined, undefined, undefined, undefined, undefined]);
          const message = results.at(-1);
          expect(message?.name).toBe('multimediaUpload');
          if (message?.name !== 'multimediaUpload') return;
          expect(message.header).toEqual({
            messageId: 0x0801,
            edition: '2013',
            protocolVersion: 0,
            bodyLength: UPLOAD_BODY_LENGTH,
            encryption: 0,
            phone: '013912345678',
            serial: 0xfffe,
          });
          // The photo compared as one buffer: element-wise deep equality is slow at this size.
          const { data, ...fields } = message.body;
          const { data: _, ...sentFields } = UPLOAD.body;
          expect(fields).toEqual(sentFields);
          expect(Buffer.from(data).equals(PHOTO)).toBe(true);
          expect(assembler.size).toBe(0);
          expect(assembler.heldBytes).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('re-encodes the rebuilt upload into the same frames', () => {
    const assembler = new SubPackageAssembler();
    const message = UPLOAD_FRAGMENTS.map((f) => assembler.push(f)).at(-1);
    if (message?.name !== 'multimediaUpload') throw new Error('expected the upload');
    expect(encodeSubPackages({ name: message.name, header: message.header, body: message.body })).toEqual(
      UPLOAD_FRAMES,
    );
  });

  it('hands over the raw body as the packets carried it, which push decodes', () => {
    const raw = new SubPackageAssembler();
    const whole = UPLOAD_FRAGMENTS.map((f) => raw.pushRaw(f)).at(-1)!;
    expect(whole.body).toEqual(concat(UPLOAD_FRAGMENTS.map((f) => f.body)));
    expect(whole.header.subPackage).toBeUndefined();
    expect(whole.header).toMatchObject({ serial: 0xfffe, bodyLength: whole.body.length });
    const decoded = new SubPackageAssembler();
    expect(UPLOAD_FRAGMENTS.map((f) => decoded.push(f)).at(-1)).toEqual(decodeBody(whole.header, whole.body));
  });

  it('rebuilds an unknown id as name unknown with the concatenated body, 2019 header', () => {
    const assembler = new SubPackageAssembler();
    const packets = unknownFragments({ edition: '2019', phone: '12345678901234567890', serial: 40 }, 3, 4);
    expect(assembler.push(packets[2]!)).toBeUndefined();
    expect(assembler.push(packets[0]!)).toBeUndefined();
    expect(assembler.push(packets[1]!)).toEqual({
      name: 'unknown',
      header: {
        messageId: 0x0f01,
        edition: '2019',
        protocolVersion: 1,
        bodyLength: 12,
        encryption: 0,
        phone: '12345678901234567890',
        serial: 40,
      },
      body: Uint8Array.of(1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3),
    });
  });

  it('keeps messages of different phones and ids apart even when their serials agree', () => {
    const assembler = new SubPackageAssembler();
    const a = unknownFragments({ phone: '1', serial: 7 }, 2);
    const b = unknownFragments({ phone: '2', serial: 7 }, 2);
    expect(assembler.push(a[0]!)).toBeUndefined();
    expect(assembler.push(b[1]!)).toBeUndefined();
    expect(assembler.size).toBe(2);
    expect(assembler.push(a[1]!)?.header.phone).toBe('000000000001');
    expect(assembler.push(b[0]!)?.header.phone).toBe('000000000002');
  });

  it('pending() lists stalled messages and what they lack, without removing them', () => {
    const { assembler, clock } = assemblerAt();
    for (const [t, i] of [
      [0, 0],
      [1000, 1],
      [2000, 3],
    ] as const) {
      clock.t = t;
      assembler.push(UPLOAD_FRAGMENTS[i]!);
    }
    clock.t = 3000;
    expect(assembler.pending(1500)).toEqual([]);
    clock.t = 4000;
    const stalled = {
      phone: '013912345678',
      messageId: 0x0801,
      edition: '2013',
      firstSerial: 0xfffe,
      total: 5,
      missing: [3, 5],
    };
    expect(assembler.pending(1500)).toEqual([stalled]);
    expect(assembler.pending(1500)).toEqual([stalled]);
    expect(assembler.size).toBe(1);
    // The resend arrives; the message completes.
    expect(assembler.push(UPLOAD_FRAGMENTS[2]!)).toBeUndefined();
    expect(assembler.push(UPLOAD_FRAGMENTS[4]!)?.name).toBe('multimediaUpload');
  });

  it('expire() drops messages timed out since their first packet and reports them', () => {
    const { assembler, clock } = assemblerAt({ timeoutMs: 60_000 });
    assembler.push(UPLOAD_FRAGMENTS[1]!);
    clock.t = 30_000;
    assembler.push(UPLOAD_FRAGMENTS[2]!);
    clock.t = 60_000;
    expect(assembler.expire()).toEqual([]);
    clock.t = 60_001;
    expect(assembler.expire()).toEqual([
      {
        phone: '013912345678',
        messageId: 0x0801,
        edition: '2013',
        firstSerial: 0xfffe,
        total: 5,
        missing: [1, 4, 5],
      },
    ]);
    expect(assembler.size).toBe(0);
    expect(assembler.heldBytes).toBe(0);
    expect(assembler.expire()).toEqual([]);
  });

  it('charges body bytes plus a slot per expected packet', () => {
    const assembler = new SubPackageAssembler();
    assembler.push(UPLOAD_FRAGMENTS[0]!);
    expect(assembler.heldBytes).toBe(5 * PACKET_SLOT_BYTES + 1023);
    assembler.push(UPLOAD_FRAGMENTS[4]!);
    expect(assembler.heldBytes).toBe(5 * PACKET_SLOT_BYTES + 1023 + UPLOAD_FRAGMENTS[4]!.body.length);
  });

  it('evicts the oldest messages when bytes run out, and reports them with the next expire()', () => {
    const perMessage = 5 * PACKET_SLOT_BYTES + 10;
    const { assembler } = assemblerAt({ maxBytes: 2 * perMessage + 5 });
    const [a, b, c] = [1, 2, 3].map((phone) => unknownFragments({ phone: String(phone), serial: 100 }));
    assembler.push(a![0]!);
    assembler.push(b![0]!);
    expect(assembler.size).toBe(2);
    assembler.push(c![0]!);
    expect(assembler.size).toBe(2);
    expect(assembler.heldBytes).toBe(2 * perMessage);
    // A packet for B needs 10 more bytes than remain: the oldest other message (C) goes.
    assembler.push(b![1]!);
    expect(assembler.size).toBe(1);
    expect(assembler.expire()).toEqual([
      {
        phone: '000000000001',
        messageId: 0x0f01,
        edition: '2013',
        firstSerial: 100,
        total: 5,
        missing: [2, 3, 4, 5],
      },
      {
        phone: '000000000003',
        messageId: 0x0f01,
        edition: '2013',
        firstSerial: 100,
        total: 5,
        missing: [2, 3, 4, 5],
      },
    ]);
    expect(assembler.expire()).toEqual([]);
    // B was never touched and still completes.
    for (const packet of b!.slice(2, 4)) expect(assembler.push(packet)).toBeUndefined();
    expect(assembler.push(b![4]!)?.name).toBe('unknown');
  });

  it('evicts the oldest message when maxMessages are held', () => {
    const { assembler } = assemblerAt({ maxMessages: 2 });
    for (const serial of [10, 20, 30]) assembler.push(unknownFragments({ phone: '1', serial })[0]!);
    expect(assembler.size).toBe(2);
    expect(assembler.expire().map((m) => m.firstSerial)).toEqual([10]);
  });

  it('refuses a message that alone exceeds maxBytes and drops what it held', () => {
    const { assembler } = assemblerAt({ maxBytes: 5 * PACKET_SLOT_BYTES + 2500 });
    const other = unknownFragments({ phone: '9', serial: 1 }, 2, 1);
    assembler.push(other[0]!);
    assembler.push(UPLOAD_FRAGMENTS[0]!);
    assembler.push(UPLOAD_FRAGMENTS[1]!);
    expect(reasonOf(() => assembler.push(UPLOAD_FRAGMENTS[2]!))).toBe('oversize');
    expect(assembler.size).toBe(1);
    expect(assembler.heldBytes).toBe(2 * PACKET_SLOT_BYTES + 1);
    // A declared total whose bookkeeping alone is over budget is refused at its first packet.
    const huge = fragment(
      encodeRaw(0x0f01, { phone: '1', serial: 1, subPackage: { total: 0xffff, index: 1 } }, Uint8Array.of(1)),
    );
    expect(reasonOf(() => assembler.push(huge))).toBe('oversize');
  });

  it('refuses a packet whose total contradicts the message, and keeps the message', () => {
    const assembler = new SubPackageAssembler();
    const packets = unknownFragments({ phone: '1', serial: 50 }, 3);
    assembler.push(packets[0]!);
    const liar = fragment(
      encodeRaw(0x0f01, { phone: '1', serial: 51, subPackage: { total: 4, index: 2 } }, Uint8Array.of(0)),
    );
    expect(reasonOf(() => assembler.push(liar))).toBe('bad-value');
    assembler.push(packets[1]!);
    expect(assembler.push(packets[2]!)?.body).toEqual(
      Uint8Array.from([...Array(10).fill(1), ...Array(10).fill(2), ...Array(10).fill(3)]),
    );
  });

  it('refuses a message that is not a sub-package', () => {
    const assembler = new SubPackageAssembler();
    const header = { ...UPLOAD_FRAGMENTS[0]!.header, subPackage: undefined };
    expect(reasonOf(() => assembler.push({ name: 'fragment', header, body: new Uint8Array(0) }))).toBe(
      'bad-value',
    );
  });

  it('stays within its bounds under any stream of packets', () => {
    const packet = fc.record({
      phone: fc.constantFrom('1', '2', '3'),
      serial: fc.integer({ min: 0, max: 0xffff }),
      messageId: fc.constantFrom(0x0f01, 0x0801, 0x0200),
      total: fc.integer({ min: 1, max: 40 }),
      index: fc.integer({ min: 1, max: 40 }),
      size: fc.integer({ min: 0, max: 300 }),
      advanceMs: fc.integer({ min: 0, max: 20_000 }),
    });
    fc.assert(
      fc.property(
        fc.array(packet, { maxLength: 60 }),
        fc.integer({ min: 0, max: 4000 }),
        (packets, maxBytes) => {
          const { assembler, clock } = assemblerAt({ maxBytes, maxMessages: 4, timeoutMs: 30_000 });
          for (const p of packets) {
            const index = Math.min(p.index, p.total);
            const header = {
              messageId: p.messageId,
              edition: '2013' as const,
              protocolVersion: 0,
              bodyLength: p.size,
              encryption: 0,
              phone: p.phone,
              serial: p.serial,
              subPackage: { total: p.total, index },
            };
            clock.t += p.advanceMs;
            try {
              assembler.push({ name: 'fragment', header, body: new Uint8Array(p.size) });
            } catch (error) {
              if (!isJt808Error(error)) throw error;
            }
            expect(assembler.heldBytes).toBeLessThanOrEqual(maxBytes);
            expect(assembler.size).toBeLessThanOrEqual(4);
            if (p.advanceMs > 15_000) {
              for (const report of assembler.expire()) expect(report.missing.length).toBeGreaterThan(0);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
