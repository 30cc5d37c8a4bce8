/**
 * API benchmark: the k6 scenario of bench/k6 (60 centers × 5 operators with the console open) run
 * from Node against the real API process, on a seeded province (bench/api/seed.ts).
 *
 *   npm run bench:api -w @jt808/bench [-- options]      (builds first; see bench/README.md, "API")
 *
 * Steps: create and seed a database (or reuse one seeded with the same options: --db NAME), create
 * the operators, start `jt808-platform api` as its own process, sign every operator in (from 60
 * loopback addresses: logins are rate limited per address), connect their live feeds, start the
 * publisher, then: the route mix at the operators' rates (autocannon) with the live feed running;
 * each route alone at capacity; the 400,000-vehicle snapshot built in this process and through the
 * API. Prints a Markdown summary; JSON with everything to --out.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dashboardPeriods } from '@jt808/api';
import { ensureStorage, migrate } from '@jt808/storage';
import { freePort } from '@jt808/test-support/ports';
import pg from 'pg';
import { benchArgs, log, runStamp } from '../cli.js';
import { createDatabase, databaseUrl, dropDatabase, serverSettings } from '../ingest/db.js';
import { CpuAccount, cpuOf, loadAverage, machineInfo } from '../proc.js';
import { killAll, type Proc, sleep, start, stop } from '../processes.js';
import { LiveClients, type LiveResult } from './live-clients.js';
import { type RouteLoad, type RouteResult, runCapacity, runMix } from './load.js';
import { type Operator, operatorName, saveUsers, signIn } from './operators.js';
import { Publisher, type PublisherResult } from './publisher.js';
import {
  isTracked,
  phoneOf,
  type SeedOptions,
  type SeedReport,
  seed,
  statusOf,
  vehicleOf,
  vehiclesOfCenter,
} from './seed.js';
import { measureSnapshot } from './snapshot.js';
import { StabilitySampler, sampleTable } from './stability.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const PLATFORM_BIN = join(ROOT, 'platform/server/bin/jt808-platform.js');
const PASSWORD = 'bench-api-password';
const ADMIN = 'bench-admin';

const args = benchArgs('bench:api', 'the API under 60 centers × 5 operators, with live-feed clients', {
  vehicles: { type: 'string', default: '400000' },
  centers: { type: 'string', default: '60' },
  'operators-per-center': { type: 'string', default: '5' },
  'tracked-per-center': { type: 'string', default: '20' },
  'background-fixes': { type: 'string', default: '12' },
  day: { type: 'string' },
  seconds: { type: 'string', default: '120' },
  warmup: { type: 'string', default: '20' },
  'poll-seconds': { type: 'string', default: '10' },
  'work-seconds': { type: 'string', default: '30' },
  'track-points': { type: 'string', default: '1000' },
  'positions-per-second': { type: 'string' },
  'sample-seconds': { type: 'string', default: '60' },
  'api-cpu-prof': { type: 'string' },
  'transitions-per-second': { type: 'string', default: '5' },
  'capacity-seconds': { type: 'string', default: '10' },
  'capacity-connections': { type: 'string', default: '16' },
  'snapshot-runs': { type: 'string', default: '5' },
  db: { type: 'string' },
  'seed-only': { type: 'boolean', default: false },
  'admin-url': {
    type: 'string',
    default: process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  },
  out: { type: 'string' },
});

const num = (name: keyof typeof args) => {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number ≥ 0`);
  return value;
};
const DAY = args.day ?? new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const seedOptions: SeedOptions = {
  centers: num('centers'),
  vehicles: num('vehicles'),
  trackedPerCenter: num('tracked-per-center'),
  backgroundFixes: num('background-fixes'),
  day: new Date(`${DAY}T00:00:00Z`),
};
if (Number.isNaN(seedOptions.day.getTime())) throw new Error('--day must be YYYY-MM-DD');
const PER_CENTER = num('operators-per-center');
const SECONDS = num('seconds');
const POLL_S = num('poll-seconds');
const WORK_S = num('work-seconds');
const POSITIONS_PER_S = args['positions-per-second']
  ? num('positions-per-second')
  : seedOptions.vehicles / 30;
const ADMIN_URL = args['admin-url']!;
const DB_NAME = args.db ?? `jt808_bench_api_${process.pid}`;
const DB_URL = databaseUrl(ADMIN_URL, DB_NAME);
const stamp = runStamp();
const OUT = args.out ?? join(tmpdir(), `jt808-bench-api-${stamp}.json`);

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

// ---------------------------------------------------------------- database

/** The seed marker: a reused database must have been seeded with exactly these options. */
async function seededWith(pool: pg.Pool): Promise<SeedReport | undefined> {
  const { rows } = await pool
    .query<{ options: unknown; report: SeedReport }>(
      `SELECT options, report FROM bench_api_seed WHERE to_regclass('bench_api_seed') IS NOT NULL`,
    )
    .catch(() => ({ rows: [] as { options: unknown; report: SeedReport }[] }));
  const row = rows[0];
  // jsonb keeps its own key order: compare with the keys sorted.
  const canonical = (value: object) => JSON.stringify(value, Object.keys(value).sort());
  return row && canonical(row.options as object) === canonical(JSON.parse(JSON.stringify(seedOptions)))
    ? row.report
    : undefined;
}

