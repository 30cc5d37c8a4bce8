import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArgs, log, runDirectory } from '../cli.js';
import { parseJson, quiesce, sourceAddresses } from '../fleet-sim.js';
import {
  counterDelta,
  cpuByPid,
  cpuDelta,
  type Kernel,
  kernel,
  limits,
  type Memory,
  machine,
  memoryOf,
  processTree,
  socketsOf,
  tcpCounters,
} from '../proc.js';
import { finish, type Proc, sleep, start, stop, stopAll } from '../processes.js';
import { bucketDelta, buckets, byLabel, parseMetrics, quantile, type Sample, sum } from '../prom.js';
import { generalResponseFrame, locationFrame } from './frames.js';
import { assertPortFree, gatewayWorkers, httpGet, startRedis, until } from './processes.js';
import { type HoldResult, markdown, type RampPoint, type ThroughputResult } from './report.js';

/**
 * The gateway benchmarks (see bench/README.md): how many authenticated terminals the standalone
 * gateway holds, what each costs in memory, and what 400,000 terminals' worth of traffic costs in
 * CPU, each against a no-op node:net server with the same number of cluster workers, measured in
 * the same invocation. Everything runs on this machine over loopback; every phase has a deadline.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FLEET_SIM = join(ROOT, 'simulators/bin/fleet-sim.js');
const NOOP = join(ROOT, 'bench/gateway/noop-server.mjs');
const BLAST = join(ROOT, 'bench/gateway/blast.mjs');
const PORT = {
  gateway: 16808,
  gatewayHttp: 19808,
  noop: 16809,
  noopHttp: 19809,
  volatile: 6391,
  durable: 6392,
};
/** The gateway's per-worker cap on this machine: the 20,000 open-file limit less its margin of 256. */
const PER_WORKER = 20_000 - 256;

const values = benchArgs('bench:gateway', 'connections held and traffic, against no-op servers', {
  suite: { type: 'string', default: 'all' },
  steps: { type: 'string', default: '25000,50000,100000' },
  ramp: { type: 'string', default: '1000' },
  'baseline-ramp': { type: 'string', default: '5000' },
  hold: { type: 'string', default: '60' },
  terminals: { type: 'string', default: '100000' },
  speed: { type: 'string', default: '4' },
  interval: { type: 'string', default: '30' },
  window: { type: 'string', default: '60' },
  warmup: { type: 'string', default: '20' },
  runs: { type: 'string', default: '1' },
  redis: { type: 'string', default: 'volatile,durable' },
  baselines: { type: 'string', default: 'noop,noop-reply' },
  'per-address': { type: 'string', default: '4000' },
  sched: { type: 'string', default: 'none' },
  'baseline-sched': { type: 'string', default: 'rr' },
  'no-baseline': { type: 'boolean', default: false },
  out: { type: 'string', default: join(ROOT, '.data/bench-gateway') },
  /** Another build of the gateway to measure (a prototype in a scratch copy of the repository). */
  'gateway-bin': { type: 'string', default: join(ROOT, 'gateway/bin/jt808-gateway.js') },
});
const suite = values.suite!;
if (!['hold', 'throughput', 'all'].includes(suite)) throw new Error('--suite is hold, throughput or all');
const opts = {
  steps: values.steps!.split(',').map(Number),
  ramp: Number(values.ramp),
  baselineRamp: Number(values['baseline-ramp']),
  holdS: Number(values.hold),
  terminals: Number(values.terminals),
  speed: Number(values.speed),
  intervalS: Number(values.interval),
  windowS: Number(values.window),
  warmupS: Number(values.warmup),
  runs: Number(values.runs),
  perAddress: Number(values['per-address']),
  /**
   * node:cluster's scheduling policy for the gateway: `none` (the gateway's default: workers accept
   * from the shared socket themselves) or `rr` (Node's default on Linux: the primary accepts and hands
   * each socket to a worker over IPC), via NODE_CLUSTER_SCHED_POLICY.
   */
  sched: values.sched as 'rr' | 'none',
  /** The no-op server's policy: `rr` by default, because idle workers under `none` fill unevenly. */
  baselineSched: values['baseline-sched'] as 'rr' | 'none',
  redis: values.redis!.split(',').filter(Boolean) as ('volatile' | 'durable')[],
  baselines: values['no-baseline'] ? [] : values.baselines!.split(',').filter(Boolean),
};
for (const policy of [opts.sched, opts.baselineSched]) {
  if (policy !== 'rr' && policy !== 'none') throw new Error('--sched and --baseline-sched are rr or none');
}
const clusterEnv = { NODE_CLUSTER_SCHED_POLICY: opts.sched };
const baselineEnv = { NODE_CLUSTER_SCHED_POLICY: opts.baselineSched };
const GATEWAY = resolve(values['gateway-bin']!);
const { outDir, logDir } = runDirectory(values.out!);

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));

