/**
 * Storage and ingest benchmark: terminals (fleet-sim) → jt808-gateway → Redis Streams →
 * jt808-platform ingest → PostgreSQL, all on this machine, against a raw COPY of the same rows into
 * the same table in the same run.
 *
 *   npm run bench:ingest -w @jt808/bench [-- options]      (builds first; see bench/README.md)
 *
 * Phases, in this order (--phases picks a subset):
 *   e2e    offered load in steps (one fleet, shorter report intervals each step); per step the stored
 *          fixes/s over a window, the bus backlog's slope and the CPU of every process
 *   copy   the rows the e2e phase stored, dumped in arrival order, then COPYed straight into an
 *          emptied positions table (the baseline), and through the ingest path's staging + ON CONFLICT
 *          statements in 2,000-row transactions
 *   drain  a bus backlog built with ingest stopped, then drained by 1 and by 2 ingest workers with
 *          nothing else running: the ingest worker's own capacity
 *   fleet  the full fleet's rate (default 50,000 terminals every 3.75 s = 13,333 fixes/s) for
 *          --fleet-seconds; ingest delay percentiles from jt808_ingest_delay_seconds, CPU per process;
 *          then bytes per fix on disk and the cost of one hourly-rollup refresh
 *   flood  live terminals at real speed while --flood-terminals others come back from a blind area
 *          and upload it as 0x0704 batches, with the backfill lane off and on: drain time, the live
 *          terminals' ingest delay before and during it, acknowledged vs stored (see floodRun)
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RedisBus } from '@jt808/bus';
import { refreshRollup } from '@jt808/storage';
import { freePort } from '@jt808/test-support/ports';
import pg from 'pg';
import { benchArgs, log, runStamp } from '../cli.js';
import { compareWithStored, readAcks } from '../no-loss.js';
import {
  CpuAccount,
  commandLineOf,
  cpuOf,
  loadAverage,
  machineCpu,
  machineInfo,
  parents,
  rssOf,
  tree,
} from '../proc.js';
import { killAll, type Proc, sleep, start, stop } from '../processes.js';
import { bucketDelta, buckets, parseMetrics, quantile, type Sample, shareAtOrUnder, sum } from '../prom.js';
import {
  copyIntoPositions,
  createDatabase,
  databaseUrl,
  dropDatabase,
  dumpPositions,
  positionsSize,
  serverSettings,
  stagedInsert,
  stateTables,
} from './db.js';
import { type OwnPostgres, startOwnPostgres } from './own-postgres.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const BIN = {
  gateway: join(ROOT, 'gateway/bin/jt808-gateway.js'),
  platform: join(ROOT, 'platform/server/bin/jt808-platform.js'),
  sim: join(ROOT, 'simulators/bin/fleet-sim.js'),
};

const args = benchArgs(
  'bench:ingest',
  'storage and ingest: end to end, raw COPY, drain, the fleet for minutes',
  {
    phases: { type: 'string', default: 'e2e,copy,drain,fleet' },
    terminals: { type: 'string', default: '50000' },
    'e2e-intervals': { type: 'string', default: '3.75,2.5,1.875,1.25' },
    'e2e-window': { type: 'string', default: '90' },
    settle: { type: 'string', default: '30' },
    'copy-rows': { type: 'string', default: '2000000' },
    'copy-runs': { type: 'string', default: '3' },
    'drain-workers': { type: 'string', default: '1,2' },
    'drain-backlog': { type: 'string', default: '1000000' },
    'fleet-interval': { type: 'string', default: '3.75' },
    'fleet-seconds': { type: 'string', default: '600' },
    workers: { type: 'string', default: '1' },
    ramp: { type: 'string', default: '5000' },
    'cpu-prof': { type: 'boolean', default: false },
    'admin-url': {
      type: 'string',
      default: process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    out: { type: 'string' },
    'keep-db': { type: 'boolean', default: false },
    'timescale-url': { type: 'string' },
    'quiet-wait': { type: 'string', default: '600' },
    'own-postgres': { type: 'boolean', default: false },
    'postgres-bin': { type: 'string', default: '/usr/lib/postgresql/15/bin' },
    'flood-terminals': { type: 'string', default: '20000' },
    'flood-live': { type: 'string', default: '5000' },
    'flood-live-interval': { type: 'string', default: '5' },
    'flood-blind-minutes': { type: 'string', default: '30' },
    'flood-fix-interval': { type: 'string', default: '30' },
    'flood-reconnect-seconds': { type: 'string', default: '60' },
    'flood-speed': { type: 'string', default: '30' },
    'flood-lanes': { type: 'string', default: 'off,on' },
  },
);

const phases = new Set(args.phases!.split(','));
const TERMINALS = Number(args.terminals);
const E2E_INTERVALS = args['e2e-intervals']!.split(',').map(Number);
const E2E_WINDOW_S = Number(args['e2e-window']);
const SETTLE_S = Number(args.settle);
const COPY_ROWS = Number(args['copy-rows']);
const COPY_RUNS = Number(args['copy-runs']);
const DRAIN_WORKERS = args['drain-workers']!.split(',').map(Number);
const DRAIN_BACKLOG = Number(args['drain-backlog']);
const FLEET_INTERVAL = Number(args['fleet-interval']);
const FLEET_S = Number(args['fleet-seconds']);
const WORKERS = Number(args.workers);
const RAMP = Number(args.ramp);
const FLOOD = {
  terminals: Number(args['flood-terminals']),
  live: Number(args['flood-live']),
  liveInterval: Number(args['flood-live-interval']),
  blindS: Number(args['flood-blind-minutes']) * 60,
  fixInterval: Number(args['flood-fix-interval']),
  reconnectS: Number(args['flood-reconnect-seconds']),
  speed: Number(args['flood-speed']),
  lanes: args['flood-lanes']!.split(',').map((lane) => lane === 'on'),
};
/** fleet-sim's default phone base: terminal i has phone 013900000000 + i. */
const SIM_PHONE_BASE = 13_900_000_000;
/** The whole run ends here whatever happens (everything it started is killed). */
const RUN_DEADLINE_MS = 180 * 60_000;

const stamp = runStamp();
const RUN_DIR = join(tmpdir(), `jt808-bench-ingest-${stamp}`);
const DB_NAME = `jt808_bench_ingest_${process.pid}`;
/** --admin-url's server, or with --own-postgres the bench's own (set in main). */
let ADMIN_URL = args['admin-url']!;
let DB_URL = databaseUrl(ADMIN_URL, DB_NAME);
let ownPostgres: OwnPostgres | undefined;
const OUT = args.out ?? join(RUN_DIR, 'results.json');

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