async function prepareDatabase(): Promise<{ pool: pg.Pool; seeding: SeedReport; reused: boolean }> {
  if (args.db) {
    const probe = new pg.Pool({ connectionString: DB_URL, max: 1 });
    const report = await seededWith(probe).catch(() => undefined);
    await probe.end();
    if (report) {
      log(`reusing ${DB_NAME}, seeded with the same options; bringing its schema up to date`);
      await migrate(DB_URL);
      const pool = new pg.Pool({ connectionString: DB_URL, max: 4 });
      await ensureStorage(pool, { retentionDays: 180 });
      await pool.query('ANALYZE');
      return { pool, seeding: report, reused: true };
    }
    await dropDatabase(ADMIN_URL, DB_NAME);
  }
  await createDatabase(ADMIN_URL, DB_NAME);
  await migrate(DB_URL);
  const pool = new pg.Pool({ connectionString: DB_URL, max: 4 });
  await ensureStorage(pool, { retentionDays: 180 });
  const seeding = await seed(pool, seedOptions, log);
  const t0 = performance.now();
  const users = [];
  for (let center = 1; center <= seedOptions.centers; center++) {
    for (let n = 1; n <= PER_CENTER; n++) {
      users.push({
        username: operatorName('load-', center, n),
        role: 'operator' as const,
        centerIds: [center],
      });
    }
  }
  // An administrator sees the whole province: no centers.
  users.push({ username: ADMIN, role: 'admin' as const });
  await saveUsers(pool, users, PASSWORD);
  seeding.seconds.users = (performance.now() - t0) / 1000;
  seeding.rows.users = users.length;
  log(`users: ${users.length} in ${seeding.seconds.users.toFixed(1)} s`);
  await pool.query('CREATE TABLE bench_api_seed (options jsonb NOT NULL, report jsonb NOT NULL)');
  await pool.query('INSERT INTO bench_api_seed VALUES ($1, $2)', [JSON.stringify(seedOptions), seeding]);
  return { pool, seeding, reused: false };
}

// ---------------------------------------------------------------- the API process

/** The API listens once it has warmed up: every center's dashboard computed, a minute or more cold. */
const API_START_TIMEOUT_MS = 600_000;

async function startApi(port: number, metricsPort: number): Promise<Proc> {
  const api = start(
    'api',
    'node',
    [
      // A V8 CPU profile of the API process, written where it stops (--api-cpu-prof DIR).
      ...(args['api-cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', args['api-cpu-prof']] : []),
      PLATFORM_BIN,
      'api',
      '--api-port',
      String(port),
      '--http-port',
      String(metricsPort),
    ],
    tmpdir(),
    { env: { DATABASE_URL: DB_URL, INSECURE_COOKIES: '1', LOG_LEVEL: 'warn', REDIS_URL: '' } },
  );
  const deadline = Date.now() + API_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const status = await fetch(`http://127.0.0.1:${port}/api/me`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 401) return api;
    await sleep(250);
  }
  await stop(api);
  throw new Error(`the API did not start within ${API_START_TIMEOUT_MS / 1000} s`);
}

