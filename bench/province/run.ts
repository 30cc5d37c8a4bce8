import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveUser } from '@jt808/api';
import { RedisBus } from '@jt808/bus';
import { prepareDatabase } from '@jt808/storage';
import pg from 'pg';
import { benchArgs, log, runDirectory } from '../cli.js';
import { exec, httpGet, until } from '../gateway/processes.js';
import { createDatabase, databaseUrl } from '../ingest/db.js';
import { type OwnPostgres, startOwnPostgres } from '../ingest/own-postgres.js';
import { balancerConfig } from '../netns/balancer.js';
import { compareWithStored, readAcks } from '../no-loss.js';
import {
  CpuAccount,
  kernel,
  loadAverage,
  machineInfo,
  memoryOf,
  openFileLimit,
  parents,
  processTree,
  tcpCounters,
  tree,
} from '../proc.js';
import { killAll, type Proc, sleep, start, stop, stopAll } from '../processes.js';
import { bucketDelta, buckets, byLabel, parseMetrics, quantile, sum } from '../prom.js';
import { loadRoster, terminalsOf, writeStateFile } from '../signin/roster.js';
import { openConsole } from './console.js';
import { groupsForShare, nextShareProbe, planProvince } from './plan.js';

/**
 * The whole province on one box (bench/README.md, "Province"): the gateway cluster behind several
 * HAProxy processes configured from deploy/haproxy.cfg, fleet-sim groups playing every terminal,
 * the bus Redis with appendfsync always, ingest, the status engine, a PostgreSQL of the run's own
 * and the API, the console open on the map. Phases, in this order:
 *   hold     every terminal signs in and is held --hold seconds (RSS and kernel memory per session,
 *            CPU per frame, what the status engine, the dashboard and the map say);
 *   restart  every gateway process killed with -9 and started again: time to 99 % and 100 %
 *            authenticated again, peak memory of every process, tickets and incidents opened;
 *   share    the largest share of the fleet (in whole fleet-sim groups) that can report every 30 s
 *            while the ingest delay's p99 stays under --lag-p99, by halving;
 *   outage   the bus Redis stopped for --outage seconds and started again: what the terminals got
 *            meanwhile, and how long the backlog took to drain.
 * At the end every fix a terminal had acknowledged must be in positions (fleet-sim --acks).
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const GATEWAY = join(ROOT, 'gateway/bin/jt808-gateway.js');
const PLATFORM = join(ROOT, 'platform/server/bin/jt808-platform.js');
const FLEET_SIM = join(ROOT, 'simulators/bin/fleet-sim.js');
const PHASES = ['hold', 'restart', 'share', 'outage'] as const;
type Phase = (typeof PHASES)[number];

const values = benchArgs('bench:province', 'the whole province on one box: held, restarted, loaded', {
  terminals: { type: 'string', default: '400000' },
  phases: { type: 'string', default: 'hold,restart,share' },
  /** First connections per second, all groups together. */
  ramp: { type: 'string', default: '1000' },
  /** Reconnections per second the simulator lets out; the terminals' back-off paces them (fleet-sim --reconnect-ramp). */
  'reconnect-ramp': { type: 'string', default: '20000' },
  /** Seconds the fleet is held once signed in. */
  hold: { type: 'string', default: '600' },
  /** Seconds between a terminal's locations (parked or not: a fleet at night). */
  interval: { type: 'string', default: '300' },
  /** Terminal parameter 0x0001 and the gateway's --heartbeat-seconds (idle cut at three of them). */
  heartbeat: { type: 'string', default: '180' },
  /** The first share of the fleet put on a 30 s cadence; then halving between what passed and what failed. */
  'share-first': { type: 'string', default: '0.5' },
  /** Shares tried at most (each restarts the groups whose cadence changes). */
  'share-probes': { type: 'string', default: '3' },
  'share-settle': { type: 'string', default: '30' },
  'share-window': { type: 'string', default: '60' },
  'lag-p99': { type: 'string', default: '2' },
  /** Seconds the bus Redis stays down in the outage phase. */
  outage: { type: 'string', default: '1800' },
  /**
   * In the outage phase, also read the gateway's /metrics at every sample (every 10 s): workers that
   * see the bus down, heartbeats they answered, messages refused unacknowledged, connections and
   * idle closes. Off by default: a scrape makes every worker walk its sockets.
   */
  'outage-gateway-metrics': { type: 'boolean', default: false },
  /** Seconds to wait for the fleet to sign in (first, and after the restart). */
  'sign-in-timeout': { type: 'string', default: '1200' },
  /** Seconds to wait for every terminal to be back after the restart. */
  'restart-timeout': { type: 'string', default: '900' },
  'per-group': { type: 'string', default: '50000' },
  'per-address': { type: 'string', default: '4000' },
  'per-server-line': { type: 'string', default: '10000' },
  /** Chromium for the console on the map; "none" to read the API's endpoints only. */
  chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  'postgres-bin': { type: 'string', default: '/usr/lib/postgresql/15/bin' },
  'base-port': { type: 'string', default: '26800' },
  out: { type: 'string', default: join(ROOT, '.data/bench-province') },
});