// ---------------------------------------------------------------------------------------------
// The servers

interface Server {
  name: string;
  process: Proc;
  workers: number;
  /** The primary and its workers. */
  pids(): number[];
  /** Authenticated sessions (gateway) or open connections (no-op). */
  held(): Promise<number>;
}

async function startGateway(
  target: number,
  redisPort: number,
): Promise<Server & { scrape(): Promise<Sample[]> }> {
  await assertPortFree(PORT.gateway);
  await assertPortFree(PORT.gatewayHttp);
  const process_ = start(
    'gateway',
    'node',
    [
      GATEWAY,
      ...['--host', '127.0.0.1', '--port', String(PORT.gateway), '--http-port', String(PORT.gatewayHttp)],
      ...['--redis-url', `redis://127.0.0.1:${redisPort}`, '--target-connections', String(target)],
      ...['--log-level', 'warn'],
      // The simulated fleet comes from a few loopback addresses, thousands of terminals each.
      ...['--max-connections-per-address', '0', '--registrations-per-address-per-minute', '0'],
    ],
    logDir,
    { env: clusterEnv },
  );
  const workers = await gatewayWorkers(PORT.gatewayHttp, 60_000);
  const scrape = async () =>
    parseMetrics(await httpGet(`http://127.0.0.1:${PORT.gatewayHttp}/metrics`, 20_000));
  return {
    name: 'gateway',
    process: process_,
    workers,
    pids: () => processTree(process_.pid),
    held: async () => sum(await scrape(), 'jt808_sessions', { state: 'authenticated' }),
    scrape,
  };
}

interface NoopStats {
  listening: number;
  connections: number;
  reads: number;
  bytes: number;
  dropped: number;
}

async function startNoop(workers: number, replyBytes = 0): Promise<Server & { stats(): Promise<NoopStats> }> {
  await assertPortFree(PORT.noop);
  await assertPortFree(PORT.noopHttp);
  const process_ = start(
    replyBytes ? 'noop-reply' : 'noop',
    'node',
    [
      NOOP,
      ...['--port', String(PORT.noop), '--http-port', String(PORT.noopHttp), '--workers', String(workers)],
      ...['--reply', String(replyBytes)],
    ],
    logDir,
    { env: baselineEnv },
  );
  const stats = async () =>
    JSON.parse(await httpGet(`http://127.0.0.1:${PORT.noopHttp}/`, 2000)) as NoopStats;
  await until('no-op server', async () => ((await stats()).listening === workers ? true : undefined), 30_000);
  return {
    name: 'noop',
    process: process_,
    workers,
    pids: () => processTree(process_.pid),
    held: async () => (await stats()).connections,
    stats,
  };
}

// ---------------------------------------------------------------------------------------------
// The clients