/** Five sign-ins a minute per address: operator i signs in from 127.0.0.(2 + i % 60). */
async function signInAll(base: URL): Promise<{ operators: Operator[]; admin: Operator; seconds: number }> {
  const t0 = performance.now();
  const names: { username: string; center: number }[] = [];
  for (let n = 1; n <= PER_CENTER; n++) {
    for (let center = 1; center <= seedOptions.centers; center++) {
      names.push({ username: operatorName('load-', center, n), center });
    }
  }
  const operators: Operator[] = [];
  const queue = names.map((name, i) => ({ ...name, address: `127.0.0.${2 + (i % 60)}` }));
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const token = await signIn(base, next.username, PASSWORD, next.address);
      operators.push({ username: next.username, center: next.center, token });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const admin = { username: ADMIN, center: 0, token: await signIn(base, ADMIN, PASSWORD, '127.0.0.62') };
  return { operators, admin, seconds: (performance.now() - t0) / 1000 };
}

// ---------------------------------------------------------------- the load

function routeLoads(operators: number): RouteLoad[] {
  const from = encodeURIComponent(`${DAY}T00:00:00Z`);
  const to = encodeURIComponent(new Date(seedOptions.day.getTime() + 86_400_000).toISOString());
  const day = `from=${from}&to=${to}`;
  // The dashboard asks for its default periods (the KPIs of the last seven days and today, the
  // chart of the last 24 hours), which move with the clock: the seeded day is yesterday's by default.
  const dashboard = (which: 'kpis' | 'hourly') => {
    const period = dashboardPeriods(Date.now())[which];
    return `from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`;
  };
  const randomK = (limit: number) => Math.floor(Math.random() * limit);
  const poll = operators / POLL_S;
  const work = operators / WORK_S;
  return [
    { name: 'GET /api/centers', rate: poll, path: () => '/api/centers' },
    {
      name: 'GET /api/centers/hourly (dashboard)',
      rate: poll,
      path: () => `/api/centers/hourly?${dashboard('hourly')}`,
    },
    { name: 'GET /api/kpis (dashboard)', rate: poll, path: () => `/api/kpis?${dashboard('kpis')}` },
    {
      name: 'GET /api/vehicles?q= (4 plate digits)',
      rate: work,
      path: () => `/api/vehicles?q=${String(randomK(10_000)).padStart(4, '0')}`,
    },
    {
      name: 'GET /api/vehicles/:id',
      rate: work,
      path: (o) =>
        `/api/vehicles/${vehicleOf(o.center, randomK(vehiclesOfCenter(o.center, seedOptions)), seedOptions.centers)}`,
    },
    {
      name: `GET /api/vehicles/:id/track (day, ${args['track-points']} points)`,
      rate: work,
      path: (o) =>
        `/api/vehicles/${vehicleOf(o.center, randomK(seedOptions.trackedPerCenter), seedOptions.centers)}/track?${day}&maxPoints=${args['track-points']}`,
    },
  ];
}

/** CPU of the API process, of the database's backends for our database, and of this process. */
class CpuWindow {
  private readonly account = new CpuAccount();
  private readonly timer: NodeJS.Timeout;
  private readonly t0 = performance.now();
  private readonly api0: number;
  private readonly self0 = process.cpuUsage();
  readonly loadAtStart = loadAverage();

  constructor(
    private readonly api: Proc,
    private readonly pool: pg.Pool,
  ) {
    this.api0 = cpuOf(api.pid) ?? 0;
    this.timer = setInterval(() => void this.sample(), 1000);
    void this.sample();
  }