interface Env {
  redisPort: number;
  redis: Proc;
  gatewayPort: number;
  gatewayHttp: number;
  gateway?: Proc;
  workers: { proc: Proc; port: number }[];
  bus: RedisBus;
  pool: pg.Pool;
  postmaster: number;
  sampler: number;
  workerSeq: number;
  simSeq: number;
  sim?: Proc;
}

const results: Record<string, unknown> = {
  startedAt: new Date().toISOString(),
  machine: machineInfo(),
  loadAtStart: loadAverage(),
  options: args,
};

async function main(): Promise<void> {
  mkdirSync(RUN_DIR, { recursive: true });
  log(`run directory ${RUN_DIR}; database ${DB_NAME}`);
  let env: Env;
  try {
    if (args['own-postgres']) {
      ownPostgres = await startOwnPostgres(args['postgres-bin']!, join(RUN_DIR, 'postgres'), RUN_DIR);
      ADMIN_URL = ownPostgres.adminUrl;
      DB_URL = databaseUrl(ADMIN_URL, DB_NAME);
      log(`own PostgreSQL at ${ADMIN_URL}`);
    }
    env = await setup();
  } catch (error) {
    killAll();
    if (!ownPostgres) await dropDatabase(ADMIN_URL, DB_NAME).catch(() => {});
    throw error;
  }
  try {
    if (phases.has('e2e')) results.e2e = await e2e(env);
    if (phases.has('copy')) results.copy = await copyBaseline(env);
    if (phases.has('drain')) results.drain = await drain(env);
    if (phases.has('fleet')) results.fleet = await fleet(env);
    if (phases.has('flood')) results.flood = await flood(env);
    if (args['timescale-url']) results.timescale = await timescaleSize(env, args['timescale-url']);
  } finally {
    results.finishedAt = new Date().toISOString();
    writeFileSync(OUT, JSON.stringify(results, null, 2));
    log(`results: ${OUT}`);
    await teardown(env);
  }
  process.stdout.write(summary());
}

// ---------------------------------------------------------------- setup

async function setup(): Promise<Env> {
  await createDatabase(ADMIN_URL, DB_NAME);
  const redisPort = await freePort();
  const redis = start(
    'redis',
    'redis-server',
    [
      '--port',
      String(redisPort),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--dir',
      RUN_DIR,
    ],
    RUN_DIR,
  );
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  await waitFor('redis', async () => {
    const probe = new RedisBus({ url: redisUrl });
    try {
      return (await probe.durability()).durable;
    } finally {
      await probe.close();
    }
  });
  const migrate = start('migrate', 'node', [BIN.platform, 'migrate'], RUN_DIR, {
    env: platformEnv(redisUrl),
  });
  if ((await migrate.exited) !== 0)
    throw new Error(`jt808-platform migrate failed (see ${RUN_DIR}/migrate.log)`);

  const pool = new pg.Pool({ connectionString: DB_URL, max: 3, application_name: 'bench-ingest' });
  pool.on('error', () => {});
  const sampler = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const dataDir = (await pool.query<{ d: string }>("SELECT current_setting('data_directory') AS d")).rows[0]!
    .d;
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  results.server = await serverSettings(pool);
  results.storageMode = (
    await pool.query<{ value: string }>(`SELECT value FROM storage_settings WHERE key = 'mode'`)
  ).rows[0]?.value;

  const env: Env = {
    redisPort,
    redis,
    gatewayPort: await freePort(),
    gatewayHttp: await freePort(),
    workers: [],
    bus: new RedisBus({ url: redisUrl }),
    pool,
    postmaster,
    sampler,
    workerSeq: 0,
    simSeq: 0,
  };
  // The ingest consumer group must exist before any backlog is counted: a worker creates it.
  await startWorkers(env, 1);
  await stopWorkers(env);
  await startGateway(env);
  return env;
}

/** Node's flags for a process: with --cpu-prof, a CPU profile per process (workers too) under prof/<name>. */
function profiled(name: string): string[] {
  return args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', join(RUN_DIR, 'prof', name)] : [];
}

/** What the platform's processes get over this process's environment. */
function platformEnv(redisUrl: string): Record<string, string> {
  return { DATABASE_URL: DB_URL, REDIS_URL: redisUrl, LOG_LEVEL: 'warn' };
}

async function startGateway(env: Env, gatewayEnv: Record<string, string> = {}): Promise<void> {
  env.gateway = start(
    'gateway',
    'node',
    [
      ...profiled('gateway'),
      BIN.gateway,
      '--host',
      '127.0.0.1',
      '--port',
      String(env.gatewayPort),
      '--http-port',
      String(env.gatewayHttp),
      '--redis-url',
      `redis://127.0.0.1:${env.redisPort}`,
      '--target-connections',
      String(Math.ceil(Math.max(TERMINALS, FLOOD.terminals + FLOOD.live) * 1.1)),
      '--log-level',
      'warn',
      // The simulated fleet comes from a few loopback addresses, thousands of terminals each.
      '--max-connections-per-address',
      '0',
      '--registrations-per-address-per-minute',
      '0',
    ],
    RUN_DIR,
    { env: gatewayEnv },
  );
  await waitFor('gateway', async () => {
    const response = await fetch(`http://127.0.0.1:${env.gatewayHttp}/healthz`);
    return response.ok;
  });
}

async function startWorkers(env: Env, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const name = `ingest-${++env.workerSeq}`;
    const proc = start(
      name,
      'node',
      [
        ...profiled(name),
        BIN.platform,
        'ingest',
        '--consumer',
        `bench-${i + 1}`,
        '--http-port',
        String(port),
      ],
      RUN_DIR,
      { env: platformEnv(`redis://127.0.0.1:${env.redisPort}`) },
    );
    env.workers.push({ proc, port });
  }
  for (const { port } of env.workers)
    await waitFor('ingest worker', async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok);
}

async function stopWorkers(env: Env): Promise<void> {
  await Promise.all(env.workers.map(({ proc }) => stop(proc, 60_000)));
  env.workers = [];
}