function startFleet(
  n: number,
  extra: { speed?: number; intervalS: number; durationS: number; ramp: number },
): Proc {
  const args = [
    FLEET_SIM,
    ...['-n', String(n), '--port', String(PORT.gateway), '--ramp', String(extra.ramp)],
    ...['--driving-interval', String(extra.intervalS), '--parked-interval', String(extra.intervalS)],
    ...['--heartbeat', '60', '--speed', String(extra.speed ?? 1), '--duration', String(extra.durationS)],
    ...['--source-addresses', String(sourceAddresses(n, opts.perAddress))],
    '--json',
  ];
  return start('fleet-sim', 'node', args, logDir);
}

function startBlast(
  n: number,
  extra: { ramp: number; holdS: number; rate: number; durationS: number; frameHex?: string },
): Proc {
  const args = [
    BLAST,
    ...['-n', String(n), '--port', String(PORT.noop), '--ramp', String(extra.ramp)],
    ...['--hold', String(extra.holdS), '--rate', String(extra.rate), '--duration', String(extra.durationS)],
    ...(extra.frameHex ? ['--frame-hex', extra.frameHex] : []),
    ...['--source-addresses', String(sourceAddresses(n, opts.perAddress))],
    '--json',
  ];
  return start('blast', 'node', args, logDir);
}

/** fleet-sim's once-a-second progress line (stderr, a line each when piped). */
const PROGRESS =
  /connected ([\d,]+)\/[\d,]+\s+authenticated ([\d,]+)\s+sent ([\d,]+)\/s\s+acks ([\d,]+)\/s\s+ack p50 ([\d.]+) ms p99 ([\d.]+) ms\s+errors ([\d,]+)/;
const int = (s: string) => Number(s.replaceAll(',', ''));

// ---------------------------------------------------------------------------------------------
// Suite 1+2: connections held and memory per connection

/**
 * Waits until the server holds `n` (authenticated sessions, or connections for the no-op), stops
 * early when nothing moved for 45 s or at the deadline; returns the count and when it got there.
 */
async function ramp(server: Server, n: number, deadlineMs: number, client?: Proc, redis?: Proc) {
  const began = performance.now();
  let best = 0;
  let movedAt = began;
  let reachedAt: number | undefined;
  /** Every 3 s: held so far and CPU % of one core by the primary, the workers, the client, Redis. */
  const timeline: RampPoint[] = [];
  const primary = server.process.pid;
  const cpuNow = () => {
    const workers = server.pids().filter((pid) => pid !== primary);
    return {
      at: performance.now(),
      primary: cpuByPid([primary]),
      workers: cpuByPid(workers),
      client: cpuByPid(client ? processTree(client.pid) : []),
      redis: cpuByPid(redis ? [redis.pid] : []),
    };
  };
  let last = cpuNow();
  while (performance.now() - began < deadlineMs) {
    await sleep(3000);
    const held = await server.held().catch(() => best);
    const now = cpuNow();
    const seconds = (now.at - last.at) / 1000;
    const pct = (key: 'primary' | 'workers' | 'client' | 'redis') =>
      Math.round((100 * cpuDelta(last[key], now[key])) / seconds);
    timeline.push({
      t: Math.round((now.at - began) / 1000),
      held,
      primarySockets: socketsOf(primary),
      primary: pct('primary'),
      workers: pct('workers'),
      client: pct('client'),
      redis: pct('redis'),
    });
    last = now;
    if (held > best) {
      best = held;
      movedAt = performance.now();
    }
    if (held >= n) {
      reachedAt = performance.now();
      break;
    }
    if (performance.now() - movedAt > 45_000) break;
  }
  return {
    best,
    seconds: ((reachedAt ?? performance.now()) - began) / 1000,
    reached: reachedAt !== undefined,
    timeline,
  };
}

