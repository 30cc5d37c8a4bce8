import { copyFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareDatabase } from '@jt808/storage';
import pg from 'pg';
import { benchArgs, log, runDirectory } from '../cli.js';
import { parseJson, quiesce, sourceAddresses } from '../fleet-sim.js';
import { assertPortFree, gatewayWorkers, httpGet, startRedis } from '../gateway/processes.js';
import { createDatabase, databaseUrl, dropDatabase } from '../ingest/db.js';
import {
  counterDelta,
  cpuByPid,
  cpuDelta,
  cpuSeconds,
  limits,
  machine,
  parentOf,
  processTree,
  reapedChildrenCpuSeconds,
  tcpCounters,
} from '../proc.js';
import { killAll, type Proc, sleep, start, stop, stopAll } from '../processes.js';
import { byLabel, parseMetrics, type Sample, sum } from '../prom.js';
import { loadRoster, terminalsOf, writeRosterFile, writeStateFile } from './roster.js';

/**
 * A sign-in storm (see bench/README.md): N terminals that already hold auth codes connect to a
 * freshly started gateway as fast as they can and authenticate, as after every gateway restarted.
 * Once with the shared registry (PostgresRoster: every worker looks the hashes up in PostgreSQL, in
 * batches) and once with the gateway's own in-memory roster (FileRoster in the primary, workers ask
 * it over IPC), in the same invocation; measured: time to 50/99/100% authenticated,
 * authentications per second, CPU of the gateway and of PostgreSQL per authentication, and the
 * statements the database ran.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const GATEWAY = join(ROOT, 'gateway/bin/jt808-gateway.js');
const FLEET_SIM = join(ROOT, 'simulators/bin/fleet-sim.js');
/** The gateway's per-worker cap on this machine: the 20,000 open-file limit less its margin of 256. */
const PER_WORKER = 20_000 - 256;

const values = benchArgs('bench:signin', 'a sign-in storm, shared registry against in-memory roster', {
  terminals: { type: 'string', default: '100000' },
  /** Connections per second the simulator opens, over all its processes. */
  ramp: { type: 'string', default: '2000' },
  rosters: { type: 'string', default: 'shared,memory' },
  runs: { type: 'string', default: '1' },
  /** Real seconds a terminal waits for its authentication's answer before it reconnects. */
  'ack-timeout': { type: 'string', default: '300' },
  /** Seconds one storm may take before it is called off. */
  deadline: { type: 'string', default: '600' },
  /** A storm that gains no authentication for this many seconds is called off. */
  stall: { type: 'string', default: '60' },
  'per-address': { type: 'string', default: '4000' },
  'per-process': { type: 'string', default: '15000' },
  /** Connections the gateway sizes its workers for (default: terminals × 1.2, room for uneven accepts). */
  'target-connections': { type: 'string' },
  'phone-base': { type: 'string', default: '013900000000' },
  'edition-2019': { type: 'string', default: '0.5' },
  seed: { type: 'string', default: '1' },
  'admin-url': {
    type: 'string',
    default: process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  },
  'keep-db': { type: 'boolean', default: false },
  port: { type: 'string', default: '16818' },
  'http-port': { type: 'string', default: '19818' },
  'redis-port': { type: 'string', default: '6398' },
  out: { type: 'string', default: join(ROOT, '.data/bench-signin') },
});

const n = Number(values.terminals);
const opts = {
  terminals: n,
  ramp: Number(values.ramp),
  rosters: values.rosters!.split(',').filter(Boolean),
  runs: Number(values.runs),
  ackTimeoutS: Number(values['ack-timeout']),
  deadlineS: Number(values.deadline),
  stallS: Number(values.stall),
  perAddress: Number(values['per-address']),
  perProcess: Number(values['per-process']),
  target: Number(values['target-connections'] ?? Math.ceil(n * 1.2)),
  phoneBase: values['phone-base']!,
  share2019: Number(values['edition-2019']),
  seed: Number(values.seed),
  port: Number(values.port),
  httpPort: Number(values['http-port']),
  redisPort: Number(values['redis-port']),
};
for (const roster of opts.rosters) {
  if (roster !== 'shared' && roster !== 'memory') fail(`--rosters: shared and/or memory, not ${roster}`);
}
for (const [name, value] of Object.entries(opts)) {
  if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) fail(`--${name}: not a number`);
}
if (n < 1) fail('--terminals: at least 1');