async function teardown(env: Env): Promise<void> {
  if (env.sim) await stop(env.sim, 30_000);
  await stopWorkers(env);
  if (env.gateway) await stop(env.gateway, 30_000);
  await env.bus.close().catch(() => {});
  await env.pool.end().catch(() => {});
  await stop(env.redis, 10_000);
  if (ownPostgres) await ownPostgres.stop();
  else if (!args['keep-db']) await dropDatabase(ADMIN_URL, DB_NAME);
  rmSync(join(RUN_DIR, 'rows.copy'), { force: true });
  rmSync(join(RUN_DIR, 'appendonlydir'), { recursive: true, force: true });
}

// ---------------------------------------------------------------- measuring

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`);
    await sleep(everyMs);
  }
}

async function scrapeWorkers(env: Env): Promise<Sample[]> {
  const texts = await Promise.all(
    env.workers.map(async ({ port }) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text()),
  );
  return texts.flatMap(parseMetrics);
}

async function gatewayFrames(env: Env): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${env.gatewayHttp}/metrics`)).text();
  return sum(parseMetrics(text), 'jt808_frames_total');
}

/** Which process group every pid of interest belongs to, now. */
async function groups(env: Env): Promise<Map<number, string>> {
  const parentOf = parents();
  const out = new Map<number, string>();
  const mine = new Set(
    (
      await env.pool.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
      )
    ).rows.map((r) => r.pid),
  );
  for (const pid of tree(env.postmaster, parentOf))
    out.set(pid, mine.has(pid) ? 'postgres: backends of the bench database' : 'postgres: server and other');
  out.set(env.redis.pid, 'redis-server');
  if (env.gateway) for (const pid of tree(env.gateway.pid, parentOf)) out.set(pid, 'jt808-gateway (all)');
  if (env.sim) for (const pid of tree(env.sim.pid, parentOf)) out.set(pid, 'fleet-sim (all)');
  for (const { proc } of env.workers) for (const pid of tree(proc.pid, parentOf)) out.set(pid, 'ingest');
  out.set(process.pid, 'bench harness');
  return out;
}

interface Tick {
  t: number;
  positions: number;
  events: number;
  batches: number;
  lag: number;
  /** Gateway frames so far; scraped only where a window starts or ends (see Recorder.tick). */
  frames?: number;
  delay: Map<number, number>;
  /** The delay of live events alone (not 0x0704 batches; the label the ingest worker sets). */
  liveDelay: Map<number, number>;
  cpu: Map<string, number>;
  machine: { busy: number; total: number };
}

/**
 * Samples the run every `everyMs` until `untilMs` (performance.now()): stored fixes, bus backlog,
 * gateway frames, the delay histogram and CPU by process group.
 */
class Recorder {
  readonly ticks: Tick[] = [];
  readonly account = new CpuAccount();
  readonly rss = new Map<string, number>();

  constructor(private readonly env: Env) {}

  /**
   * `withFrames` scrapes the gateway too. Only a window's first and last tick do: a gateway worker's
   * scrape lists its 10,000 sockets three times over (prom-client's open fds, handles, resources),
   * about 40 ms of its CPU, and every 2 s that was 4 µs per fix charged to the gateway. Production
   * scrapes every 15–30 s.
   */
  async tick(withFrames = false): Promise<Tick> {
    const g = await groups(this.env);
    this.account.sample(g);
    const byGroup = new Map<string, number[]>();
    for (const [pid, group] of g) byGroup.set(group, [...(byGroup.get(group) ?? []), pid]);
    for (const [group, pids] of byGroup) this.rss.set(group, Math.max(this.rss.get(group) ?? 0, rssOf(pids)));
    const [samples, lag, frames] = await Promise.all([
      scrapeWorkers(this.env),
      this.env.bus.events.lag('ingest'),
      withFrames && this.env.gateway ? gatewayFrames(this.env).catch(() => undefined) : undefined,
    ]);
    const tick: Tick = {
      t: performance.now() / 1000,
      positions: sum(samples, 'jt808_ingest_positions_total'),
      events: sum(samples, 'jt808_ingest_events_total'),
      batches: sum(samples, 'jt808_ingest_batches_total'),
      lag,
      frames,
      delay: buckets(samples, 'jt808_ingest_delay_seconds'),
      liveDelay: buckets(samples, 'jt808_ingest_delay_seconds', { lane: 'live' }),
      cpu: this.account.snapshot(),
      machine: machineCpu(),
    };
    this.ticks.push(tick);
    return tick;
  }

  async run(seconds: number, everyMs = 2000, onTick?: (tick: Tick) => void): Promise<void> {
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      const next = performance.now() + everyMs;
      onTick?.(await this.tick(next >= end));
      await sleep(Math.max(0, next - performance.now()));
    }
  }
}

interface Window {
  seconds: number;
  storedPerSecond: number;
  eventsPerSecond: number;
  /** Absent where the window's ends did not scrape the gateway. */
  framesPerSecond?: number;
  meanBatch: number;
  lagStart: number;
  lagEnd: number;
  lagMax: number;
  lagSlopePerSecond: number;
  /** % of one core, by process group, and the machine (of 100 × cores). */
  cpuPercent: Record<string, number>;
  /** CPU time per stored fix, by process group (µs). */
  cpuMicrosecondsPerFix: Record<string, number>;
  delay?: { count: number; p50?: number; p90?: number; p99?: number; under1s?: number; under2s?: number };
}

function windowOf(a: Tick, b: Tick, between: Tick[]): Window {
  const dt = b.t - a.t;
  const cpuPercent: Record<string, number> = {};
  const cpuMicrosecondsPerFix: Record<string, number> = {};
  const fixes = Math.max(1, b.positions - a.positions);
  let accounted = 0;
  for (const [group, seconds] of b.cpu) {
    const used = seconds - (a.cpu.get(group) ?? 0);
    accounted += used;
    cpuPercent[group] = round((100 * used) / dt, 1);
    cpuMicrosecondsPerFix[group] = round((1e6 * used) / fixes, 1);
  }
  const machineBusy = b.machine.busy - a.machine.busy;
  cpuPercent['everything else (machine busy minus the above)'] = round(
    (100 * (machineBusy - accounted)) / dt,
    1,
  );
  cpuPercent['machine busy (of 200)'] = round((100 * machineBusy) / dt, 1);
  return {
    seconds: round(dt, 1),
    storedPerSecond: round((b.positions - a.positions) / dt),
    eventsPerSecond: round((b.events - a.events) / dt),
    framesPerSecond:
      a.frames !== undefined && b.frames !== undefined ? round((b.frames - a.frames) / dt) : undefined,
    meanBatch: round((b.events - a.events) / Math.max(1, b.batches - a.batches)),
    lagStart: a.lag,
    lagEnd: b.lag,
    lagMax: Math.max(a.lag, b.lag, ...between.map((tick) => tick.lag)),
    lagSlopePerSecond: round((b.lag - a.lag) / dt),
    cpuPercent,
    cpuMicrosecondsPerFix,
    delay: delaySummary(bucketDelta(a.delay, b.delay)),
  };
}