const num = (name: keyof typeof values): number => {
  const value = Number(values[name]);
  if (!(Number.isFinite(value) && value > 0)) fail(`--${name}: a number above 0`);
  return value;
};
const opts = {
  terminals: num('terminals'),
  ramp: num('ramp'),
  reconnectRamp: num('reconnect-ramp'),
  holdS: num('hold'),
  intervalS: num('interval'),
  heartbeatS: num('heartbeat'),
  shareFirst: num('share-first'),
  shareProbes: num('share-probes'),
  shareSettleS: num('share-settle'),
  shareWindowS: num('share-window'),
  lagP99S: num('lag-p99'),
  outageS: num('outage'),
  signInTimeoutS: num('sign-in-timeout'),
  restartTimeoutS: num('restart-timeout'),
  basePort: num('base-port'),
};
const phases = values.phases!.split(',').filter(Boolean) as Phase[];
for (const phase of phases)
  if (!PHASES.includes(phase)) fail(`--phases: some of ${PHASES.join(', ')}, not ${phase}`);
if (opts.shareFirst > 1) fail('--share-first: a share from 0 to 1');

function fail(message: string): never {
  process.stderr.write(`bench:province: ${message}\n`);
  process.exit(2);
}

const plan = planProvince({
  terminals: opts.terminals,
  openFiles: openFileLimit(),
  perAddress: num('per-address'),
  perServerLine: num('per-server-line'),
  perGroup: num('per-group'),
});
const PORTS = {
  terminals: opts.basePort + 8, // HAProxy, the province's one address
  gateway: opts.basePort + 9,
  gatewayHttp: opts.basePort + 10,
  redis: opts.basePort + 11,
  api: opts.basePort + 12,
  ingestHttp: opts.basePort + 13,
  statusHttp: opts.basePort + 14,
  apiHttp: opts.basePort + 15,
};
const REDIS_URL = `redis://127.0.0.1:${PORTS.redis}`;
const ADMIN = { username: 'province-admin', password: 'province-bench-1' };
const { outDir, logDir } = runDirectory(values.out!);

// ---- processes ----

interface Group {
  index: number;
  first: number;
  count: number;
  proc: Proc;
  intervalS: number;
  /** Every acks file this group wrote (a restarted group writes a new one). */
  ackFiles: string[];
}

const procs = {
  redis: undefined as Proc | undefined,
  gateway: undefined as Proc | undefined,
  haproxy: [] as Proc[],
  ingest: undefined as Proc | undefined,
  status: undefined as Proc | undefined,
  api: undefined as Proc | undefined,
  groups: [] as Group[],
};
let postgres: OwnPostgres | undefined;

function startRedis(): Proc {
  const dir = join(outDir, 'redis');
  mkdirSync(dir, { recursive: true });
  return start(
    'redis',
    'redis-server',
    [
      ...['--port', String(PORTS.redis), '--bind', '127.0.0.1', '--dir', dir],
      ...['--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--logfile', ''],
    ],
    logDir,
  );
}

async function redisUp(): Promise<void> {
  await until(
    'bus redis',
    () =>
      exec('redis-cli', ['-p', String(PORTS.redis), 'ping']).then((r) => r.trim() === 'PONG' || undefined),
    120_000,
  );
}

function startGateway(dbUrl: string): Proc {
  return start(
    'gateway',
    process.execPath,
    [
      GATEWAY,
      ...['--gateway-id', 'province', '--host', '0.0.0.0', '--port', String(PORTS.gateway)],
      // /healthz answers on every address HAProxy reaches the gateway on (it checks the first).
      ...['--http-host', '0.0.0.0', '--http-port', String(PORTS.gatewayHttp)],
      ...['--redis-url', REDIS_URL, '--database-url', dbUrl],
      '--proxy-protocol',
      ...['--heartbeat-seconds', String(opts.heartbeatS)],
      // Workers accept for themselves and do not fill evenly: room for a quarter more than the fleet.
      ...['--target-connections', String(Math.ceil(opts.terminals * 1.25))],
      // Every terminal comes from one of fleet-sim's 127.0.0.x here, 4,000 an address; a province's
      // come from hundreds of thousands of addresses, which these limits are for.
      ...['--max-connections-per-address', '0', '--registrations-per-address-per-minute', '0'],
    ],
    logDir,
    { env: { LOG_LEVEL: 'warn' } },
  );
}