function fail(message: string): never {
  process.stderr.write(`bench:signin: ${message}\n`);
  process.exit(2);
}

const ADMIN_URL = values['admin-url']!;
const DB_NAME = `bench_signin_${process.pid}`;
const DB_URL = databaseUrl(ADMIN_URL, DB_NAME);
const { outDir, logDir } = runDirectory(values.out!);

// ---------------------------------------------------------------------------------------------
// PostgreSQL: the CPU of its processes and the bench database's statement counters

/**
 * CPU of the backends connected to the bench database, polled from pg_stat_activity: a backend
 * that appears during the window counts from zero (it started in it), one that exits keeps its last
 * reading (at most a poll interval lost). The monitor itself is connected to the admin database.
 */
class BackendCpu {
  private readonly from = new Map<number, number>();
  private readonly last = new Map<number, number>();

  constructor(
    private readonly monitor: pg.Pool,
    private readonly database: string,
  ) {}

  private async pids(): Promise<number[]> {
    const { rows } = await this.monitor.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1',
      [this.database],
    );
    return rows.map((r) => r.pid);
  }

  async begin(): Promise<void> {
    this.from.clear();
    this.last.clear();
    for (const pid of await this.pids()) {
      const seconds = cpuSeconds([pid]);
      this.from.set(pid, seconds);
      this.last.set(pid, seconds);
    }
  }

  async poll(): Promise<void> {
    for (const pid of await this.pids().catch(() => [])) {
      const seconds = cpuSeconds([pid]);
      if (!this.from.has(pid)) this.from.set(pid, 0);
      if (seconds > 0 || !this.last.has(pid)) this.last.set(pid, seconds);
    }
  }

  /** CPU seconds since begin(), and how many backends took part. */
  total(): { seconds: number; backends: number } {
    let seconds = 0;
    let backends = 0;
    for (const [pid, last] of this.last) {
      const used = last - (this.from.get(pid) ?? last);
      seconds += used;
      if (used > 0) backends++;
    }
    return { seconds, backends };
  }
}

/** Every PostgreSQL process of the server (postmaster, its children, and those it has reaped). */
function postgresCpu(postmaster: number): number {
  return cpuSeconds(processTree(postmaster)) + reapedChildrenCpuSeconds(postmaster);
}

interface DbCounters {
  xactCommit: number;
  xactRollback: number;
  tupReturned: number;
  tupFetched: number;
}

async function dbCounters(monitor: pg.Pool): Promise<DbCounters> {
  const { rows } = await monitor.query<Record<string, string>>(
    `SELECT xact_commit, xact_rollback, tup_returned, tup_fetched FROM pg_stat_database WHERE datname = $1`,
    [DB_NAME],
  );
  const r = rows[0]!;
  return {
    xactCommit: Number(r.xact_commit),
    xactRollback: Number(r.xact_rollback),
    tupReturned: Number(r.tup_returned),
    tupFetched: Number(r.tup_fetched),
  };
}

// ---------------------------------------------------------------------------------------------
// One storm

type RosterKind = 'shared' | 'memory';

interface StormResult {
  roster: RosterKind;
  run: number;
  terminals: number;
  workers: number;
  /** Authenticated at the end of the window (the simulator's count). */
  authenticated: number;
  complete: boolean;
  /** Seconds from the first connection (±1 s: the simulator reports once a second) to 50/99/100%. */
  seconds: { p50?: number; p99?: number; p100?: number; firstConnectionAfterStart: number };
  /** 99% of the terminals over the time to 99%. */
  authPerSecond?: number;
  /** The best second. */
  peakAuthPerSecond: number;
  windowSeconds: number;
  cpu: {
    gateway: number;
    gatewayPrimary: number;
    postgresBenchBackends: number;
    postgresBackendsSeen: number;
    /** Every PostgreSQL process of the server: includes other databases' load (compare the memory run). */
    postgresAll: number;
    redis: number;
    simulator: number;
  };
  /** NaN when nobody authenticated. */
  microsPerAuth: { gateway: number; postgres: number; postgresAll: number };
  database: DbCounters & { phonesPerStatement?: number };
  gateway: {
    authenticationFrames: number;
    registrationsByResult: Record<string, number>;
    framesByMessage: Record<string, number>;
    closedByReason: Record<string, number>;
    refused: number;
    sessionsAuthenticated: number;
  };
  client: Record<string, unknown> | undefined;
  timeline: { t: number; connected: number; authenticated: number }[];
  tcp: Record<string, number>;
  loadavg: string;
}