/** Percentiles of the delays a histogram's delta holds; undefined when it holds none. */
function delaySummary(delay: Map<number, number>) {
  const count = delay.get(Number.POSITIVE_INFINITY) ?? 0;
  if (!count) return undefined;
  return {
    count,
    p50: round(quantile(delay, 0.5)!, 3),
    p90: round(quantile(delay, 0.9)!, 3),
    p99: round(quantile(delay, 0.99)!, 3),
    under1s: round(shareAtOrUnder(delay, 1)!, 5),
    under2s: round(shareAtOrUnder(delay, 2)!, 5),
  };
}

function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

// ---------------------------------------------------------------- simulator

function startSim(env: Env, interval: number, durationS: number): Proc {
  const name = `fleet-sim-${++env.simSeq}`;
  env.sim = start(
    name,
    'node',
    [
      ...profiled(name),
      BIN.sim,
      '-n',
      String(TERMINALS),
      '--host',
      '127.0.0.1',
      '--port',
      String(env.gatewayPort),
      '--ramp',
      String(RAMP),
      '--driving-interval',
      String(interval),
      '--parked-interval',
      String(interval),
      '--duration',
      String(Math.ceil(durationS)),
      '--state',
      join(RUN_DIR, 'fleet-state.json'),
      '--json',
    ],
    RUN_DIR,
  );
  return env.sim;
}

/** The simulator's latest progress line, parsed. */
function simProgress(sim: Proc): { authenticated: number; sent: number; errors: number } | undefined {
  for (let i = sim.lines.length - 1; i >= 0; i--) {
    const line = sim.lines[i]!.line;
    const auth = /authenticated ([\d,]+)/.exec(line);
    if (!auth) continue;
    const num = (re: RegExp) => Number((re.exec(line)?.[1] ?? '0').replaceAll(',', ''));
    return {
      authenticated: num(/authenticated ([\d,]+)/),
      sent: num(/sent ([\d,]+)\/s/),
      errors: num(/errors ([\d,]+)/),
    };
  }
  return undefined;
}

/** Starts the fleet and waits until (nearly) every terminal is signed in; returns the seconds it took. */
async function signIn(env: Env, interval: number, durationS: number): Promise<number> {
  const started = performance.now();
  const sim = startSim(env, interval, durationS);
  await waitFor(
    'fleet sign-in',
    async () => (simProgress(sim)?.authenticated ?? 0) >= TERMINALS * 0.999,
    (TERMINALS / RAMP) * 1000 + 300_000,
    1000,
  );
  return (performance.now() - started) / 1000;
}

async function stopSim(env: Env): Promise<unknown> {
  if (!env.sim) return undefined;
  const sim = env.sim;
  await stop(sim, 60_000);
  env.sim = undefined;
  try {
    return JSON.parse(sim.stdout());
  } catch {
    return undefined;
  }
}

/** Waits until the bus backlog is (nearly) empty; returns the seconds it took, or undefined at the deadline. */
async function waitDrained(env: Env, timeoutS: number, below = 100): Promise<number | undefined> {
  const started = performance.now();
  while ((performance.now() - started) / 1000 < timeoutS) {
    if ((await env.bus.events.lag('ingest')) <= below) return round((performance.now() - started) / 1000, 1);
    await sleep(1000);
  }
  return undefined;
}

async function checkpoint(env: Env): Promise<void> {
  await env.pool.query('CHECKPOINT');
}

/**
 * After sign-in: --settle seconds, then until the bus backlog is under one second of the offered rate
 * (the sign-in burst absorbed), at most 240 s more, and no longer once it stops falling. Returns the
 * seconds spent.
 */
async function settle(recorder: Recorder, offered: number): Promise<number> {
  const started = performance.now();
  await recorder.run(SETTLE_S);
  const deadline = performance.now() + 240_000;
  const lags: number[] = [];
  while (performance.now() < deadline) {
    const { lag } = await recorder.tick();
    lags.push(lag);
    if (lag <= offered) break;
    // Not coming down (the offered rate is over capacity): waiting longer changes nothing.
    if (lags.length > 5 && lag >= lags[lags.length - 6]!) break;
    await sleep(2000);
  }
  return round((performance.now() - started) / 1000, 1);
}

const OTHER_KEY = 'everything else (machine busy minus the above)';
const FOREIGN =
  /blast\.mjs|noop-server\.mjs|fleet-sim|simulators\/dist\/cli\/main\.js|jt808-gateway|jt808-start|vitest|tsc /;

/**
 * The machine is shared. Before each measurement: wait (polling every 30 s, at most --quiet-wait
 * seconds) until, over 10 s, the CPU used by processes that are not this run's stays under 20% of
 * one core and no other load generator, gateway, simulator or test runner is busy. Returns what was
 * seen, so the report can say how quiet it was.
 */
async function quietGate(env: Env, what: string): Promise<{ waitedSeconds: number; foreignPercent: number }> {
  const started = performance.now();
  const limitMs = Number(args['quiet-wait']) * 1000;
  for (;;) {
    const account = new CpuAccount();
    const before = machineCpu();
    account.sample(await groups(env));
    foreignBusy(env);
    await sleep(10_000);
    account.sample(await groups(env));
    const busyOthers = foreignBusy(env);
    const after = machineCpu();
    let mine = 0;
    for (const seconds of account.seconds.values()) mine += seconds;
    const foreignPercent = round((100 * (after.busy - before.busy - mine)) / 10, 1);
    const waitedSeconds = round((performance.now() - started) / 1000);
    if (foreignPercent < 20 && busyOthers.length === 0) return { waitedSeconds, foreignPercent };
    if (performance.now() - started > limitMs) {
      log(
        `${what}: machine still busy after ${waitedSeconds} s (others ${foreignPercent}% of a core); measuring anyway`,
      );
      return { waitedSeconds, foreignPercent };
    }
    log(
      `${what}: waiting for a quiet machine (others ${foreignPercent}% of a core; ${busyOthers.slice(0, 3).join(', ')})`,
    );
    await sleep(20_000);
  }
}