async function holdGateway(n: number): Promise<HoldResult> {
  await quiesce();
  log(`hold ${n}: gateway`);
  const redis = await startRedis('volatile', PORT.volatile, outDir, logDir);
  const counters = tcpCounters();
  const gateway = await startGateway(n, PORT.volatile);
  let exit: number | string | undefined;
  void gateway.process.exited.then((code) => {
    exit = code;
  });
  let fleet: Proc | undefined;
  try {
    await sleep(5000);
    const before = sample(gateway.pids());
    fleet = startFleet(n, {
      intervalS: 300,
      durationS: n / opts.ramp + opts.holdS + 240,
      ramp: opts.ramp,
    });
    const reached = await ramp(gateway, n, (n / opts.ramp) * 1000 + 120_000, fleet, redis);
    log(
      `hold ${n}: ${reached.best} authenticated after ${reached.seconds.toFixed(0)} s; holding ${opts.holdS} s`,
    );
    const cpu0 = cpuByPid(gateway.pids());
    const t0 = performance.now();
    let minHeld = Number.POSITIVE_INFINITY;
    while (performance.now() - t0 < opts.holdS * 1000 && exit === undefined) {
      await sleep(5000);
      minHeld = Math.min(minHeld, await gateway.held().catch(() => 0));
    }
    const holdCpu = cpuDelta(cpu0, cpuByPid(gateway.pids())) / ((performance.now() - t0) / 1000);
    const metrics = await gateway.scrape().catch(() => []);
    const pids = gateway.pids();
    const after = sample(pids);
    const perWorker = pids.map((pid) => socketsOf(pid));
    const clientRss = memoryOf(processTree(fleet.pid)).rss;
    const held = sum(metrics, 'jt808_sessions', { state: 'authenticated' });
    const connections = sum(metrics, 'jt808_connections');
    log(
      `hold ${n}: ${held} authenticated, gateway RSS ${mb(before.memory.rss)} -> ${mb(after.memory.rss)}` +
        `, sockets per process ${perWorker.join('/')}${exit === undefined ? '' : `; GATEWAY EXITED (${exit})`}`,
    );
    await stop(fleet, 60_000);
    const summary = parseJson(fleet.stdout());
    const final = await gateway.scrape().catch(() => metrics);
    return {
      kind: 'hold',
      server: 'gateway',
      sched: opts.sched,
      target: n,
      workers: gateway.workers,
      rampSeconds: reached.seconds,
      rampTimeline: reached.timeline,
      reached: reached.best,
      held,
      connections,
      minHeldDuringHold: Number.isFinite(minHeld) ? minHeld : held,
      holdSeconds: opts.holdS,
      holdCpuPercent: holdCpu * 100,
      before,
      after,
      socketsPerProcess: perWorker,
      serverExit: exit,
      clientRss,
      client: summary,
      gatewayMetrics: gatewayCounters(final),
      tcp: counterDelta(counters, tcpCounters()),
    };
  } finally {
    if (fleet) await stop(fleet, 60_000);
    await stop(gateway.process, 60_000);
    await stop(redis, 10_000);
  }
}

async function holdNoop(n: number, workers: number): Promise<HoldResult> {
  await quiesce();
  log(`hold ${n}: no-op baseline, ${workers} workers`);
  const counters = tcpCounters();
  const noop = await startNoop(workers);
  try {
    await sleep(5000);
    const before = sample(noop.pids());
    const settleS = 20;
    const blast = startBlast(n, {
      ramp: opts.baselineRamp,
      holdS: n / opts.baselineRamp + 120,
      rate: 0,
      durationS: 0,
    });
    const reached = await ramp(noop, n, (n / opts.baselineRamp) * 1000 + 120_000, blast);
    log(`hold ${n}: no-op holds ${reached.best} after ${reached.seconds.toFixed(0)} s`);
    await sleep(settleS * 1000);
    const pids = noop.pids();
    const after = sample(pids);
    const perWorker = pids.map((pid) => socketsOf(pid));
    const clientRss = memoryOf(processTree(blast.pid)).rss;
    const held = await noop.held();
    await stop(blast, 30_000, 'SIGKILL');
    return {
      kind: 'hold',
      server: 'noop',
      sched: opts.baselineSched,
      target: n,
      workers,
      rampSeconds: reached.seconds,
      rampTimeline: reached.timeline,
      reached: reached.best,
      held,
      connections: held,
      minHeldDuringHold: held,
      holdSeconds: settleS,
      holdCpuPercent: undefined,
      before,
      after,
      socketsPerProcess: perWorker,
      serverExit: undefined,
      clientRss,
      client: undefined,
      gatewayMetrics: undefined,
      tcp: counterDelta(counters, tcpCounters()),
    };
  } finally {
    await stop(noop.process, 20_000);
  }
}