/** fleet-sim's once-a-second progress line. */
const PROGRESS = /connected ([\d,]+)\/[\d,]+\s+authenticated ([\d,]+)/;
const int = (s: string) => Number(s.replaceAll(',', ''));

async function startGateway(roster: RosterKind, rosterFile: string, redisPort: number) {
  await assertPortFree(opts.port);
  await assertPortFree(opts.httpPort);
  const rosterArgs = roster === 'shared' ? ['--database-url', DB_URL] : ['--roster', rosterFile];
  const gateway = start(
    `gateway-${roster}`,
    'node',
    [
      GATEWAY,
      ...['--host', '127.0.0.1', '--port', String(opts.port), '--http-port', String(opts.httpPort)],
      ...['--redis-url', `redis://127.0.0.1:${redisPort}`, '--target-connections', String(opts.target)],
      ...rosterArgs,
      ...['--auth-timeout', String(Math.max(60, opts.ackTimeoutS + 10)), '--log-level', 'warn'],
      // The terminals stay quiet once signed in (heartbeat every 600 s): the gateway must not close
      // them as idle (3 × its heartbeat interval) before the storm is over.
      ...['--heartbeat-seconds', '3600'],
    ],
    logDir,
  );
  return { gateway, workers: await gatewayWorkers(opts.httpPort, 120_000) };
}

const scrape = async (): Promise<Sample[]> =>
  parseMetrics(await httpGet(`http://127.0.0.1:${opts.httpPort}/metrics`, 30_000));

function startFleet(stateFile: string): Proc {
  const durationS = opts.deadlineS + 120;
  return start(
    'fleet-sim',
    'node',
    [
      FLEET_SIM,
      ...['-n', String(n), '--port', String(opts.port), '--ramp', String(opts.ramp)],
      ...['--state', stateFile, '--ack-timeout', String(opts.ackTimeoutS)],
      ...[
        '--phone-base',
        opts.phoneBase,
        '--edition-2019',
        String(opts.share2019),
        '--seed',
        String(opts.seed),
      ],
      // Quiet once signed in: the storm is the sign-in (each terminal still sends one location right after).
      ...['--driving-interval', '3600', '--parked-interval', '3600', '--heartbeat', '600', '--speed', '1'],
      ...['--duration', String(durationS), '--per-process', String(opts.perProcess)],
      ...['--source-addresses', String(sourceAddresses(n, opts.perAddress))],
      '--json',
    ],
    logDir,
  );
}

