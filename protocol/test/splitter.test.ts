import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeMessage, encodeRaw, FrameSplitter, type Jt808Error } from '../src/index.js';

/** A splitter that records copies of what it hands out (the views are only valid during the call). */
function recordingSplitter(maxFrameBytes?: number) {
  const frames: string[] = [];
  const errors: Jt808Error[] = [];
  const splitter = new FrameSplitter({
    maxFrameBytes,
    onFrame: (escaped) => frames.push(Buffer.from(escaped).toString('hex')),
    onError: (error) => errors.push(error),
  });
  return { splitter, frames, errors };
}

const hex = (h: string) => Buffer.from(h.replace(/\s/g, ''), 'hex');
const inner = (frame: Uint8Array) => Buffer.from(frame.subarray(1, -1)).toString('hex');

const HEARTBEAT = encodeMessage({ name: 'heartbeat', header: { phone: '13912345678', serial: 1 }, body: {} });
const RESPONSE = encodeMessage({
  name: 'terminalGeneralResponse',
  header: { phone: '13912345678', serial: 0x7e7d },
  body: { replySerial: 0x7e, replyId: 0x8103, result: 0 },
});
const LOCATION = encodeMessage({
  name: 'locationReport',
  header: { phone: '13912345678', serial: 3, edition: '2019' },
  body: {
    alarm: 0,
    status: 2,
    latitude: 31.2304,
    longitude: 121.4737,
    altitude: 4,
    speed: 40,
    direction: 126,
    time: new Date('2025-05-01T02:03:04Z'),
    extras: { mileage: 1234.5, others: [{ id: 0xe1, data: hex('7e7d7e') }] },
  },
});
const FRAMES = [HEARTBEAT, RESPONSE, LOCATION];
const STREAM = Buffer.concat(FRAMES);