  private async sample(): Promise<void> {
    const { rows } = await this.pool
      .query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [DB_NAME])
      .catch(() => ({ rows: [] as { pid: number }[] }));
    this.account.sample(new Map(rows.map((r) => [r.pid, 'postgres'])));
  }

  async end(): Promise<Record<string, number | number[]>> {
    clearInterval(this.timer);
    await this.sample();
    const seconds = (performance.now() - this.t0) / 1000;
    const self = process.cpuUsage(this.self0);
    return {
      seconds,
      apiCores: ((cpuOf(this.api.pid) ?? 0) - this.api0) / seconds,
      postgresCores: (this.account.snapshot().get('postgres') ?? 0) / seconds,
      loadGeneratorCores: (self.user + self.system) / 1e6 / seconds,
      loadAtStart: this.loadAtStart,
      loadAtEnd: loadAverage(),
    };
  }
}

// ---------------------------------------------------------------- report

function routeTable(results: RouteResult[], withOffered: boolean): string {
  const head = withOffered
    ? '| route | offered req/s | answered req/s | p50 ms | p95 ms | p99 ms | max ms | errors | bytes/answer |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
    : '| route | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |';
  const rows = results.map((r) => {
    const l = r.latencyMs;
    const errors = r.non2xx + r.errors + r.timeouts;
    return withOffered
      ? `| ${r.name} | ${fmt(r.offered, 1)} | ${fmt(r.rps, 1)} | ${fmt(l.p50)} | ${fmt(l.p95)} | ${fmt(l.p99)} | ${fmt(l.max)} | ${errors} | ${fmt(r.bytesPerAnswer)} |`
      : `| ${r.name} | ${fmt(r.rps, 1)} | ${fmt(l.p50)} | ${fmt(l.p95)} | ${fmt(l.p99)} | ${fmt(l.max)} | ${errors} |`;
  });
  return [head, ...rows].join('\n');
}

// ---------------------------------------------------------------- main