function sample(pids: number[]): { memory: Memory; kernel: Kernel } {
  return { memory: memoryOf(pids), kernel: kernel() };
}

function gatewayCounters(metrics: Sample[]) {
  return {
    framesByMessage: byLabel(metrics, 'jt808_frames_total', 'message'),
    closedByReason: byLabel(metrics, 'jt808_connections_closed_total', 'reason'),
    refused: sum(metrics, 'jt808_connections_refused_total'),
    badFrames: sum(metrics, 'jt808_bad_frames_total'),
    busFailures: sum(metrics, 'jt808_bus_publish_failures_total'),
    throttled: sum(metrics, 'jt808_flood_throttled_total'),
  };
}

// ---------------------------------------------------------------------------------------------
// Suite 3: throughput

async function throughputGateway(mode: 'volatile' | 'durable'): Promise<ThroughputResult> {
  await quiesce();
  const n = opts.terminals;
  const port = mode === 'durable' ? PORT.durable : PORT.volatile;
  log(`throughput: gateway, ${n} terminals, redis ${mode}`);
  const redis = await startRedis(mode, port, outDir, logDir);
  const counters = tcpCounters();
  const gateway = await startGateway(n, port);
  try {
    const rampS = n / opts.ramp;
    const fleet = startFleet(n, {
      speed: opts.speed,
      intervalS: opts.intervalS,
      ramp: opts.ramp,
      durationS: rampS + opts.warmupS + opts.windowS + 180,
    });
    const reached = await ramp(gateway, n, rampS * 1000 + 120_000, fleet, redis);
    log(
      `throughput: ${reached.best} authenticated after ${reached.seconds.toFixed(0)} s; warm-up ${opts.warmupS} s`,
    );
    await sleep(opts.warmupS * 1000);
    const pids = gateway.pids();
    const clientPids = processTree(fleet.pid);
    const m0 = await gateway.scrape();
    const t0 = performance.now();
    const cpu0 = { server: cpuByPid(pids), redis: cpuByPid([redis.pid]), client: cpuByPid(clientPids) };
    await sleep(opts.windowS * 1000);
    const cpu1 = { server: cpuByPid(pids), redis: cpuByPid([redis.pid]), client: cpuByPid(clientPids) };
    const t1 = performance.now();
    const m1 = await gateway.scrape();
    const seconds = (t1 - t0) / 1000;
    const frames = sum(m1, 'jt808_frames_total') - sum(m0, 'jt808_frames_total');
    const locations =
      sum(m1, 'jt808_frames_total', { message: 'locationReport' }) -
      sum(m0, 'jt808_frames_total', { message: 'locationReport' });
    const heartbeats =
      sum(m1, 'jt808_frames_total', { message: 'heartbeat' }) -
      sum(m0, 'jt808_frames_total', { message: 'heartbeat' });
    const publishes = sum(m1, 'jt808_bus_publish_seconds_count') - sum(m0, 'jt808_bus_publish_seconds_count');
    const publishSum = sum(m1, 'jt808_bus_publish_seconds_sum') - sum(m0, 'jt808_bus_publish_seconds_sum');
    const b0 = buckets(m0, 'jt808_bus_publish_seconds');
    const b1 = buckets(m1, 'jt808_bus_publish_seconds');
    const window = fleet.lines
      .filter((l) => l.at > t0 && l.at <= t1)
      .map((l) => PROGRESS.exec(l.line))
      .filter((m): m is RegExpExecArray => m !== null);
    const serverCpu = cpuDelta(cpu0.server, cpu1.server);
    const held = sum(m1, 'jt808_sessions', { state: 'authenticated' });
    log(
      `throughput: ${(frames / seconds).toFixed(0)} frames/s, gateway ${((100 * serverCpu) / seconds).toFixed(0)}% of a core`,
    );
    await stop(fleet, 60_000);
    const summary = parseJson(fleet.stdout());
    const final = await gateway.scrape();
    return {
      kind: 'throughput',
      server: `gateway (redis ${mode})`,
      terminals: n,
      held,
      workers: gateway.workers,
      rampSeconds: reached.seconds,
      rampTimeline: reached.timeline,
      windowSeconds: seconds,
      framesPerSecond: frames / seconds,
      locationsPerSecond: locations / seconds,
      heartbeatsPerSecond: heartbeats / seconds,
      serverCpuPercent: (100 * serverCpu) / seconds,
      cpuMicrosPerFrame: (1e6 * serverCpu) / Math.max(frames, 1),
      redisCpuPercent: (100 * cpuDelta(cpu0.redis, cpu1.redis)) / seconds,
      clientCpuPercent: (100 * cpuDelta(cpu0.client, cpu1.client)) / seconds,
      busPublishMs: {
        p50: ms(quantile(bucketDelta(b0, b1), 0.5)),
        p99: ms(quantile(bucketDelta(b0, b1), 0.99)),
        mean: publishes > 0 ? (1000 * publishSum) / publishes : undefined,
      },
      ackMs: {
        p50Median: median(window.map((m) => Number(m[5]))),
        p99Median: median(window.map((m) => Number(m[6]))),
        p99Max: Math.max(...window.map((m) => Number(m[6]))),
        seconds: window.length,
        acksPerSecond: median(window.map((m) => int(m[4]!))),
      },
      client: summary,
      gatewayMetrics: gatewayCounters(final),
      tcp: counterDelta(counters, tcpCounters()),
    };
  } finally {
    await stop(gateway.process, 60_000);
    await stop(redis, 10_000);
  }
}