async function storm(
  roster: RosterKind,
  run: number,
  files: { state: string; roster: string },
  monitor: pg.Pool,
  postmaster: number,
): Promise<StormResult> {
  await quiesce();
  log(`storm ${run} (${roster === 'shared' ? 'shared registry' : 'in-memory roster'}): ${n} terminals`);
  // Fresh copies: the gateway compacts its roster file on start, the simulator may write its state.
  const stateFile = join(outDir, `state-${roster}-${run}.json`);
  const rosterFile = join(outDir, `roster-${roster}-${run}.jsonl`);
  copyFileSync(files.state, stateFile);
  if (roster === 'memory') copyFileSync(files.roster, rosterFile);
  const redis = await startRedis('volatile', opts.redisPort, join(outDir, `redis-${roster}-${run}`), logDir);
  let fleet: Proc | undefined;
  let gateway: Proc | undefined;
  try {
    const started = await startGateway(roster, rosterFile, opts.redisPort);
    gateway = started.gateway;
    let gatewayExit: number | string | undefined;
    void gateway.exited.then((code) => {
      gatewayExit = code;
    });
    await sleep(3000);
    const counters = tcpCounters();
    const m0 = await scrape();
    const db0 = await dbCounters(monitor);
    const backends = new BackendCpu(monitor, DB_NAME);
    await backends.begin();
    const gatewayPids = processTree(gateway.pid);
    const cpu0 = {
      gateway: cpuByPid(gatewayPids),
      redis: cpuByPid([redis.pid]),
      postgres: postgresCpu(postmaster),
    };
    const t0 = performance.now();
    fleet = startFleet(stateFile);
    let clientPids: number[] = [];
    const client0 = new Map<number, number>();
    let best = 0;
    let movedAt = t0;
    let tEnd = t0;
    const latest = () => {
      for (let i = fleet!.lines.length - 1; i >= 0; i--) {
        const match = PROGRESS.exec(fleet!.lines[i]!.line);
        if (match) return { connected: int(match[1]!), authenticated: int(match[2]!) };
      }
      return { connected: 0, authenticated: 0 };
    };
    for (;;) {
      await sleep(1000);
      if (clientPids.length === 0 || performance.now() - t0 < 10_000) {
        // The simulator forks its workers in its first seconds.
        const pids = processTree(fleet.pid);
        if (pids.length > clientPids.length) {
          for (const pid of pids) if (!client0.has(pid)) client0.set(pid, 0);
          clientPids = pids;
        }
      }
      await backends.poll();
      const now = latest();
      tEnd = performance.now();
      if (now.authenticated > best) {
        best = now.authenticated;
        movedAt = tEnd;
      }
      if (now.authenticated >= n) break;
      if (gatewayExit !== undefined) throw new Error(`the gateway exited (${gatewayExit})`);
      if (fleet.child.exitCode !== null) throw new Error(`fleet-sim exited (${fleet.child.exitCode})`);
      if (tEnd - t0 > opts.deadlineS * 1000) {
        log(`storm: deadline (${opts.deadlineS} s) with ${now.authenticated} authenticated`);
        break;
      }
      if (tEnd - movedAt > opts.stallS * 1000 && best > 0) {
        log(`storm: no progress for ${opts.stallS} s at ${now.authenticated} authenticated`);
        break;
      }
    }
    const cpu1 = {
      gateway: cpuByPid(gatewayPids),
      redis: cpuByPid([redis.pid]),
      postgres: postgresCpu(postmaster),
    };
    const clientCpu = cpuDelta(client0, cpuByPid(clientPids));
    const windowSeconds = (tEnd - t0) / 1000;
    const m1 = await scrape().catch(() => m0);
    // The timeline from every progress line.
    const timeline = fleet.lines
      .map((l) => ({ at: l.at, m: PROGRESS.exec(l.line) }))
      .filter((x): x is { at: number; m: RegExpExecArray } => x.m !== null && x.at >= t0)
      .map((x) => ({ at: x.at, connected: int(x.m[1]!), authenticated: int(x.m[2]!) }));
    // Connections began after the last line that showed none (±1 s).
    const before = timeline.filter((p) => p.connected === 0);
    const tStart = before.length > 0 ? before[before.length - 1]!.at : t0;
    const reach = (share: number) => {
      const point = timeline.find((p) => p.authenticated >= Math.ceil(share * n));
      return point === undefined ? undefined : (point.at - tStart) / 1000;
    };
    let peak = 0;
    for (let i = 1; i < timeline.length; i++) {
      const dt = (timeline[i]!.at - timeline[i - 1]!.at) / 1000;
      if (dt > 0.5) peak = Math.max(peak, (timeline[i]!.authenticated - timeline[i - 1]!.authenticated) / dt);
    }
    const authenticated = best;
    const p99 = reach(0.99);
    log(
      `storm: ${authenticated} authenticated; 50% ${reach(0.5)?.toFixed(0)} s, 99% ${p99?.toFixed(0)} s, ` +
        `100% ${reach(1)?.toFixed(0) ?? '-'} s`,
    );
    await stop(fleet, 60_000);
    const client = parseJson(fleet.stdout());
    await stop(gateway, 60_000);
    // Backends flush their statistics as they exit; give the server a moment.
    await sleep(1500);
    const db1 = await dbCounters(monitor);
    const dbDelta: DbCounters = {
      xactCommit: db1.xactCommit - db0.xactCommit,
      xactRollback: db1.xactRollback - db0.xactRollback,
      tupReturned: db1.tupReturned - db0.tupReturned,
      tupFetched: db1.tupFetched - db0.tupFetched,
    };
    const authenticationFrames =
      sum(m1, 'jt808_frames_total', { message: 'authentication' }) -
      sum(m0, 'jt808_frames_total', { message: 'authentication' });
    const statements = dbDelta.xactCommit + dbDelta.xactRollback;
    const gatewayCpu = cpuDelta(cpu0.gateway, cpu1.gateway);
    const primaryCpu = cpuDelta(
      new Map([[gateway.pid, cpu0.gateway.get(gateway.pid) ?? 0]]),
      new Map([[gateway.pid, cpu1.gateway.get(gateway.pid) ?? 0]]),
    );
    const pgBackends = backends.total();
    const pgAll = cpu1.postgres - cpu0.postgres;
    const perAuth = (seconds: number) => (authenticated > 0 ? (1e6 * seconds) / authenticated : Number.NaN);
    return {
      roster,
      run,
      terminals: n,
      workers: started.workers,
      authenticated,
      complete: authenticated >= n,
      seconds: {
        p50: reach(0.5),
        p99,
        p100: reach(1),
        firstConnectionAfterStart: (tStart - t0) / 1000,
      },
      authPerSecond: p99 === undefined ? undefined : Math.ceil(0.99 * n) / p99,
      peakAuthPerSecond: peak,
      windowSeconds,
      cpu: {
        gateway: gatewayCpu,
        gatewayPrimary: primaryCpu,
        postgresBenchBackends: pgBackends.seconds,
        postgresBackendsSeen: pgBackends.backends,
        postgresAll: pgAll,
        redis: cpuDelta(cpu0.redis, cpu1.redis),
        simulator: clientCpu,
      },
      microsPerAuth: {
        gateway: perAuth(gatewayCpu),
        postgres: perAuth(pgBackends.seconds),
        postgresAll: perAuth(pgAll),
      },
      database: {
        ...dbDelta,
        phonesPerStatement:
          roster === 'shared' && statements > 0 ? authenticationFrames / statements : undefined,
      },
      gateway: {
        authenticationFrames,
        registrationsByResult: byLabel(m1, 'jt808_registrations_total', 'result'),
        framesByMessage: byLabel(m1, 'jt808_frames_total', 'message'),
        closedByReason: byLabel(m1, 'jt808_connections_closed_total', 'reason'),
        refused: sum(m1, 'jt808_connections_refused_total'),
        sessionsAuthenticated: sum(m1, 'jt808_sessions', { state: 'authenticated' }),
      },
      client,
      timeline: timeline.map((p) => ({
        t: Math.round((p.at - tStart) / 100) / 10,
        connected: p.connected,
        authenticated: p.authenticated,
      })),
      tcp: counterDelta(counters, tcpCounters()),
      loadavg: machine().loadavg!,
    };
  } finally {
    if (fleet) await stop(fleet, 30_000);
    if (gateway) await stop(gateway, 60_000);
    await stop(redis, 10_000);
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const fmt = (x: number | undefined, digits = 0) =>
  x === undefined || !Number.isFinite(x)
    ? '–'
    : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function markdown(storms: StormResult[]): string {
  const head =
    '| run | roster | workers | authenticated | 50% s | 99% s | 100% s | **auth/s** (to 99%) | best second | gateway CPU s | **µs gateway / auth** | PostgreSQL CPU s (bench db) | **µs PostgreSQL / auth** | all PostgreSQL CPU s | statements | **phones / statement** | simulator CPU s | Redis CPU s | registrations |\n' +
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n';
  const rows = storms.map((s) =>
    [
      s.run,
      s.roster === 'shared' ? 'shared registry (PostgreSQL)' : 'in-memory (FileRoster over IPC)',
      s.workers,
      `${fmt(s.authenticated)} / ${fmt(s.terminals)}`,
      fmt(s.seconds.p50, 1),
      fmt(s.seconds.p99, 1),
      fmt(s.seconds.p100, 1),
      `**${fmt(s.authPerSecond)}**`,
      fmt(s.peakAuthPerSecond),
      fmt(s.cpu.gateway, 1),
      `**${fmt(s.microsPerAuth.gateway)}**`,
      fmt(s.cpu.postgresBenchBackends, 2),
      `**${fmt(s.microsPerAuth.postgres, 1)}**`,
      fmt(s.cpu.postgresAll, 1),
      fmt(s.database.xactCommit + s.database.xactRollback),
      s.database.phonesPerStatement === undefined ? '–' : `**${fmt(s.database.phonesPerStatement, 1)}**`,
      fmt(s.cpu.simulator, 1),
      fmt(s.cpu.redis, 1),
      fmt(Object.values(s.gateway.registrationsByResult).reduce((a, b) => a + b, 0)),
    ].join(' | '),
  );
  return `${head}${rows.map((r) => `| ${r} |`).join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------

const results: {
  machine: Record<string, string>;
  limits: Record<string, string>;
  options: typeof opts & { database: string };
  seeding?: { seconds: number };
  storms: StormResult[];
  failures: { phase: string; error: string }[];
} = {
  machine: machine(),
  limits: limits(),
  options: { ...opts, database: DB_NAME },
  storms: [],
  failures: [],
};
const save = () => writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

let dbCreated = false;
let cleaning: Promise<void> | undefined;
const cleanUp = () => {
  cleaning ??= (async () => {
    await stopAll();
    if (dbCreated && !values['keep-db']) await dropDatabase(ADMIN_URL, DB_NAME).catch(() => {});
  })();
  return cleaning;
};
process.on('SIGINT', () => {
  log('interrupted: stopping everything');
  void cleanUp().then(() => process.exit(130));
  setTimeout(() => {
    killAll();
    process.exit(130);
  }, 20_000).unref();
});

const monitor = new pg.Pool({ connectionString: ADMIN_URL, max: 1, application_name: 'bench-signin' });
monitor.on('error', () => {});
try {
  log(`results in ${outDir}; database ${DB_NAME}`);
  if (PER_WORKER * Math.ceil(opts.target / PER_WORKER) < n) throw new Error('target below the fleet');
  await createDatabase(ADMIN_URL, DB_NAME);
  dbCreated = true;
  const seedStart = performance.now();
  const pool = new pg.Pool({ connectionString: DB_URL, max: 2, application_name: 'bench-signin' });
  pool.on('error', () => {});
  try {
    await prepareDatabase(DB_URL, pool, { retentionDays: 180 });
    const terminals = terminalsOf({
      n,
      phoneBase: opts.phoneBase,
      share2019: opts.share2019,
      seed: opts.seed,
    });
    await loadRoster(pool, terminals);
    writeStateFile(join(outDir, 'state.json'), terminals);
    writeRosterFile(join(outDir, 'roster.jsonl'), terminals);
  } finally {
    await pool.end();
  }
  results.seeding = { seconds: (performance.now() - seedStart) / 1000 };
  log(
    `database migrated and ${n} terminals with auth codes loaded in ${results.seeding.seconds.toFixed(0)} s`,
  );
  const checkpointer = (
    await monitor.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'`,
    )
  ).rows[0]?.pid;
  const postmaster = checkpointer === undefined ? undefined : parentOf(checkpointer);
  if (postmaster === undefined)
    throw new Error('cannot find the PostgreSQL server process (not on this machine?)');
  const files = { state: join(outDir, 'state.json'), roster: join(outDir, 'roster.jsonl') };
  for (let run = 1; run <= opts.runs; run++) {
    for (const roster of opts.rosters as RosterKind[]) {
      try {
        results.storms.push(await storm(roster, run, files, monitor, postmaster));
      } catch (error) {
        log(`storm ${run} ${roster}: FAILED: ${(error as Error).message}`);
        results.failures.push({ phase: `${roster} ${run}`, error: String((error as Error).stack ?? error) });
        await stopAll();
      }
      save();
    }
  }
  results.machine.loadavgAtEnd = machine().loadavg!;
  save();
  process.stdout.write(markdown(results.storms));
  if (results.failures.length > 0) process.exitCode = 1;
} finally {
  save();
  await monitor.end().catch(() => {});
  await cleanUp();
}