async function gatewayHealthy(): Promise<void> {
  await until(
    'gateway /healthz',
    async () => {
      const response = await fetch(`http://127.0.0.1:${PORTS.gatewayHttp}/healthz`, {
        signal: AbortSignal.timeout(2000),
      });
      return response.ok || undefined;
    },
    180_000,
  );
}

function startPlatform(role: 'ingest' | 'status' | 'api', dbUrl: string, httpPort: number): Proc {
  const extra = role === 'api' ? ['--api-port', String(PORTS.api)] : ['--consumer', `${role}-1`];
  return start(role, process.execPath, [PLATFORM, role, '--http-port', String(httpPort), ...extra], logDir, {
    env: { DATABASE_URL: dbUrl, REDIS_URL, LOG_LEVEL: 'warn', INSECURE_COOKIES: '1' },
  });
}

function startBalancers(): void {
  const cfg = join(outDir, 'haproxy.cfg');
  writeFileSync(
    cfg,
    balancerConfig(readFileSync(join(ROOT, 'deploy/haproxy.cfg'), 'utf8'), {
      bind: `127.0.0.1:${PORTS.terminals}`,
      servers: plan.serverLines.map((address, i) => ({
        name: `gw-${i + 1}`,
        address,
        port: PORTS.gateway,
        track: i === 0 ? undefined : 'gateways/gw-1',
      })),
      healthPort: PORTS.gatewayHttp,
      maxconn: plan.perBalancer,
    }),
  );
  for (let i = 1; i <= plan.balancers; i++)
    procs.haproxy.push(start(`haproxy-${i}`, '/usr/sbin/haproxy', ['-db', '-f', cfg], logDir));
}

function startGroup(index: number, intervalS: number, ramp: number, stateFile: string): Group {
  const { first, count } = plan.groups[index]!;
  const previous = procs.groups[index];
  const ackFiles = previous?.ackFiles ?? [];
  const acks = join(outDir, `acks-${index}-${ackFiles.length}.csv`);
  ackFiles.push(acks);
  const proc = start(
    `fleet-sim-${index}${ackFiles.length > 1 ? `-${ackFiles.length - 1}` : ''}`,
    process.execPath,
    [
      FLEET_SIM,
      ...[
        '-n',
        String(count),
        '--first',
        String(first),
        '--host',
        '127.0.0.1',
        '--port',
        String(PORTS.terminals),
      ],
      ...['--state', stateFile, '--acks', acks, '--source-addresses', String(plan.sourceAddresses)],
      ...['--driving-interval', String(intervalS), '--parked-interval', String(intervalS)],
      ...['--heartbeat', String(opts.heartbeatS), '--ramp', String(ramp)],
      // The terminals' side is not on the platform's hosts in production: here it gives way to them.
      ...['--nice', '19'],
      // Not --quiet: the progress line a second is how the run follows sign-ins (fleetAuthenticated).
      ...['--reconnect-ramp', String(opts.reconnectRamp / plan.groups.length), '--json'],
    ],
    logDir,
  );
  const group = { index, first, count, proc, intervalS, ackFiles };
  procs.groups[index] = group;
  return group;
}

/** Stops a group as Ctrl-C would: its terminals hang up and it writes its acks file. */
async function stopGroup(group: Group): Promise<void> {
  await stop(group.proc, 60_000, 'SIGINT');
}

// ---- readings ----

async function gatewayMetrics(): Promise<ReturnType<typeof parseMetrics>> {
  return parseMetrics(await httpGet(`http://127.0.0.1:${PORTS.gatewayHttp}/metrics`, 10_000).catch(() => ''));
}

async function authenticated(): Promise<number> {
  return sum(await gatewayMetrics(), 'jt808_sessions', { state: 'authenticated' });
}

/**
 * The fleet as the terminals see it: the sum of each group's latest progress line (fleet-sim
 * prints one a second: signed in, acknowledgements a second, errors so far). Cheaper than the
 * gateway's /metrics, whose every scrape makes each worker walk its sockets (bench/RESULTS.md,
 * "The full fleet for ten minutes"): with 26 workers a scrape a second would cost most of a core.
 */