describe('FrameSplitter', () => {
  it('yields every frame of a chunk, flags stripped', () => {
    const { splitter, frames } = recordingSplitter();
    splitter.push(STREAM);
    expect(frames).toEqual(FRAMES.map(inner));
    expect(splitter.bufferedBytes).toBe(0);
  });

  it('reassembles a frame cut at every possible byte position', () => {
    for (let cut = 0; cut <= LOCATION.length; cut++) {
      const { splitter, frames } = recordingSplitter();
      splitter.push(LOCATION.subarray(0, cut));
      splitter.push(LOCATION.subarray(cut));
      expect(frames, `cut at ${cut}`).toEqual([inner(LOCATION)]);
    }
  });

  it('reassembles frames delivered one byte per chunk', () => {
    const { splitter, frames } = recordingSplitter();
    for (const byte of STREAM) splitter.push(Uint8Array.of(byte));
    expect(frames).toEqual(FRAMES.map(inner));
  });

  it('yields the same frames for any chunking of the stream', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: STREAM.length }), { maxLength: 12 }), (cuts) => {
        const { splitter, frames } = recordingSplitter();
        const points = [0, ...cuts.sort((a, b) => a - b), STREAM.length];
        for (let i = 1; i < points.length; i++) splitter.push(STREAM.subarray(points[i - 1], points[i]));
        expect(frames).toEqual(FRAMES.map(inner));
      }),
      { numRuns: 300 },
    );
  });

  it('discards bytes before the first flag of a stream', () => {
    const { splitter, frames } = recordingSplitter();
    splitter.push(hex('0102 0304'));
    expect(splitter.bufferedBytes).toBe(0);
    splitter.push(Buffer.concat([hex('0506'), HEARTBEAT]));
    expect(frames).toEqual([inner(HEARTBEAT)]);
  });

  it('hands out garbage between frames as a candidate that fails to decode, and goes on', () => {
    const { splitter, frames } = recordingSplitter();
    splitter.push(Buffer.concat([HEARTBEAT, hex('deadbeef'), RESPONSE]));
    expect(frames).toEqual([inner(HEARTBEAT), 'deadbeef', inner(RESPONSE)]);
    expect(() => decodeFrame(hex(frames[1]!))).toThrow(/truncated/);
  });

  it('survives a lost start flag or a lost end flag: every flag is a boundary', () => {
    const lostStart = recordingSplitter();
    lostStart.splitter.push(Buffer.concat([HEARTBEAT, RESPONSE.subarray(1), LOCATION]));
    expect(lostStart.frames).toEqual(FRAMES.map(inner));
    const lostEnd = recordingSplitter();
    lostEnd.splitter.push(Buffer.concat([HEARTBEAT, RESPONSE.subarray(0, -1), LOCATION]));
    expect(lostEnd.frames).toEqual(FRAMES.map(inner));
  });

  it('merges two frames when both flags between them are lost; the merged candidate fails, the next frame does not', () => {
    const { splitter, frames } = recordingSplitter();
    splitter.push(Buffer.concat([HEARTBEAT.subarray(0, -1), RESPONSE.subarray(1), LOCATION]));
    expect(frames).toEqual([inner(HEARTBEAT) + inner(RESPONSE), inner(LOCATION)]);
    expect(() => decodeFrame(hex(frames[0]!))).toThrow(/bad-checksum|body-length-mismatch/);
    expect(decodeFrame(hex(frames[1]!)).name).toBe('locationReport');
  });

  it('skips back-to-back flags', () => {
    const { splitter, frames } = recordingSplitter();
    splitter.push(hex('7e7e7e'));
    splitter.push(Buffer.concat([hex('7e'), HEARTBEAT, hex('7e7e'), RESPONSE, hex('7e')]));
    expect(frames).toEqual([inner(HEARTBEAT), inner(RESPONSE)]);
  });

  it('accepts a frame of exactly maxFrameBytes, within a chunk and across chunks', () => {
    const max = HEARTBEAT.length - 2;
    const whole = recordingSplitter(max);
    whole.splitter.push(HEARTBEAT);
    expect(whole.frames).toEqual([inner(HEARTBEAT)]);
    const split = recordingSplitter(max);
    for (const byte of HEARTBEAT) split.splitter.push(Uint8Array.of(byte));
    expect(split.frames).toEqual([inner(HEARTBEAT)]);
    expect(split.errors).toEqual([]);
  });

  it('reports an oversize frame inside one chunk, then delivers the next good frame', () => {
    const { splitter, frames, errors } = recordingSplitter(32);
    splitter.push(Buffer.concat([hex('7e'), Buffer.alloc(33, 1), HEARTBEAT]));
    expect(errors.map((e) => e.reason)).toEqual(['oversize']);
    expect(frames).toEqual([inner(HEARTBEAT)]);
  });

  it('reports an oversize frame spread over chunks once, drops it, then delivers the next good frame', () => {
    const { splitter, frames, errors } = recordingSplitter(32);
    splitter.push(hex('7e'));
    for (let i = 0; i < 100; i++) {
      splitter.push(Buffer.alloc(7, 0x31));
      expect(splitter.bufferedBytes).toBeLessThanOrEqual(32);
    }
    splitter.push(HEARTBEAT);
    expect(errors.map((e) => e.reason)).toEqual(['oversize']);
    expect(errors[0]!.bytes.length).toBeGreaterThan(0);
    expect(frames).toEqual([inner(HEARTBEAT)]);
    expect(splitter.bufferedBytes).toBe(0);
  });

  it('never buffers more than maxFrameBytes, whatever arrives', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 30 }),
        fc.integer({ min: 0, max: 255 }),
        (max, chunks, flagEvery) => {
          const { splitter, frames } = recordingSplitter(max);
          for (const generated of chunks) {
            const chunk = Uint8Array.from(generated);
            // Sprinkle flags so that short, long and cut frames all occur.
            if (flagEvery > 0) for (let i = 0; i < chunk.length; i += flagEvery) chunk[i] = 0x7e;
            splitter.push(chunk);
            expect(splitter.bufferedBytes).toBeLessThanOrEqual(max);
          }
          for (const frame of frames) expect(frame.length / 2).toBeLessThanOrEqual(max);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reset() forgets a partial frame', () => {
    const { splitter, frames } = recordingSplitter();
    splitter.push(RESPONSE.subarray(0, 10));
    expect(splitter.bufferedBytes).toBe(9);
    splitter.reset();
    expect(splitter.bufferedBytes).toBe(0);
    // Unsynchronised again: the tail of the old frame is discarded up to its end flag, which then
    // opens the next candidate.
    splitter.push(Buffer.concat([RESPONSE.subarray(10), HEARTBEAT]));
    expect(frames).toEqual([inner(HEARTBEAT)]);
  });

  it('hands over unknown and sub-packaged frames like any other', () => {
    const fragment = encodeRaw(
      0x0f01,
      { phone: '1', serial: 1, subPackage: { total: 2, index: 1 } },
      hex('7e'),
    );
    const { splitter, frames } = recordingSplitter();
    splitter.push(Buffer.concat([fragment, HEARTBEAT]));
    expect(frames.map((f) => decodeFrame(hex(f)).name)).toEqual(['fragment', 'heartbeat']);
  });
});
