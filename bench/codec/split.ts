import { deepStrictEqual, strictEqual } from 'node:assert/strict';
import { checksum, FrameSplitter, unescapeFrame } from '@jt808/protocol';
import { batchesPerSecond, type Clock, type CodecBenchmark, sink } from './harness.js';
import { NaiveSplitter, naiveChecksum, naiveUnescape } from './naive.js';
import { tcpStream } from './workload.js';

/** A frame is handed out unescaped with its check code verified, as the gateway needs it. */
type FrameSink = (data: Uint8Array, checkOk: boolean) => void;

function splitWithCodec(chunks: Buffer[], onFrame: FrameSink): void {
  const splitter = new FrameSplitter({
    onFrame: (escaped) => {
      const data = unescapeFrame(escaped);
      const last = data.length - 1;
      onFrame(data, checksum(data, 0, last) === data[last]);
    },
  });
  for (const chunk of chunks) splitter.push(chunk);
}

function splitNaively(chunks: Buffer[], onFrame: FrameSink): void {
  const splitter = new NaiveSplitter((escaped) => {
    const data = naiveUnescape(escaped);
    onFrame(data, naiveChecksum(data.subarray(0, data.length - 1)) === data[data.length - 1]);
  });
  for (const chunk of chunks) splitter.push(chunk);
}

function collectFrames(split: (chunks: Buffer[], onFrame: FrameSink) => void, chunks: Buffer[]): string[] {
  const frames: string[] = [];
  split(chunks, (data, checkOk) => {
    if (!checkOk) throw new Error('check code mismatch on generated traffic');
    frames.push(Buffer.from(data).toString('hex'));
  });
  return frames;
}

/** (1) Splitter + unescape + check code over ~1 MB of uplink traffic cut into 1-4 KiB reads. */
export function splitBenchmark(): CodecBenchmark {
  const stream = tcpStream(1_000_000);
  const ours = collectFrames(splitWithCodec, stream.chunks);
  strictEqual(ours.length, stream.frames);
  deepStrictEqual(collectFrames(splitNaively, stream.chunks), ours);

  const measure = async (split: (chunks: Buffer[], onFrame: FrameSink) => void, clock: Clock) => {
    let good = 0;
    const count: FrameSink = (data, checkOk) => {
      if (checkOk) good += data.length;
    };
    const perSecond = await batchesPerSecond(split.name, () => split(stream.chunks, count), clock);
    sink.value += good;
    return perSecond;
  };

  return {
    input:
      `split: ${(stream.bytes / 1e6).toFixed(2)} MB stream, ${stream.frames} frames ` +
      `(80% 0x0200 with 4 extras, 20% heartbeats, 1/5 on 2019 headers, ` +
      `${Math.round((100 * stream.escapedFrames) / stream.frames)}% needing escapes), ` +
      `${stream.chunks.length} chunks of 1-4 KiB`,
    async measure(clock) {
      const ours = await measure(splitWithCodec, clock);
      const naive = await measure(splitNaively, clock);
      const label = 'split + unescape + checksum';
      return [
        {
          benchmark: label,
          unit: 'MB/s',
          ours: (ours * stream.bytes) / 1e6,
          naive: (naive * stream.bytes) / 1e6,
        },
        { benchmark: label, unit: 'frames/s', ours: ours * stream.frames, naive: naive * stream.frames },
      ];
    },
  };
}