/** Other people's load generators, gateways, simulators and test runners that are using CPU now. */
function foreignBusy(env: Env): string[] {
  const parentOf = parents();
  const mine = new Set<number>([process.pid]);
  for (const proc of [env.redis, env.gateway, env.sim, ...env.workers.map((w) => w.proc)])
    if (proc) for (const pid of tree(proc.pid, parentOf)) mine.add(pid);
  const out: string[] = [];
  for (const pid of parentOf.keys()) {
    if (mine.has(pid)) continue;
    const command = commandLineOf(pid);
    if (command === undefined || !FOREIGN.test(command)) continue;
    const a = cpuOf(pid);
    busyProbe.set(pid, a ?? 0);
    if (a !== undefined && a - (lastProbe.get(pid) ?? a) > 0.3) out.push(`${pid} ${command.slice(0, 60)}`);
  }
  for (const [pid, cpu] of busyProbe) lastProbe.set(pid, cpu);
  return out;
}
const busyProbe = new Map<number, number>();
const lastProbe = new Map<number, number>();

// ---------------------------------------------------------------- phases

async function e2e(env: Env) {
  const steps: unknown[] = [];
  await startWorkers(env, WORKERS);
  for (const interval of E2E_INTERVALS) {
    const offered = TERMINALS / interval;
    log(`e2e: ${fmt(TERMINALS)} terminals every ${interval} s (${fmt(offered)} fixes/s offered)`);
    const quiet = await quietGate(env, 'e2e');
    await checkpoint(env);
    const recorder = new Recorder(env);
    await recorder.tick();
    const signInS = await signIn(env, interval, TERMINALS / RAMP + SETTLE_S + 3 * E2E_WINDOW_S + 900);
    const settled = await settle(recorder, offered);
    // Up to three windows: the first one other people's processes left alone (under 25% of a core),
    // else the least disturbed.
    let window: Window | undefined;
    let attempts = 0;
    while (attempts < 3) {
      attempts++;
      const a = await recorder.tick(true);
      const from = recorder.ticks.length - 1;
      await recorder.run(E2E_WINDOW_S, 2000, (t) =>
        log(`  stored ${fmt(t.positions)}  backlog ${fmt(t.lag)}  load ${loadAverage()[0]}`),
      );
      const b = recorder.ticks[recorder.ticks.length - 1]!;
      const w = windowOf(a, b, recorder.ticks.slice(from));
      if (!window || w.cpuPercent[OTHER_KEY]! < window.cpuPercent[OTHER_KEY]!) window = w;
      if (w.cpuPercent[OTHER_KEY]! <= 25) break;
      log(`  window disturbed (others ${w.cpuPercent[OTHER_KEY]}% of a core)`);
    }
    const sim = await stopSim(env);
    const drainS = await waitDrained(env, 600);
    log(
      `  → stored ${fmt(window!.storedPerSecond)}/s, backlog ${fmt(window!.lagStart)} → ${fmt(window!.lagEnd)}`,
    );
    steps.push({
      interval,
      offered: round(offered),
      quiet,
      signInSeconds: round(signInS, 1),
      settleSeconds: settled,
      windowAttempts: attempts,
      window,
      backlogDrainedAfterStopSeconds: drainS,
      sim: simBrief(sim),
    });
  }
  await stopWorkers(env);
  const count = await env.pool.query<{ n: string }>('SELECT count(*) AS n FROM positions');
  return {
    workers: WORKERS,
    steps,
    rowsStored: Number(count.rows[0]!.n),
    stateTables: await stateTables(env.pool),
  };
}

function simBrief(report: unknown) {
  const r = report as
    | {
        framesSent?: number;
        locationsSent?: number;
        acks?: number;
        ackRefusals?: number;
        errors?: Record<string, number>;
        ackLatencyMs?: Record<string, number>;
        realSeconds?: number;
      }
    | undefined;
  if (!r) return undefined;
  return {
    realSeconds: r.realSeconds,
    framesSent: r.framesSent,
    locationsSent: r.locationsSent,
    acks: r.acks,
    ackRefusals: r.ackRefusals,
    errors: r.errors,
    ackLatencyMs: r.ackLatencyMs,
  };
}

/** One load of the dumped rows into positions, by raw COPY or by the staged insert. */
interface CopyRun {
  seconds: number;
  rows: number;
  perSecond: number;
  quiet: unknown;
  cpuMicrosecondsPerRow: unknown;
}

async function copyBaseline(env: Env) {
  const file = join(RUN_DIR, 'rows.copy');
  const bytes = await dumpPositions(env.pool, file, COPY_ROWS);
  log(`copy: ${fmt(bytes / 1e6, 1)} MB of rows dumped`);
  const raw: CopyRun[] = [];
  const staged: CopyRun[] = [];
  for (let run = 0; run < COPY_RUNS; run++) {
    for (const [list, go] of [
      [raw, () => copyIntoPositions(env.pool, file)],
      [staged, () => stagedInsert(env.pool, file, 2000)],
    ] as const) {
      await env.pool.query('TRUNCATE positions');
      const quiet = await quietGate(env, 'copy');
      await checkpoint(env);
      const account = new CpuAccount();
      account.sample(await groups(env));
      const result = await go();
      account.sample(await groups(env));
      const cpu = Object.fromEntries(
        [...account.seconds].map(([group, seconds]) => [group, round((1e6 * seconds) / result.rows, 2)]),
      );
      list.push({
        ...result,
        quiet,
        seconds: round(result.seconds, 2),
        perSecond: round(result.rows / result.seconds),
        cpuMicrosecondsPerRow: cpu,
      });
      log(
        `  ${list === raw ? 'raw COPY' : 'staged'}: ${fmt(result.rows)} rows in ${result.seconds.toFixed(2)} s`,
      );
    }
  }
  const size = await positionsSize(env.pool);
  await env.pool.query('TRUNCATE positions');
  return {
    bytes,
    raw,
    staged,
    rawMedian: median(raw.map((r) => r.perSecond)),
    stagedMedian: median(staged.map((r) => r.perSecond)),
    sizeAfterStaged: { ...size, bytesPerRow: round(size.total / Math.max(1, size.rows), 1) },
  };
}

