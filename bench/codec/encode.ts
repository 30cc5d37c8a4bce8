import { strictEqual } from 'node:assert/strict';
import { encodeMessage } from '@jt808/protocol';
import { batchesPerSecond, type CodecBenchmark, sink } from './harness.js';
import { naiveEncodePlatformGeneralResponse } from './naive.js';
import { type PlatformResponse, platformResponses } from './workload.js';

const FRAMES = 4096;

function encodeAllWithCodec(messages: PlatformResponse[]): number {
  let bytes = 0;
  for (const message of messages) bytes += encodeMessage(message).length;
  return bytes;
}

function encodeAllNaively(messages: PlatformResponse[]): number {
  let bytes = 0;
  for (const { header, body } of messages) bytes += naiveEncodePlatformGeneralResponse(header, body).length;
  return bytes;
}

/** (3) 0x8001 platformGeneralResponse from fields to a complete frame, flags included. */
export function encodeBenchmark(): CodecBenchmark {
  const messages = platformResponses(FRAMES);
  for (const message of messages) {
    strictEqual(
      naiveEncodePlatformGeneralResponse(message.header, message.body).toString('hex'),
      encodeMessage(message).toString('hex'),
    );
  }

  return {
    input: `encode: ${FRAMES} distinct 0x8001 answers, 2013 header, phones from a 400,000-terminal fleet`,
    async measure(clock) {
      const batch = (encodeAll: (messages: PlatformResponse[]) => number) => () => {
        sink.value += encodeAll(messages);
      };
      const ours = await batchesPerSecond('encode codec', batch(encodeAllWithCodec), clock);
      const naive = await batchesPerSecond('encode naive', batch(encodeAllNaively), clock);
      return [{ benchmark: 'encode 0x8001', unit: 'frames/s', ours: ours * FRAMES, naive: naive * FRAMES }];
    },
  };
}
