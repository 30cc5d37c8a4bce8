import type { Kernel, Memory } from '../proc.js';

/** One point of a ramp, every ~3 s: held so far, CPU % of one core by each party over the last interval. */
export interface RampPoint {
  t: number;
  held: number;
  /**
   * Sockets open in the cluster primary: with round-robin scheduling, connections it accepted and has
   * not yet handed to a worker (plus a few of its own: IPC, Redis, HTTP).
   */
  primarySockets: number;
  primary: number;
  workers: number;
  client: number;
  redis: number;
}

export interface HoldResult {
  kind: 'hold';
  server: 'gateway' | 'noop';
  /** node:cluster scheduling policy the server ran with. */
  sched: 'rr' | 'none';
  run?: number;
  target: number;
  workers: number;
  rampSeconds: number;
  rampTimeline: RampPoint[];
  /** Most authenticated sessions (gateway) or connections (no-op) seen while ramping. */
  reached: number;
  /** At the memory sample, after the hold. */
  held: number;
  connections: number;
  minHeldDuringHold: number;
  holdSeconds: number;
  /** CPU of all gateway processes while holding (heartbeats, the sweep), % of one core. */
  holdCpuPercent: number | undefined;
  before: { memory: Memory; kernel: Kernel };
  after: { memory: Memory; kernel: Kernel };
  /** Open sockets of each server process (primary first) at the memory sample. */
  socketsPerProcess: number[];
  /** Set when the server process died during the run. */
  serverExit: number | string | undefined;
  clientRss: number;
  client: Record<string, unknown> | undefined;
  gatewayMetrics: Record<string, unknown> | undefined;
  tcp: Record<string, number>;
}

export interface ThroughputResult {
  kind: 'throughput';
  server: string;
  run?: number;
  terminals: number;
  held: number;
  workers: number;
  rampSeconds: number;
  rampTimeline: RampPoint[];
  windowSeconds: number;
  framesPerSecond: number;
  locationsPerSecond: number;
  heartbeatsPerSecond: number;
  frameBytes?: number;
  serverCpuPercent: number;
  cpuMicrosPerFrame: number;
  redisCpuPercent: number | undefined;
  clientCpuPercent: number;
  busPublishMs: { p50: number | undefined; p99: number | undefined; mean: number | undefined } | undefined;
  ackMs:
    | {
        p50Median: number | undefined;
        p99Median: number | undefined;
        p99Max: number;
        seconds: number;
        acksPerSecond: number | undefined;
      }
    | undefined;
  client: Record<string, unknown> | undefined;
  gatewayMetrics: Record<string, unknown> | undefined;
  tcp: Record<string, number>;
}

const n = (x: number | undefined, digits = 0) =>
  x === undefined || !Number.isFinite(x)
    ? '–'
    : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const kb = (bytes: number) => n(bytes / 1024, 1);

/** Bytes per held connection between the sample at 0 and the one at N. */
export function perConnection(result: HoldResult) {
  const count = Math.max(result.connections, 1);
  const { before, after } = result;
  return {
    rss: (after.memory.rss - before.memory.rss) / count,
    rssAnon: (after.memory.rssAnon - before.memory.rssAnon) / count,
    /** Both ends of each connection are on this machine, so kernel figures cover two sockets. */
    socketCaches: (after.kernel.socketCaches - before.kernel.socketCaches) / count,
    slab: (after.kernel.slab - before.kernel.slab) / count,
    tcpMem: ((after.kernel.tcpMemPages - before.kernel.tcpMemPages) * 4096) / count,
  };
}

function errorsOf(client: Record<string, unknown> | undefined): string {
  const errors = (client?.errors ?? {}) as Record<string, number>;
  const entries = Object.entries(errors);
  if (entries.length === 0) return '0';
  return entries.map(([kind, count]) => `${kind} ${n(count)}`).join(', ');
}

export function markdown(results: {
  machine: Record<string, string>;
  hold: HoldResult[];
  throughput: ThroughputResult[];
}): string {
  const lines: string[] = [];
  lines.push(
    `machine: ${Object.entries(results.machine)
      .map(([k, v]) => `${k} ${v}`)
      .join('; ')}`,
    '',
  );
  if (results.hold.length > 0) {
    lines.push(
      '| run | server | sched | target | workers | reached | held at sample | ramp s | RSS at 0 | RSS at N | RSS/conn KB | anon/conn KB | kernel sockets/conn KB (2 ends) | slab/conn KB | hold CPU % | errors |',
      '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    );
    for (const r of results.hold) {
      const p = perConnection(r);
      lines.push(
        `| ${r.run ?? 1} | ${r.server}${r.serverExit === undefined ? '' : ` (exited ${r.serverExit})`} | ${r.sched} | ${n(r.target)} | ${r.workers} | ${n(r.reached)} | ${n(r.held)} | ${n(r.rampSeconds)} | ${n(r.before.memory.rss / 2 ** 20)} MiB | ${n(r.after.memory.rss / 2 ** 20)} MiB | ${kb(p.rss)} | ${kb(p.rssAnon)} | ${kb(p.socketCaches)} | ${kb(p.slab)} | ${n(r.holdCpuPercent, 1)} | ${errorsOf(r.client)} |`,
      );
    }
    lines.push('');
  }
  if (results.throughput.length > 0) {
    lines.push(
      '| run | server | conns | workers | frames/s | server CPU % of a core | µs CPU/frame | redis CPU % | client CPU % | bus publish p50 / p99 ms | ack p50 / p99 ms (median s) | ack p99 max | errors |',
      '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    );
    for (const r of results.throughput) {
      lines.push(
        `| ${r.run ?? 1} | ${r.server} | ${n(r.held)} | ${r.workers} | ${n(r.framesPerSecond)} | ${n(r.serverCpuPercent, 1)} | ${n(r.cpuMicrosPerFrame, 1)} | ${n(r.redisCpuPercent, 1)} | ${n(r.clientCpuPercent, 1)} | ${n(r.busPublishMs?.p50, 2)} / ${n(r.busPublishMs?.p99, 2)} | ${n(r.ackMs?.p50Median, 2)} / ${n(r.ackMs?.p99Median, 2)} | ${n(r.ackMs?.p99Max, 1)} | ${errorsOf(r.client)} |`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