async function drain(env: Env) {
  const runs: unknown[] = [];
  for (const workers of DRAIN_WORKERS) {
    await env.pool.query('TRUNCATE positions');
    // Build a backlog with ingest stopped: the gateway acknowledges once an event is in Redis.
    const interval = Math.min(...E2E_INTERVALS);
    log(`drain: building a backlog of ${fmt(DRAIN_BACKLOG)} events (ingest stopped)`);
    await signIn(env, interval, TERMINALS / RAMP + 600);
    const building = performance.now();
    while ((await env.bus.events.lag('ingest')) < DRAIN_BACKLOG && performance.now() - building < 300_000)
      await sleep(1000);
    await stopSim(env);
    const backlog = await env.bus.events.lag('ingest');
    const quiet = await quietGate(env, 'drain');
    await checkpoint(env);
    log(`  backlog ${fmt(backlog)}; starting ${workers} ingest worker(s)`);
    const recorder = new Recorder(env);
    const started = performance.now();
    await startWorkers(env, workers);
    await recorder.tick();
    while ((performance.now() - started) / 1000 < 900) {
      const tick = await recorder.tick();
      if (tick.lag <= 100) break;
      await sleep(1000);
    }
    const ticks = recorder.ticks;
    // The window: from the workers being ready until the backlog is down to 5% of itself.
    const last = ticks.findIndex((t) => t.lag <= backlog * 0.05);
    const a = ticks[0]!;
    const b = ticks[last > 0 ? last : ticks.length - 1]!;
    const window = windowOf(a, b, ticks);
    log(`  → ${fmt(window.storedPerSecond)} fixes/s, ${fmt(window.eventsPerSecond)} events/s`);
    await stopWorkers(env);
    runs.push({
      workers,
      backlog,
      quiet,
      drainSeconds: round((performance.now() - started) / 1000, 1),
      window,
    });
  }
  return runs;
}

async function fleet(env: Env) {
  await env.pool.query('TRUNCATE positions');
  const quiet = await quietGate(env, 'fleet');
  await checkpoint(env);
  await startWorkers(env, WORKERS);
  const offered = TERMINALS / FLEET_INTERVAL;
  log(
    `fleet: ${fmt(TERMINALS)} terminals every ${FLEET_INTERVAL} s (${fmt(offered)} fixes/s) for ${FLEET_S} s`,
  );
  const recorder = new Recorder(env);
  await recorder.tick();
  const signInS = await signIn(env, FLEET_INTERVAL, TERMINALS / RAMP + SETTLE_S + FLEET_S + 900);
  const settled = await settle(recorder, offered);
  const from = recorder.ticks.length;
  const a = await recorder.tick(true);
  let lastLog = 0;
  await recorder.run(FLEET_S, 5000, (t) => {
    if (t.t - lastLog < 30) return;
    lastLog = t.t;
    log(`  stored ${fmt(t.positions)}  backlog ${fmt(t.lag)}  load ${loadAverage()[0]}`);
  });
  const b = recorder.ticks[recorder.ticks.length - 1]!;
  const window = windowOf(a, b, recorder.ticks.slice(from));
  // Minute by minute, to show whether the rate and the delay hold over the run.
  const minutes: unknown[] = [];
  const span = recorder.ticks.slice(from);
  for (let i = 0; i < span.length; ) {
    let j = i;
    while (j < span.length - 1 && span[j]!.t - span[i]!.t < 60) j++;
    if (j === i) break;
    const w = windowOf(span[i]!, span[j]!, span.slice(i, j + 1));
    minutes.push({
      storedPerSecond: w.storedPerSecond,
      lagMax: w.lagMax,
      delayP99: w.delay?.p99,
      under2s: w.delay?.under2s,
      machineBusy: w.cpuPercent['machine busy (of 200)'],
      others: w.cpuPercent[OTHER_KEY],
    });
    i = j;
  }
  const sim = await stopSim(env);
  const drainS = await waitDrained(env, 600);
  const final = await recorder.tick();
  await stopWorkers(env);
  log(`  → stored ${fmt(window.storedPerSecond)}/s; delay p99 ${window.delay?.p99} s`);

  const size = await positionsSize(env.pool);
  log(
    `size: ${fmt(size.rows)} rows, ${fmt(size.total / 1e6, 1)} MB → ${fmt(size.total / size.rows, 1)} B/fix`,
  );
  // One refresh of the hourly rollup as the ingest worker runs it every minute (the last two hours).
  const now = new Date();
  const rollupStarted = performance.now();
  await refreshRollup(env.pool, 'partitions', new Date(now.getTime() - 2 * 3_600_000), now);
  const rollupSeconds = (performance.now() - rollupStarted) / 1000;
  return {
    terminals: TERMINALS,
    interval: FLEET_INTERVAL,
    offered: round(offered),
    workers: WORKERS,
    quiet,
    signInSeconds: round(signInS, 1),
    settleSeconds: settled,
    window,
    minutes,
    wholeRun: windowOf(recorder.ticks[0]!, final, recorder.ticks),
    backlogDrainedAfterStopSeconds: drainS,
    peakRssBytes: Object.fromEntries(recorder.rss),
    sim: simBrief(sim),
    size: { ...size, bytesPerFix: round(size.total / Math.max(1, size.rows), 1) },
    stateTables: await stateTables(env.pool),
    rollupRefreshSeconds: round(rollupSeconds, 2),
  };
}

/**
 * Blind-area flood: --flood-live terminals report steadily at real speed while --flood-terminals
 * others sign in, lose the network for --flood-blind-minutes (recording a fix every
 * --flood-fix-interval s), then reconnect within --flood-reconnect-seconds and upload what they
 * recorded as 0x0704 type 1 batches. Once per --flood-lanes value: the gateway publishing 0x0704 to
 * the live streams (off) or to the backfill streams (on). Figures: how long the backlog takes to be
 * stored, the live terminals' ingest delay before and during it, and acknowledged vs stored per
 * terminal for both fleets.
 */
async function flood(env: Env) {
  const runs: unknown[] = [];
  for (const lane of FLOOD.lanes) runs.push(await floodRun(env, lane));
  return runs;
}

