import { deepStrictEqual } from 'node:assert/strict';
import { decodeFrame } from '@jt808/protocol';
import { batchesPerSecond, type CodecBenchmark, sink } from './harness.js';
import { naiveDecodeLocationFrame } from './naive.js';
import { locationFrames } from './workload.js';

const FRAMES = 4096;

/** The decoded values as plain data, so the codec's Location class and the baseline compare equal. */
function values(header: object, body: { extras: object }): unknown {
  const { extras, ...basic } = body;
  return { header: { ...header }, basic: { ...basic }, extras: { ...extras } };
}

function decodeAllWithCodec(frames: Buffer[]): number {
  let sum = 0;
  for (const frame of frames) {
    const message = decodeFrame(frame);
    if (message.name === 'locationReport') sum += message.body.latitude;
  }
  return sum;
}

function decodeAllNaively(frames: Buffer[]): number {
  let sum = 0;
  for (const frame of frames) sum += naiveDecodeLocationFrame(frame).body.latitude;
  return sum;
}

/** (2) Escaped 0x0200 frame with four additional items (as the splitter yields it) to a decoded message. */
export function decodeBenchmark(): CodecBenchmark {
  const frames = locationFrames(FRAMES);
  for (const frame of frames) {
    const message = decodeFrame(frame);
    if (message.name !== 'locationReport') throw new Error(`decoded as ${message.name}`);
    const naive = naiveDecodeLocationFrame(frame);
    deepStrictEqual(values(message.header, message.body), values(naive.header, naive.body));
  }
  const escaped = frames.filter((frame) => frame.includes(0x7d)).length;

  return {
    input:
      `decode: ${FRAMES} distinct 0x0200 frames, 2013 header, ${frames[0]!.length} bytes typical, ` +
      `extras mileage/fuel/signal/satellites, ${Math.round((100 * escaped) / FRAMES)}% containing escapes`,
    async measure(clock) {
      const batch = (decodeAll: (frames: Buffer[]) => number) => () => {
        sink.value += decodeAll(frames);
      };
      const ours = await batchesPerSecond('decode codec', batch(decodeAllWithCodec), clock);
      const naive = await batchesPerSecond('decode naive', batch(decodeAllNaively), clock);
      return [
        {
          benchmark: 'decode 0x0200 + 4 extras',
          unit: 'frames/s',
          ours: ours * FRAMES,
          naive: naive * FRAMES,
        },
      ];
    },
  };
}