async function throughputNoop(variant: string, workers: number): Promise<ThroughputResult> {
  await quiesce();
  const n = opts.terminals;
  const rate = Math.round(n / (opts.intervalS / opts.speed));
  // The issue's reference is 30-byte messages on a handler that does nothing; the second variant
  // sends fleet-sim-sized location frames and answers each with a 0x8001-sized write.
  const reply = variant === 'noop-reply' ? generalResponseFrame().length : 0;
  const frameHex = variant === 'noop-reply' ? locationFrame().toString('hex') : undefined;
  log(`throughput: ${variant}, ${n} connections, ${rate} frames/s, ${workers} workers`);
  const counters = tcpCounters();
  const noop = await startNoop(workers, reply);
  try {
    const rampS = n / opts.baselineRamp;
    const blast = startBlast(n, {
      ramp: opts.baselineRamp,
      holdS: 2,
      rate,
      durationS: opts.warmupS + opts.windowS + 15,
      frameHex,
    });
    const reached = await ramp(noop, n, rampS * 1000 + 120_000, blast);
    await until('traffic', async () => ((await noop.stats()).reads > 0 ? true : undefined), 60_000);
    await sleep(opts.warmupS * 1000);
    const pids = noop.pids();
    const clientPids = processTree(blast.pid);
    const s0 = await noop.stats();
    const t0 = performance.now();
    const cpu0 = { server: cpuByPid(pids), client: cpuByPid(clientPids) };
    await sleep(opts.windowS * 1000);
    const cpu1 = { server: cpuByPid(pids), client: cpuByPid(clientPids) };
    const t1 = performance.now();
    const s1 = await noop.stats();
    const seconds = (t1 - t0) / 1000;
    const reads = s1.reads - s0.reads;
    const serverCpu = cpuDelta(cpu0.server, cpu1.server);
    log(
      `throughput: ${variant} ${(reads / seconds).toFixed(0)} reads/s, ${((100 * serverCpu) / seconds).toFixed(0)}% of a core`,
    );
    await finish(blast, 120_000);
    return {
      kind: 'throughput',
      server: variant === 'noop-reply' ? `no-op + ${reply}-byte reply` : 'no-op (read and drop)',
      terminals: n,
      held: s1.connections,
      workers,
      rampSeconds: reached.seconds,
      rampTimeline: reached.timeline,
      windowSeconds: seconds,
      framesPerSecond: reads / seconds,
      locationsPerSecond: reads / seconds,
      heartbeatsPerSecond: 0,
      frameBytes: (s1.bytes - s0.bytes) / Math.max(reads, 1),
      serverCpuPercent: (100 * serverCpu) / seconds,
      cpuMicrosPerFrame: (1e6 * serverCpu) / Math.max(reads, 1),
      redisCpuPercent: undefined,
      clientCpuPercent: (100 * cpuDelta(cpu0.client, cpu1.client)) / seconds,
      busPublishMs: undefined,
      ackMs: undefined,
      client: parseJson(blast.stdout()),
      gatewayMetrics: undefined,
      tcp: counterDelta(counters, tcpCounters()),
    };
  } finally {
    await stop(noop.process, 20_000);
  }
}

