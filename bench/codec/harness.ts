import { Bench } from 'tinybench';

/** One line of the results table: the same work measured on the codec and on its naive baseline. */
export interface Row {
  benchmark: string;
  unit: string;
  ours: number;
  naive: number;
}

/** A benchmark prepares (and cross-checks) its input once, then can be measured repeatedly. */
export interface CodecBenchmark {
  /** One line saying what the input is, printed above the table. */
  input: string;
  measure(clock: Clock): Promise<Row[]>;
}

/**
 * What a batch's duration is read from. `cpu` (the default) is the CPU time this process consumed,
 * GC helper threads included: it is what "frames per second per core" means, and unlike wall time it
 * does not count the moments a shared machine gives the core to someone else. `wall` is tinybench's
 * usual performance.now().
 */
export type Clock = 'cpu' | 'wall';

function cpuMilliseconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

// Per task: 250 ms warm-up, then 1 s of timed batches (at least 8), so each benchmark - codec plus
// baseline - takes about 2.5 s per run.
const WARMUP_MS = 250;
const TIME_MS = 1000;

/**
 * Times `batch` with tinybench and returns batches per second from the median batch time (the median
 * shrugs off the scheduler hiccups of a shared machine). Every batch covers thousands of frames or a
 * whole stream, a millisecond or more of work, so the timer's cost and the CPU clock's 1 µs steps
 * are negligible.
 */
export async function batchesPerSecond(name: string, batch: () => void, clock: Clock): Promise<number> {
  const bench = new Bench({
    name,
    now: clock === 'cpu' ? cpuMilliseconds : performance.now.bind(performance),
    time: TIME_MS,
    warmupTime: WARMUP_MS,
    iterations: 8,
    warmupIterations: 4,
    throws: true,
  });
  bench.add(name, batch, { async: false });
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') throw new Error(`benchmark "${name}" ended ${result.state}`);
  return 1000 / result.latency.p50;
}

/**
 * Benchmarks write a value derived from every result here, so the JIT cannot prove the work unused
 * and drop it.
 */
export const sink = { value: 0 };