function fleetProgress(): { authenticated: number; acksPerSecond: number; errors: number } {
  const total = { authenticated: 0, acksPerSecond: 0, errors: 0 };
  const field = (line: string, name: string) =>
    Number(new RegExp(`${name} ([\\d,]+)`).exec(line)?.[1]?.replaceAll(',', '') ?? 0);
  for (const group of procs.groups) {
    const line = group.proc.lines.findLast((l) => l.line.includes('authenticated '))?.line;
    if (line === undefined) continue;
    total.authenticated += field(line, 'authenticated');
    total.acksPerSecond += field(line, 'acks');
    total.errors += field(line, 'errors');
  }
  return total;
}

const fleetAuthenticated = (): number => fleetProgress().authenticated;

type OutageGateway = Awaited<ReturnType<typeof outageGateway>>;

/** How the gateway answers while its bus is down (docs/gateway.md, "When the bus is down"). */
async function outageGateway() {
  const metrics = await gatewayMetrics();
  const workers = byLabel(metrics, 'jt808_bus_up', 'worker');
  return {
    workersBusDown: Object.values(workers).filter((up) => up === 0).length,
    heartbeatsAnswered: sum(metrics, 'jt808_bus_down_heartbeats_total'),
    refusedUnacknowledged: sum(metrics, 'jt808_bus_down_unanswered_total'),
    connections: sum(metrics, 'jt808_connections'),
    authenticated: sum(metrics, 'jt808_sessions', { state: 'authenticated' }),
    idleClosed: sum(metrics, 'jt808_connections_closed_total', { reason: 'idle' }),
  };
}

async function ingestDelay(): Promise<Map<number, number>> {
  const text = await httpGet(`http://127.0.0.1:${PORTS.ingestHttp}/metrics`, 10_000).catch(() => '');
  return buckets(parseMetrics(text), 'jt808_ingest_delay_seconds', { lane: 'live' });
}

/** Every process of the run by role, now (a gateway's workers, each HAProxy, each fleet-sim group's workers). */
function roles(): Map<string, number[]> {
  // One pass over /proc for all of them: there are some 60 process trees to follow.
  const parentOf = parents();
  const treeOf = (pid: number) => tree(pid, parentOf);
  const out = new Map<string, number[]>();
  const add = (role: string, pids: number[]) => out.set(role, [...(out.get(role) ?? []), ...pids]);
  if (procs.gateway) {
    const gateway = treeOf(procs.gateway.pid);
    add('gateway primary', gateway.slice(0, 1));
    add('gateway workers', gateway.slice(1));
  }
  for (const h of procs.haproxy) add('haproxy', treeOf(h.pid));
  for (const g of procs.groups) if (g) add('fleet-sim', treeOf(g.proc.pid));
  for (const [role, proc] of [
    ['bus redis', procs.redis],
    ['ingest', procs.ingest],
    ['status', procs.status],
    ['api', procs.api],
  ] as const)
    if (proc) add(role, treeOf(proc.pid));
  if (postgres) add('postgresql', treeOf(postgres.proc.pid));
  return out;
}

interface MemoryPeak {
  /** Largest sum over the role's processes, and the largest single process, bytes. */
  total: number;
  largest: number;
}

/** Samples RSS by role every `everyMs` and keeps each role's peak, until stopped. */
function memoryPeaks(everyMs: number): { stop(): Record<string, MemoryPeak> } {
  const peaks: Record<string, MemoryPeak> = {};
  const sample = () => {
    for (const [role, pids] of roles()) {
      const total = memoryOf(pids).rss;
      const largest = Math.max(0, ...pids.map((pid) => memoryOf([pid]).rss));
      const peak = peaks[role] ?? { total: 0, largest: 0 };
      peaks[role] = { total: Math.max(peak.total, total), largest: Math.max(peak.largest, largest) };
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peaks;
    },
  };
}

function cpuByRole(account: CpuAccount): void {
  const groups = new Map<number, string>();
  for (const [role, pids] of roles()) for (const pid of pids) groups.set(pid, role);
  account.sample(groups);
}