function ms(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// ---------------------------------------------------------------------------------------------

const results: {
  machine: Record<string, string>;
  limits: Record<string, string>;
  options: typeof opts & { gatewayBin: string };
} & {
  hold: HoldResult[];
  throughput: ThroughputResult[];
  failures: { phase: string; run: number; error: string }[];
} = {
  machine: machine(),
  limits: limits(),
  options: { ...opts, gatewayBin: GATEWAY },
  hold: [],
  throughput: [],
  failures: [],
};
const save = () => writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

/** Runs one phase; a phase that fails is recorded and the suite goes on with the next one. */
async function phase<T>(name: string, run: number, body: () => Promise<T>): Promise<T | undefined> {
  try {
    return await body();
  } catch (error) {
    log(`${name}: FAILED: ${(error as Error).message}`);
    results.failures.push({ phase: name, run, error: String((error as Error).stack ?? error) });
    await stopAll();
    return undefined;
  } finally {
    save();
  }
}

try {
  log(`results in ${outDir}`);
  for (let run = 1; run <= opts.runs; run++) {
    if (suite === 'hold' || suite === 'all') {
      for (const n of opts.steps) {
        const gateway = await phase(`hold ${n} gateway`, run, () => holdGateway(n));
        if (gateway) results.hold.push({ ...gateway, run });
        save();
        if (opts.baselines.length > 0) {
          const workers = gateway?.workers ?? Math.max(2, Math.ceil(n / PER_WORKER));
          const noop = await phase(`hold ${n} no-op`, run, () => holdNoop(n, workers));
          if (noop) results.hold.push({ ...noop, run });
          save();
        }
      }
    }
    if (suite === 'throughput' || suite === 'all') {
      const workers = Math.max(2, Math.ceil(opts.terminals / PER_WORKER));
      for (const mode of opts.redis) {
        const result = await phase(`throughput ${mode}`, run, () => throughputGateway(mode));
        if (result) results.throughput.push({ ...result, run });
        save();
      }
      for (const variant of opts.baselines) {
        const result = await phase(`throughput ${variant}`, run, () => throughputNoop(variant, workers));
        if (result) results.throughput.push({ ...result, run });
        save();
      }
    }
  }
  results.machine.loadavgAtEnd = machine().loadavg!;
  save();
  process.stdout.write(markdown(results));
} finally {
  await stopAll();
}
