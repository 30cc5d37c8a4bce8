import { cpus } from 'node:os';
import { benchArgs } from '../cli.js';
import { decodeBenchmark } from './decode.js';
import { encodeBenchmark } from './encode.js';
import type { CodecBenchmark, Row } from './harness.js';
import { splitBenchmark } from './split.js';

/**
 * Runs the three codec benchmarks `--runs` times (default 3: the machine is shared, one run is not
 * enough), then prints the median of each figure and of each run's ours/naive ratio.
 */

/** From the issue: 400,000 vehicles at one report per 30 s is 13,333 frames/s; under 1% of a core. */
const DECODE_TARGET = 2_000_000;
const FLEET_FRAMES_PER_SECOND = 400_000 / 30;

const values = benchArgs('bench:codec', 'split, decode and encode against naive implementations', {
  runs: { type: 'string', default: '3' },
  clock: { type: 'string', default: 'cpu' },
});
const runs = Number(values.runs);
if (!(Number.isInteger(runs) && runs >= 1))
  throw new Error(`--runs must be a positive integer, got ${values.runs}`);
const clock = values.clock;
if (clock !== 'cpu' && clock !== 'wall') throw new Error(`--clock must be cpu or wall, got ${clock}`);

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, node ${process.version}`);
console.log(`codec:   ${import.meta.resolve('@jt808/protocol')}`);
const benchmarks: CodecBenchmark[] = [splitBenchmark(), decodeBenchmark(), encodeBenchmark()];
for (const benchmark of benchmarks) console.log(`input:   ${benchmark.input}`);

const results: Row[][] = [];
for (let run = 1; run <= runs; run++) {
  const rows: Row[] = [];
  for (const benchmark of benchmarks) rows.push(...(await benchmark.measure(clock)));
  // Progress, and the spread behind each median: our figures in table order.
  console.error(
    `run ${run}/${runs}, ours: ${rows.map((r) => `${format(r.ours, r.unit)} ${r.unit}`).join(', ')}`,
  );
  results.push(rows);
}

const table = results[0]!.map((row, i) => {
  const across = results.map((rows) => rows[i]!);
  return {
    benchmark: row.benchmark,
    unit: row.unit,
    ours: median(across.map((r) => r.ours)),
    naive: median(across.map((r) => r.naive)),
    ratio: median(across.map((r) => r.ours / r.naive)),
  };
});

console.log(
  `\nmedian of ${runs} run(s), single thread, ${clock === 'cpu' ? 'per CPU-second' : 'per wall-clock second'}:`,
);
const header = ['benchmark', 'unit', 'ours', 'naive', 'ours/naive'];
const lines = table.map((r) => [
  r.benchmark,
  r.unit,
  format(r.ours, r.unit),
  format(r.naive, r.unit),
  `${r.ratio.toFixed(1)}×`,
]);
const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
for (const line of [header, ...lines]) {
  console.log(
    line.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
  );
}

const decode = table.find((r) => r.benchmark.startsWith('decode'))!;
console.log(
  `\ndecode target ${format(DECODE_TARGET, 'frames/s')} frames/s per core: ` +
    `${decode.ours >= DECODE_TARGET ? 'met' : 'NOT met'} (${Math.round((100 * decode.ours) / DECODE_TARGET)}%); ` +
    `400,000 vehicles every 30 s = ${format(FLEET_FRAMES_PER_SECOND, 'frames/s')} frames/s ` +
    `= ${((100 * FLEET_FRAMES_PER_SECOND) / decode.ours).toFixed(2)}% of one core`,
);

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function format(value: number, unit: string): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: unit === 'MB/s' ? 1 : 0 });
}