async function floodRun(env: Env, backfillLane: boolean) {
  const tag = backfillLane ? 'lane-on' : 'lane-off';
  await env.pool.query('TRUNCATE positions');
  if (env.gateway) await stop(env.gateway, 30_000);
  await startGateway(env, { JT808_BACKFILL_LANE: backfillLane ? '1' : '0' });
  const quiet = await quietGate(env, `flood ${tag}`);
  await checkpoint(env);
  await startWorkers(env, WORKERS);
  const loadBefore = loadAverage();
  const { terminals, live, speed } = FLOOD;
  log(
    `flood (${tag}): ${fmt(live)} live terminals every ${FLOOD.liveInterval} s; ${fmt(terminals)} back from ${FLOOD.blindS / 60} min of blind area`,
  );
  const liveAcks = join(RUN_DIR, `flood-${tag}-live-acks.csv`);
  const liveSim = start(
    `flood-${tag}-live`,
    'node',
    [
      BIN.sim,
      ...['-n', String(live), '--port', String(env.gatewayPort), '--ramp', String(RAMP)],
      ...['--driving-interval', String(FLOOD.liveInterval), '--parked-interval', String(FLOOD.liveInterval)],
      ...['--state', join(RUN_DIR, 'flood-live-state.json'), '--acks', liveAcks, '--json'],
    ],
    RUN_DIR,
  );
  await waitFor(
    'live fleet sign-in',
    async () => (simProgress(liveSim)?.authenticated ?? 0) >= live * 0.999,
    300_000,
    1000,
  );
  const recorder = new Recorder(env);
  await recorder.run(20);
  const steady = await recorder.tick();

  // The flooding fleet signs in at --ramp, goes blind, and comes back at terminals/reconnectS a second.
  // Live locations of its own are off (heartbeat-only): the live figures are the other fleet's.
  // fleet-sim has one ramp for connecting and reconnecting: terminals/reconnectS a second.
  const ramp = Math.ceil(terminals / FLOOD.reconnectS);
  const signInS = terminals / ramp + 20;
  const blindAt = Math.ceil(signInS * speed);
  const scenario = join(RUN_DIR, `flood-${tag}-scenario.json`);
  writeFileSync(
    scenario,
    JSON.stringify({
      description: 'bench:ingest flood phase',
      faults: [
        { fault: 'heartbeat-only', share: 1, at: 0 },
        { fault: 'blind-area', share: 1, at: blindAt, duration: FLOOD.blindS },
      ],
    }),
  );
  const floodAcks = join(RUN_DIR, `flood-${tag}-acks.csv`);
  const backAtReal = (blindAt + FLOOD.blindS) / speed;
  const floodSim = start(
    `flood-${tag}-blind`,
    'node',
    [
      BIN.sim,
      ...['-n', String(terminals), '--port', String(env.gatewayPort), '--first', String(live)],
      ...['--speed', String(speed), '--ramp', String(ramp), '--heartbeat', '3600', '--ack-timeout', '30'],
      ...['--driving-interval', String(FLOOD.fixInterval), '--parked-interval', String(FLOOD.fixInterval)],
      ...[
        '--scenario',
        scenario,
        '--acks',
        floodAcks,
        '--json',
        '--duration',
        String(Math.ceil(backAtReal + FLOOD.reconnectS + 120)),
      ],
    ],
    RUN_DIR,
  );
  const simStarted = performance.now() / 1000;
  await waitFor(
    'flood fleet sign-in',
    async () => (simProgress(floodSim)?.authenticated ?? 0) >= terminals * 0.999,
    300_000,
    1000,
  );
  const backAt = simStarted + backAtReal;
  await recorder.run(Math.max(0, backAt - performance.now() / 1000));
  const back = await recorder.tick();
  const loadAtFlood = loadAverage();
  log(`  blind area over: ${fmt(terminals)} terminals reconnecting; load ${loadAtFlood[0]}`);

  // The flooding terminals follow the live ones (indexes, and so phones and plates, apart).
  const first = String(SIM_PHONE_BASE + live);
  const last = String(SIM_PHONE_BASE + live + terminals - 1);
  const floodStored = async () =>
    Number(
      (
        await env.pool.query<{ n: string }>(
          'SELECT count(*) AS n FROM positions WHERE phone BETWEEN $1 AND $2',
          [first, last],
        )
      ).rows[0]!.n,
    );
  const progress: { t: number; stored: number }[] = [];
  let floodReport: unknown;
  let acknowledged: number | undefined;
  const deadline = performance.now() / 1000 + 600; // a flood not stored in 10 minutes is a result too
  for (;;) {
    const tick = await recorder.tick();
    const stored = await floodStored();
    progress.push({ t: tick.t, stored });
    if (progress.length % 10 === 0)
      log(`  flood fixes stored ${fmt(stored)}  backlog ${fmt(tick.lag)}  load ${loadAverage()[0]}`);
    if (
      acknowledged === undefined &&
      (await Promise.race([floodSim.exited, sleep(0).then(() => undefined)])) !== undefined
    ) {
      floodReport = JSON.parse(floodSim.stdout());
      acknowledged = [...readAcks(floodAcks).values()].reduce((a, b) => a + b, 0);
    }
    if (acknowledged !== undefined && stored >= acknowledged) break;
    if (tick.t > deadline) break;
    await sleep(2000);
  }
  const drainedTick = recorder.ticks[recorder.ticks.length - 1]!;
  const drainedAt = progress.find((p) => acknowledged !== undefined && p.stored >= acknowledged)?.t;
  await stop(liveSim, 60_000);
  const liveReport = JSON.parse(liveSim.stdout());
  await waitDrained(env, 600, 0);
  const noLoss = {
    flood: await compareWithStored(env.pool, readAcks(floodAcks)),
    live: await compareWithStored(env.pool, readAcks(liveAcks)),
  };
  await stopWorkers(env);
  const result = {
    backfillLane,
    live,
    liveInterval: FLOOD.liveInterval,
    terminals,
    blindMinutes: FLOOD.blindS / 60,
    fixInterval: FLOOD.fixInterval,
    quiet,
    loadAverage: { before: loadBefore, atFlood: loadAtFlood, after: loadAverage() },
    blindAreaFixesRecorded: (floodReport as { blindAreaFixes?: number } | undefined)?.blindAreaFixes,
    batchesSent: (floodReport as { batchesSent?: number } | undefined)?.batchesSent,
    floodAcknowledged: acknowledged,
    drainSeconds: drainedAt === undefined ? undefined : round(drainedAt - back.t, 1),
    liveDelayBefore: delaySummary(bucketDelta(steady.liveDelay, back.liveDelay)),
    liveDelayDuringFlood: delaySummary(bucketDelta(back.liveDelay, drainedTick.liveDelay)),
    duringFlood: windowOf(
      back,
      drainedTick,
      recorder.ticks.filter((t) => t.t >= back.t && t.t <= drainedTick.t),
    ),
    noLoss,
    sims: { live: simBrief(liveReport), flood: simBrief(floodReport) },
  };
  log(
    `  → drained in ${result.drainSeconds} s; live delay p50/p99 ${result.liveDelayDuringFlood?.p50}/${result.liveDelayDuringFlood?.p99} s (before ${result.liveDelayBefore?.p50}/${result.liveDelayBefore?.p99}); lost ${noLoss.flood.lost} + ${noLoss.live.lost}`,
  );
  return result;
}