/** The route mix at the operators' rates with their live feeds open and the publisher writing. */
async function mixPhase(
  base: URL,
  api: Proc,
  metrics: URL,
  pool: pg.Pool,
  operators: Operator[],
  loads: RouteLoad[],
  results: Record<string, unknown>,
): Promise<void> {
  const live = new LiveClients(base, operators);
  await live.connect();
  log('live feeds connected');
  const phones: string[] = [];
  for (let id = 1; id <= seedOptions.vehicles; id++) {
    if (statusOf(id, seedOptions) !== 'never-seen' && !isTracked(id, seedOptions)) phones.push(phoneOf(id));
  }
  const publisher = new Publisher(pool, {
    positionsPerSecond: POSITIONS_PER_S,
    transitionsPerSecond: num('transitions-per-second'),
    phones,
  });
  publisher.start();
  if (num('warmup') > 0) {
    log(`warm-up ${num('warmup')} s`);
    const warmup = await runMix(base, operators, loads, num('warmup'));
    results.warmup = warmup;
    process.stdout.write(`\n### Warm-up (cold caches), ${num('warmup')} s\n\n${routeTable(warmup, true)}\n`);
  }
  log(`route mix for ${SECONDS} s with ${operators.length} live feeds and the publisher`);
  live.measure();
  const sampler = new StabilitySampler(metrics, pool, live, num('sample-seconds') * 1000, (sample) =>
    log(
      `sample at ${sample.atS} s: API heap ${sample.apiHeapUsedMb} MB, RSS ${sample.apiRssMb} MB, ${sample.apiDbConnections} connections (${sample.apiDbWaiting} waiting), live lag p99 ${sample.liveLagMs.p99} ms`,
    ),
  );
  const cpu = new CpuWindow(api, pool);
  const mix = await runMix(base, operators, loads, SECONDS);
  const mixCpu = await cpu.end();
  const samples = await sampler.stop();
  const published: PublisherResult = await publisher.stop();
  const liveResult: LiveResult = live.stop();
  results.mix = { routes: mix, cpu: mixCpu, live: liveResult, published, samples };
  process.stdout.write(`\n### Route mix (${operators.length} operators)\n\n${routeTable(mix, true)}\n`);
  process.stdout.write(`\n### Every ${num('sample-seconds')} s of the mix\n\n${sampleTable(samples)}\n`);
  process.stdout.write(
    `\nCPU ${JSON.stringify(mixCpu)}\nlive ${JSON.stringify(liveResult)}\npublished ${JSON.stringify(published)}\n`,
  );
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    machine: machineInfo(),
    loadAtStart: loadAverage(),
    options: { ...args, day: DAY, positionsPerSecond: POSITIONS_PER_S },
  };
  log(`database ${DB_NAME}; results to ${OUT}`);
  const { pool, seeding, reused } = await prepareDatabase();
  results.seeding = { ...seeding, reused };
  results.server = await serverSettings(pool);
  if (args['seed-only']) {
    await pool.end();
    process.stdout.write(`${JSON.stringify(seeding, null, 2)}\n`);
    return;
  }
  const port = await freePort();
  const metricsPort = await freePort();
  const apiStarted = performance.now();
  const api = await startApi(port, metricsPort);
  results.apiStartSeconds = (performance.now() - apiStarted) / 1000;
  log(`API listening after ${fmt(results.apiStartSeconds as number, 1)} s (migrations and warm-up)`);
  const base = new URL(`http://127.0.0.1:${port}`);
  try {
    const { operators, admin, seconds: signInSeconds } = await signInAll(base);
    log(`${operators.length} operators signed in in ${signInSeconds.toFixed(1)} s`);
    results.signIn = { operators: operators.length, seconds: signInSeconds };

    const loads = routeLoads(operators.length);
    if (SECONDS > 0)
      await mixPhase(
        base,
        api,
        new URL(`http://127.0.0.1:${metricsPort}/metrics`),
        pool,
        operators,
        loads,
        results,
      );

    const capacitySeconds = num('capacity-seconds');
    if (capacitySeconds > 0) {
      const capacity: (RouteResult & { apiCores: number; postgresCores: number })[] = [];
      for (const load of loads) {
        const window = new CpuWindow(api, pool);
        const result = await runCapacity(base, operators, load, capacitySeconds, num('capacity-connections'));
        const c = await window.end();
        capacity.push({
          ...result,
          apiCores: c.apiCores as number,
          postgresCores: c.postgresCores as number,
        });
        log(`capacity ${load.name}: ${fmt(result.rps, 1)} req/s`);
      }
      results.capacity = capacity;
      process.stdout.write(
        `\n### Each route alone, ${num('capacity-connections')} connections\n\n${routeTable(capacity, false)}\n`,
      );
    }

    const snapshotRuns = num('snapshot-runs');
    if (snapshotRuns > 0) {
      const inProcess = await measureSnapshot(pool, snapshotRuns);
      const throughApi: LiveResult[] = [];
      // Signed in again: after a long mix the first session has been idle past its timeout.
      const fresh = { ...admin, token: await signIn(base, ADMIN, PASSWORD, '127.0.0.62') };
      for (let run = 0; run < 3; run++) {
        const one = new LiveClients(base, [fresh]);
        await one.connect();
        throughApi.push(one.stop());
      }
      results.snapshot = { inProcess, throughApi: throughApi.map((r) => r.snapshotMs.p50) };
      process.stdout.write(
        `\n### Snapshot\n\n${JSON.stringify(inProcess)}\nthrough the API (ms, 3 runs): ${throughApi.map((r) => fmt(r.snapshotMs.p50)).join(', ')}\n`,
      );
    }
  } finally {
    results.finishedAt = new Date().toISOString();
    results.loadAtEnd = loadAverage();
    writeFileSync(OUT, JSON.stringify(results, null, 2));
    log(`results: ${OUT}`);
    await stop(api, 10_000);
    await pool.end();
    if (!args.db) await dropDatabase(ADMIN_URL, DB_NAME);
  }
}

process.on('SIGINT', () => {
  killAll();
  process.exit(130);
});
main().then(
  () => process.exit(0),
  (error: unknown) => {
    killAll();
    process.stderr.write(
      `bench:api: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
