import { readFileSync } from 'node:fs';

/** One event of a chromium trace (the JSON format: complete events have `dur` and `tdur` in µs). */
interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

export interface MainThreadTasks {
  seconds: number;
  tasks: number;
  /** Thread (CPU) time of the page's main thread, ms per second of the trace. */
  cpuMsPerSecond: number;
  /** Tasks longer than 100 ms of wall time (what a `longtask` observer reports over 100 ms). */
  over100Wall: number;
  /** Their thread time, ms: median and max. */
  over100WallCpuMs: { median: number; max: number };
  /** Tasks that worked (thread time) for more than 50 and 100 ms. */
  over50Cpu: number;
  over100Cpu: number;
}

/**
 * The page's main-thread tasks in a trace written by `--trace`: wall and thread time of each. On a
 * loaded machine a task's wall time is mostly waiting for a core; its thread time is the work.
 */
export function mainThreadTasks(path: string): MainThreadTasks {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const main = events.find(
    (e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain',
  );
  if (!main) throw new Error(`${path}: no renderer main thread`);
  const tasks = events.filter(
    (e) =>
      e.pid === main.pid &&
      e.tid === main.tid &&
      e.ph === 'X' &&
      e.name === 'ThreadControllerImpl::RunTask' &&
      e.dur !== undefined,
  );
  if (tasks.length === 0) throw new Error(`${path}: no task on the renderer main thread`);
  const cpu = (e: TraceEvent) => (e.tdur ?? 0) / 1000;
  const seconds = (tasks.at(-1)!.ts + tasks.at(-1)!.dur! - tasks[0]!.ts) / 1e6;
  const long = tasks
    .filter((e) => e.dur! > 100_000)
    .map(cpu)
    .sort((a, b) => a - b);
  return {
    seconds,
    tasks: tasks.length,
    cpuMsPerSecond: tasks.reduce((sum, e) => sum + cpu(e), 0) / seconds,
    over100Wall: long.length,
    over100WallCpuMs: { median: long[Math.floor(long.length / 2)] ?? 0, max: long.at(-1) ?? 0 },
    over50Cpu: tasks.filter((e) => cpu(e) > 50).length,
    over100Cpu: tasks.filter((e) => cpu(e) > 100).length,
  };
}