/**
 * Bytes per fix under TimescaleDB: the rows positions holds now (the fleet run's) copied into a
 * hypertable in a database of the bench's own on a TimescaleDB server, then every chunk compressed.
 */
async function timescaleSize(env: Env, adminUrl: string) {
  const url = databaseUrl(adminUrl, DB_NAME);
  await createDatabase(adminUrl, DB_NAME);
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: 'bench-ingest' });
  pool.on('error', () => {});
  try {
    const migrate = start('migrate-timescale', 'node', [BIN.platform, 'migrate'], RUN_DIR, {
      env: { DATABASE_URL: url, LOG_LEVEL: 'warn' },
    });
    if ((await migrate.exited) !== 0)
      throw new Error('jt808-platform migrate failed on the TimescaleDB server');
    const mode = (
      await pool.query<{ value: string }>(`SELECT value FROM storage_settings WHERE key = 'mode'`)
    ).rows[0]?.value;
    const file = join(RUN_DIR, 'rows.copy');
    const bytes = await dumpPositions(env.pool, file, 1e12);
    log(`timescale: ${fmt(bytes / 1e6, 1)} MB of rows dumped; loading into a hypertable (mode ${mode})`);
    const copied = await copyIntoPositions(pool, file);
    rmSync(file, { force: true });
    const sizeOf = async () => {
      const { rows } = await pool.query<{ total: string; n: string }>(
        `SELECT hypertable_size('positions') AS total, (SELECT count(*) FROM positions) AS n`,
      );
      return { bytes: Number(rows[0]!.total), rows: Number(rows[0]!.n) };
    };
    const before = await sizeOf();
    const compressStarted = performance.now();
    await pool.query(`SELECT compress_chunk(c, if_not_compressed => true) FROM show_chunks('positions') c`);
    const compressSeconds = (performance.now() - compressStarted) / 1000;
    const after = await sizeOf();
    const version = (
      await pool.query<{ v: string }>(
        `SELECT extversion AS v FROM pg_extension WHERE extname = 'timescaledb'`,
      )
    ).rows[0]?.v;
    log(
      `  ${fmt(before.bytes / before.rows, 1)} B/fix uncompressed, ${fmt(after.bytes / after.rows, 1)} compressed`,
    );
    return {
      mode,
      timescaledb: version,
      rows: after.rows,
      copySeconds: round(copied.seconds, 1),
      copyPerSecond: round(copied.rows / copied.seconds),
      uncompressed: { ...before, bytesPerFix: round(before.bytes / before.rows, 1) },
      compressed: { ...after, bytesPerFix: round(after.bytes / after.rows, 1) },
      compressSeconds: round(compressSeconds, 1),
    };
  } finally {
    await pool.end().catch(() => {});
    if (!args['keep-db']) await dropDatabase(adminUrl, DB_NAME);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// ---------------------------------------------------------------- report

function summary(): string {
  const lines: string[] = ['', `# Storage and ingest benchmark (${results.startedAt})`, ''];
  lines.push(
    `machine: ${JSON.stringify(results.machine)}; load at start ${JSON.stringify(results.loadAtStart)}`,
  );
  lines.push(`server: ${JSON.stringify(results.server)}; storage mode ${results.storageMode}`, '');
  const e = results.e2e as { steps: { offered: number; window: Window }[] } | undefined;
  const c = results.copy as { rawMedian: number; stagedMedian: number } | undefined;
  if (e) {
    lines.push('| offered fixes/s | stored fixes/s | backlog slope /s | delay p99 s | machine busy % |');
    lines.push('| ---: | ---: | ---: | ---: | ---: |');
    for (const s of e.steps)
      lines.push(
        `| ${fmt(s.offered)} | ${fmt(s.window.storedPerSecond)} | ${fmt(s.window.lagSlopePerSecond)} | ${s.window.delay?.p99 ?? '-'} | ${s.window.cpuPercent['machine busy (of 200)']} |`,
      );
  }
  if (c) {
    lines.push(
      '',
      `raw COPY median ${fmt(c.rawMedian)} rows/s; staged + ON CONFLICT median ${fmt(c.stagedMedian)} rows/s`,
    );
    if (e) {
      const best = Math.max(...e.steps.map((s) => s.window.storedPerSecond));
      lines.push(`best e2e ${fmt(best)} fixes/s = ${((100 * best) / c.rawMedian).toFixed(1)}% of raw COPY`);
    }
  }
  const d = results.drain as { workers: number; window: Window }[] | undefined;
  for (const run of d ?? [])
    lines.push(`drain with ${run.workers} worker(s): ${fmt(run.window.storedPerSecond)} fixes/s`);
  const f = results.fleet as
    | { offered: number; window: Window; size: { bytesPerFix: number }; rollupRefreshSeconds: number }
    | undefined;
  if (f)
    lines.push(
      '',
      `fleet ${fmt(f.offered)}/s offered: stored ${fmt(f.window.storedPerSecond)}/s, delay p99 ${f.window.delay?.p99} s (≤2 s: ${f.window.delay?.under2s}), ${f.size.bytesPerFix} B/fix, rollup refresh ${f.rollupRefreshSeconds} s`,
      `CPU % of one core: ${JSON.stringify(f.window.cpuPercent)}`,
    );
  lines.push('', `full results: ${OUT}`, '');
  return lines.join('\n');
}

/** Ends the run early: every process killed, and the bench database (or its own server's files) gone. */
function abandon(code: number): void {
  killAll();
  const exit = () => process.exit(code);
  if (ownPostgres) {
    rmSync(join(RUN_DIR, 'postgres'), { recursive: true, force: true });
    exit();
  } else if (args['keep-db'] && code !== 3) exit();
  else dropDatabase(ADMIN_URL, DB_NAME).then(exit, exit);
}

const deadline = setTimeout(() => {
  log('run deadline reached: stopping everything');
  abandon(3);
}, RUN_DEADLINE_MS);
deadline.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abandon(130));

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    abandon(1);
  },
);