const MB = 2 ** 20;
const MIN_AVAILABLE = 1.5 * 2 ** 30;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function statusCounts(pool: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM terminal_status GROUP BY status',
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

async function apiCookie(): Promise<string> {
  const login = await fetch(`http://127.0.0.1:${PORTS.api}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (!login.ok) throw new Error(`API sign-in: ${login.status}`);
  return login.headers.get('set-cookie')!.split(';')[0]!;
}

const COUNTED = ['vehicles', 'online', 'faulty', 'offline', 'neverSeen'];

/** Frames by message name since `before` (the gateway's counters). */
async function framesByMessage(before: Record<string, number>): Promise<Record<string, number>> {
  const now = byLabel(await gatewayMetrics(), 'jt808_frames_total', 'message');
  return Object.fromEntries(Object.entries(now).map(([name, n]) => [name, n - (before[name] ?? 0)]));
}

/** What the dashboard shows: /api/centers, summed over the centers. */
async function dashboard(cookie: string): Promise<Record<string, number>> {
  const response = await fetch(`http://127.0.0.1:${PORTS.api}/api/centers`, { headers: { cookie } });
  const centers = (await response.json()) as Record<string, unknown>[];
  const total: Record<string, number> = {};
  for (const center of centers)
    for (const [key, value] of Object.entries(center))
      if (typeof value === 'number' && COUNTED.includes(key)) total[key] = (total[key] ?? 0) + value;
  return total;
}

async function ticketsAndIncidents(
  pool: pg.Pool,
): Promise<{ tickets: number; held: number; incidents: number }> {
  const { rows } = await pool.query<{ tickets: number; held: number; incidents: number }>(
    `SELECT (SELECT count(*)::int FROM tickets) AS tickets,
            (SELECT count(*)::int FROM tickets WHERE state = 'held') AS held,
            (SELECT count(*)::int FROM incidents) AS incidents`,
  );
  return rows[0]!;
}

async function busLag(bus: RedisBus): Promise<number> {
  return bus.events.lag('ingest');
}

// ---- phases ----

interface Timeline {
  at: number;
  authenticated: number;
}

/** Samples authenticated sessions every `everyMs` until `target` or the deadline; times to 99 % and 100 %. */
async function signInTimes(
  since: number,
  target: number,
  timeoutS: number,
  everyMs: number,
): Promise<{ to99S?: number; to100S?: number; timeline: Timeline[]; reached: number }> {
  const timeline: Timeline[] = [];
  let to99S: number | undefined;
  let to100S: number | undefined;
  let reached = 0;
  const deadline = since + timeoutS * 1000;
  let lastLog = 0;
  while (Date.now() < deadline) {
    const n = fleetAuthenticated();
    const at = (Date.now() - since) / 1000;
    reached = Math.max(reached, n);
    timeline.push({ at: round(at), authenticated: n });
    if (to99S === undefined && n >= 0.99 * target) to99S = round(at);
    if (n >= target) {
      to100S = round(at);
      break;
    }
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      const available = kernel().memAvailable;
      log(
        `  ${Math.round(at)} s: ${n.toLocaleString('en')} authenticated; load ${loadAverage().join(' ')}; ${round(available / 2 ** 30, 2)} GiB available`,
      );
      // Better a failed run than the kernel's OOM killer choosing among everyone's processes.
      if (available < MIN_AVAILABLE) throw new Error(`under ${MIN_AVAILABLE / 2 ** 30} GiB of memory left`);
    }
    await sleep(everyMs);
  }
  return { to99S, to100S, timeline, reached };
}

async function main(): Promise<void> {
  const started = Date.now();
  log(
    `plan: ${opts.terminals.toLocaleString('en')} terminals in ${plan.groups.length} fleet-sim groups from ${plan.sourceAddresses} addresses; ${plan.balancers} HAProxy processes × ${plan.perBalancer}; gateway on ${plan.serverLines.length} addresses; logs in ${logDir}`,
  );
  const result: Record<string, unknown> = {
    startedAt: new Date(started).toISOString(),
    machine: machineInfo(),
    options: { ...opts, phases },
    plan: { ...plan, serverLines: plan.serverLines.length, groups: plan.groups.length },
  };
  const save = () => writeFileSync(join(outDir, 'result.json'), JSON.stringify(result, null, 2));

  procs.redis = startRedis();
  await redisUp();
  postgres = await startOwnPostgres(values['postgres-bin']!, join(outDir, 'postgres'), logDir, {
    listen: '127.0.0.1',
    launch: start,
    // Two roster connections a gateway worker (26 for 400,000), ten each for ingest, status and api.
    settings: { max_connections: '200' },
  });
  await createDatabase(postgres.adminUrl, 'jt808');
  const dbUrl = databaseUrl(postgres.adminUrl, 'jt808');
  const pool = new pg.Pool({ connectionString: dbUrl, max: 3 });
  await prepareDatabase(dbUrl, pool, { retentionDays: 180 });
  const fleet = { n: opts.terminals, phoneBase: '013900000000', share2019: 0.5, seed: 1 };
  const terminals = terminalsOf(fleet);
  await loadRoster(pool, terminals);
  await saveUser(pool, { ...ADMIN, role: 'admin' });
  const stateFiles = plan.groups.map((g, i) => {
    const file = join(outDir, `fleet-state-${i}.json`);
    writeStateFile(file, terminals.slice(g.first, g.first + g.count));
    return file;
  });
  log(
    `roster of ${terminals.length.toLocaleString('en')} terminals loaded; PostgreSQL at ${postgres.adminUrl}`,
  );

  procs.ingest = startPlatform('ingest', dbUrl, PORTS.ingestHttp);
  procs.status = startPlatform('status', dbUrl, PORTS.statusHttp);
  procs.api = startPlatform('api', dbUrl, PORTS.apiHttp);
  procs.gateway = startGateway(dbUrl);
  await gatewayHealthy();
  startBalancers();
  await sleep(3000);
  const dead = procs.haproxy.find((h) => h.child.exitCode !== null);
  if (dead) throw new Error(`${dead.name} exited: see ${logDir}/${dead.name}.log`);
  await until(
    'the API',
    () => fetch(`http://127.0.0.1:${PORTS.api}/api/map/config`).then((r) => r.status < 500 || undefined),
    180_000,
  );
  const bus = new RedisBus({ url: REDIS_URL });

  // ---- sign-in ----
  const idle = { gateway: memoryOf(processTree(procs.gateway.pid)), kernel: kernel(), tcp: tcpCounters() };
  const rampStart = Date.now();
  const peaksRamp = memoryPeaks(5000);
  for (let i = 0; i < plan.groups.length; i++)
    startGroup(i, opts.intervalS, opts.ramp / plan.groups.length, stateFiles[i]!);
  log(`fleet-sim: ${plan.groups.length} groups, ${opts.ramp}/s in all; signing in`);
  const signIn = await signInTimes(rampStart, opts.terminals, opts.signInTimeoutS, 5000);
  result.signIn = {
    ...signIn,
    timeline: signIn.timeline.filter((_, i) => i % 6 === 0),
    peaks: peaksRamp.stop(),
  };
  log(`signed in: ${signIn.reached} (99 % at ${signIn.to99S} s, 100 % at ${signIn.to100S} s)`);
  save();

  // ---- hold ----
  if (phases.includes('hold')) {
    const page =
      values.chromium === 'none' ? undefined : await openConsole(values.chromium!, PORTS.api, ADMIN);
    const held = await authenticated();
    const cpu = new CpuAccount();
    cpuByRole(cpu);
    const framesBefore = sum(await gatewayMetrics(), 'jt808_frames_total');
    const byMessageBefore = byLabel(await gatewayMetrics(), 'jt808_frames_total', 'message');
    const delayBefore = await ingestDelay();
    const holdStart = Date.now();
    const peaks = memoryPeaks(10_000);
    let minimum = held;
    while (Date.now() - holdStart < opts.holdS * 1000) {
      await sleep(10_000);
      cpuByRole(cpu);
      minimum = Math.min(minimum, fleetAuthenticated());
    }
    const seconds = (Date.now() - holdStart) / 1000;
    const frames = sum(await gatewayMetrics(), 'jt808_frames_total') - framesBefore;
    const delay = bucketDelta(delayBefore, await ingestDelay());
    const atN = { gateway: memoryOf(processTree(procs.gateway.pid)), kernel: kernel(), tcp: tcpCounters() };
    const n = await authenticated();
    const cpuSeconds = Object.fromEntries([...cpu.snapshot()].map(([role, s]) => [role, round(s, 2)]));
    const cookie = await apiCookie();
    const shown = {
      statusEngine: await statusCounts(pool),
      dashboard: await dashboard(cookie),
      map: await page?.read(),
    };
    await page?.close();
    const hold = {
      authenticatedAtStart: held,
      authenticatedAtEnd: n,
      minimumDuringHoldAsTerminalsSaw: minimum,
      seconds: round(seconds),
      gatewayRss: { idleMB: round(idle.gateway.rss / MB), heldMB: round(atN.gateway.rss / MB) },
      rssPerSessionKB: round((atN.gateway.rss - idle.gateway.rss) / n / 1024, 2),
      rssAnonPerSessionKB: round((atN.gateway.rssAnon - idle.gateway.rssAnon) / n / 1024, 2),
      gatewayProcesses: atN.gateway.processes,
      kernelPerTerminalKB: round((atN.kernel.socketCaches - idle.kernel.socketCaches) / n / 1024, 2),
      tcpMemPagesPerTerminal: round((atN.kernel.tcpMemPages - idle.kernel.tcpMemPages) / n, 3),
      slabPerTerminalKB: round((atN.kernel.slab - idle.kernel.slab) / n / 1024, 2),
      tcpSockets: atN.kernel.tcpInUse,
      memAvailableGB: round(atN.kernel.memAvailable / 2 ** 30, 2),
      frames,
      framesPerSecond: round(frames / seconds),
      framesByMessage: await framesByMessage(byMessageBefore),
      cpuSeconds,
      cpuMicrosPerFrame: Object.fromEntries(
        Object.entries(cpuSeconds).map(([role, s]) => [role, round((s * 1e6) / Math.max(1, frames))]),
      ),
      ingestDelayS: { p50: quantile(delay, 0.5), p99: quantile(delay, 0.99) },
      shown,
      peaks: peaks.stop(),
      tcpCounters: Object.fromEntries(Object.entries(atN.tcp).map(([k, v]) => [k, v - (idle.tcp[k] ?? 0)])),
      loadAverage: loadAverage(),
    };
    result.hold = hold;
    log(`hold: ${JSON.stringify(hold)}`);
    save();
  }

  // ---- restart: the morning after ----
  if (phases.includes('restart')) {
    const before = await ticketsAndIncidents(pool);
    const transitionsBefore = await pool.query<{ n: number }>(
      'SELECT coalesce(max(id), 0)::int AS n FROM status_transitions',
    );
    const connected = await authenticated();
    const peaks = memoryPeaks(2000);
    log(`restart: kill -9 of every gateway process with ${connected.toLocaleString('en')} authenticated`);
    const killedAt = Date.now();
    process.kill(-procs.gateway.pid, 'SIGKILL');
    await procs.gateway.exited;
    procs.gateway = startGateway(dbUrl);
    await gatewayHealthy();
    const healthyAfterS = round((Date.now() - killedAt) / 1000);
    const back = await signInTimes(killedAt, connected, opts.restartTimeoutS, 2000);
    // The status engine's offline rule for a closed connection waits its grace (120 s) first.
    await sleep(Math.max(0, 150_000 - (Date.now() - killedAt)));
    const after = await ticketsAndIncidents(pool);
    const { rows } = await pool.query<{ to_status: string; n: number }>(
      `SELECT to_status, count(*)::int AS n FROM status_transitions WHERE id > $1 GROUP BY to_status`,
      [transitionsBefore.rows[0]!.n],
    );
    const restart = {
      authenticatedBefore: connected,
      gatewayHealthyAfterS: healthyAfterS,
      to99S: back.to99S,
      to100S: back.to100S,
      reached: back.reached,
      timeline: back.timeline.filter((_, i) => i % 5 === 0),
      ticketsOpened: after.tickets - before.tickets,
      ticketsHeld: after.held,
      incidentsOpened: after.incidents - before.incidents,
      transitionsSince: rows,
      statusEngine: await statusCounts(pool),
      peaks: peaks.stop(),
      loadAverage: loadAverage(),
    };
    result.restart = restart;
    log(`restart: ${JSON.stringify({ ...restart, timeline: undefined })}`);
    save();
  }

  // ---- the largest share at 30 s ----
  if (phases.includes('share')) {
    const steps: unknown[] = [];
    let passing = 0;
    let failing = plan.groups.length + 1;
    let want: number | undefined = groupsForShare(plan.groups, opts.shareFirst);
    for (let probe = 0; want !== undefined && probe < opts.shareProbes; probe++) {
      // The first `want` groups report every 30 s, the others every --interval: restart those
      // whose cadence differs, together, at the first ramp's rate.
      const changing = procs.groups.filter((g) => (g.index < want! ? 30 : opts.intervalS) !== g.intervalS);
      await Promise.all(changing.map(stopGroup));
      for (const group of changing)
        startGroup(
          group.index,
          group.index < want ? 30 : opts.intervalS,
          opts.ramp / changing.length,
          stateFiles[group.index]!,
        );
      const fast = procs.groups.filter((g) => g.intervalS === 30).reduce((s, g) => s + g.count, 0);
      log(`share: ${fast.toLocaleString('en')} terminals every 30 s; waiting for the fleet`);
      // 99 %: the last terminals come back at their back-off's pace, and do not change the load.
      await signInTimes(Date.now(), Math.floor(opts.terminals * 0.99), 600, 5000);
      await sleep(opts.shareSettleS * 1000);
      const cpu = new CpuAccount();
      cpuByRole(cpu);
      const delayBefore = await ingestDelay();
      const framesBefore = sum(await gatewayMetrics(), 'jt808_frames_total');
      const byMessageBefore = byLabel(await gatewayMetrics(), 'jt808_frames_total', 'message');
      const lagBefore = await busLag(bus);
      await sleep(opts.shareWindowS * 1000);
      cpuByRole(cpu);
      const delay = bucketDelta(delayBefore, await ingestDelay());
      const frames = sum(await gatewayMetrics(), 'jt808_frames_total') - framesBefore;
      const p99 = quantile(delay, 0.99);
      const step = {
        share: round(fast / opts.terminals, 3),
        terminalsAt30s: fast,
        framesPerSecond: round(frames / opts.shareWindowS),
        framesByMessage: await framesByMessage(byMessageBefore),
        ingestDelayS: { p50: quantile(delay, 0.5), p99 },
        passed: p99 !== undefined && p99 < opts.lagP99S,
        busLag: { before: lagBefore, after: await busLag(bus) },
        cpuSeconds: Object.fromEntries([...cpu.snapshot()].map(([role, s]) => [role, round(s, 2)])),
        authenticated: await authenticated(),
        loadAverage: loadAverage(),
      };
      steps.push(step);
      log(`share: ${JSON.stringify(step)}`);
      if (step.passed) passing = want;
      else failing = want;
      want = nextShareProbe(passing, failing);
    }
    const passed = procs.groups.slice(0, passing).reduce((s, g) => s + g.count, 0);
    result.share = { steps, largestPassing: round(passed / opts.terminals, 3), terminals: passed };
    save();
  }

  // ---- the bus Redis down ----
  if (phases.includes('outage')) {
    const fleetBefore = fleetProgress();
    const lagBefore = await busLag(bus);
    log(`outage: bus Redis killed for ${opts.outageS} s`);
    const down = Date.now();
    await stop(procs.redis!, 10_000, 'SIGKILL');
    const during: (ReturnType<typeof fleetProgress> & { at: number; gateway?: OutageGateway })[] = [];
    while (Date.now() - down < opts.outageS * 1000) {
      await sleep(10_000);
      const gateway = values['outage-gateway-metrics'] ? await outageGateway() : undefined;
      during.push({ at: round((Date.now() - down) / 1000), ...fleetProgress(), gateway });
    }
    procs.redis = startRedis();
    await redisUp();
    const upAt = Date.now();
    // Drained: back to the backlog of normal running (live traffic never lets it reach 0).
    const normal = Math.max(2 * lagBefore, 1000);
    let peak = 0;
    const drainedAfterS = await until(
      'the backlog to drain',
      async () => {
        const lag = await busLag(bus);
        peak = Math.max(peak, lag);
        return lag <= normal && Date.now() - upAt > 10_000 ? round((Date.now() - upAt) / 1000) : undefined;
      },
      3_600_000,
      2000,
    );
    const alive = Object.fromEntries(
      [procs.gateway, procs.ingest, procs.status, procs.api].map((p) => [
        p!.name,
        p!.child.exitCode ?? 'running',
      ]),
    );
    result.outage = {
      seconds: opts.outageS,
      before: { ...fleetBefore, busLag: lagBefore },
      during,
      peakBacklog: peak,
      drainedAfterS,
      after: fleetProgress(),
      processes: alive,
    };
    log(`outage: ${JSON.stringify(result.outage)}`);
    save();
  }

  // ---- no loss ----
  log('stopping the fleet (acks files)');
  const summaries = await Promise.all(
    procs.groups.map(async (g) => {
      await stopGroup(g);
      return JSON.parse(g.proc.stdout() || '{}') as Record<string, unknown>;
    }),
  );
  result.fleet = summaries.map((s) => ({
    errors: s.errors,
    disconnects: s.disconnects,
    ackLatencyMs: s.ackLatencyMs,
  }));
  await until(
    'ingest to drain the bus',
    async () => ((await busLag(bus)) === 0 ? true : undefined),
    600_000,
    2000,
  );
  const noLoss = await compareWithStored(pool, readAcks(...procs.groups.flatMap((group) => group.ackFiles)));
  result.noLoss = noLoss;
  log(`no-loss: ${JSON.stringify(result.noLoss)}`);
  result.endedAt = new Date().toISOString();
  save();
  await bus.close();
  await pool.end();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (noLoss.lost > 0) process.exitCode = 1;
}

async function cleanup(): Promise<void> {
  await stopAll();
  await postgres?.stop().catch(() => {});
  rmSync(join(outDir, 'redis'), { recursive: true, force: true });
}

process.on('SIGINT', () => {
  killAll();
  void postgres?.stop().finally(() => process.exit(130));
});

main()
  .catch((error) => {
    log(`failed: ${(error as Error).stack ?? error}`);
    process.exitCode = 1;
  })
  .finally(cleanup);
