import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RedisBus } from '@jt808/bus';
import { prepareDatabase } from '@jt808/storage';
import pg from 'pg';
import { benchArgs, log, runDirectory } from '../cli.js';
import { exec, httpGet, until } from '../gateway/processes.js';
import { createDatabase, databaseUrl } from '../ingest/db.js';
import { type OwnPostgres, startOwnPostgres } from '../ingest/own-postgres.js';
import { compareWithStored, readAcks } from '../no-loss.js';
import { loadAverage, memoryOf, openFileLimit, processTree } from '../proc.js';
import { killAll, type Proc, sleep, start, stopAll } from '../processes.js';
import { parseMetrics, sum } from '../prom.js';
import { loadRoster, terminalsOf, writeStateFile } from '../signin/roster.js';
import { balancerConfig } from './balancer.js';
import { BALANCER, CORE, gatewayHost, type Host, hostsDown, hostsUp, startOn } from './hosts.js';

/**
 * The production shape across hosts (see bench/README.md, "Across hosts"): gateways on three
 * "hosts" (network namespaces), behind one HAProxy configured as deploy/haproxy.cfg, with the bus
 * Redis (AOF, fsync always), PostgreSQL and ingest on a fourth; fleet-sim connects to the
 * balancer's address. Halfway through, one gateway host is killed with -9 and started again. At
 * the end every location a terminal had acknowledged must be in the database (fleet-sim --acks
 * against positions), whichever host took it.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const GATEWAY = join(ROOT, 'gateway/bin/jt808-gateway.js');
const PLATFORM = join(ROOT, 'platform/server/bin/jt808-platform.js');
const FLEET_SIM = join(ROOT, 'simulators/bin/fleet-sim.js');
const TERMINAL_PORT = 6808;
const GATEWAY_HTTP_PORT = 9808;

const values = benchArgs('bench:netns', 'gateways on three hosts behind HAProxy, no-loss check across them', {
  terminals: { type: 'string', default: '6000' },
  /** Gateway hosts (namespaces jt808-gw1..N). */
  hosts: { type: 'string', default: '3' },
  /** Real seconds fleet-sim runs. */
  duration: { type: 'string', default: '240' },
  /** Simulated seconds per real second: at 10 a driving terminal reports every 3 real seconds. */
  speed: { type: 'string', default: '10' },
  ramp: { type: 'string', default: '1000' },
  /** The gateway host killed with -9 halfway through and started again; "none" for a quiet run. */
  kill: { type: 'string', default: 'gw2' },
  /** Seconds the killed host stays down. */
  down: { type: 'string', default: '10' },
  'postgres-bin': { type: 'string', default: '/usr/lib/postgresql/15/bin' },
  out: { type: 'string', default: join(ROOT, '.data/bench-netns') },
});

const opts = {
  terminals: Number(values.terminals),
  hosts: Number(values.hosts),
  durationS: Number(values.duration),
  speed: Number(values.speed),
  ramp: Number(values.ramp),
  downS: Number(values.down),
};
for (const [name, value] of Object.entries(opts)) {
  if (!(Number.isFinite(value) && value > 0)) fail(`--${name}: a number above 0`);
}
const gateways = Array.from({ length: opts.hosts }, (_, i) => gatewayHost(i + 1));
const victim = values.kill === 'none' ? undefined : gateways.find((g) => g.name === values.kill);
if (values.kill !== 'none' && !victim)
  fail(`--kill: one of ${gateways.map((g) => g.name).join(', ')} or none`);
if (process.getuid?.() !== 0) fail('needs root: it creates network namespaces (ip netns)');

function fail(message: string): never {
  process.stderr.write(`bench:netns: ${message}\n`);
  process.exit(2);
}

const { outDir, logDir } = runDirectory(values.out!);

const REDIS_URL = `redis://${CORE.address}:6379`;
const DB_NAME = 'jt808';

interface GatewaySample {
  at: number;
  authenticated: Record<string, number>;
}

async function authenticatedOn(host: Host): Promise<number> {
  const text = await httpGet(`http://${host.address}:${GATEWAY_HTTP_PORT}/metrics`, 3000).catch(() => '');
  return sum(parseMetrics(text), 'jt808_sessions', { state: 'authenticated' });
}

function startGateway(host: Host, dbUrl: string): Proc {
  return startOn(host)(
    host.name,
    process.execPath,
    [
      GATEWAY,
      ...['--gateway-id', host.name, '--host', '0.0.0.0', '--port', String(TERMINAL_PORT)],
      ...['--http-host', '0.0.0.0', '--http-port', String(GATEWAY_HTTP_PORT)],
      ...['--redis-url', REDIS_URL, '--database-url', dbUrl, '--proxy-protocol'],
      // Every terminal comes from fleet-sim's one address here; a province's come from many.
      ...['--max-connections-per-address', '0', '--registrations-per-address-per-minute', '0'],
      ...['--target-connections', String(Math.ceil((opts.terminals / opts.hosts) * 2))],
    ],
    logDir,
    { env: { LOG_LEVEL: 'warn' } },
  );
}

async function waitHealthy(host: Host): Promise<void> {
  await until(
    `${host.name} /healthz`,
    async () => {
      const response = await fetch(`http://${host.address}:${GATEWAY_HTTP_PORT}/healthz`, {
        signal: AbortSignal.timeout(2000),
      });
      return response.ok || undefined;
    },
    60_000,
  );
}

async function main(): Promise<void> {
  log(`namespaces up: core + ${opts.hosts} gateway hosts; logs in ${logDir}`);
  hostsUp(opts.hosts);
  let postgres: OwnPostgres | undefined;
  const started = Date.now();
  try {
    const redisDir = join(outDir, 'redis');
    mkdirSync(redisDir, { recursive: true });
    startOn(CORE)(
      'redis',
      'redis-server',
      [
        // Reached from the gateway hosts, so not loopback-only: the official image's setting too.
        ...['--port', '6379', '--bind', CORE.address, '--protected-mode', 'no', '--dir', redisDir],
        ...['--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--logfile', ''],
      ],
      logDir,
    );
    await until(
      'redis',
      () => exec('redis-cli', ['-u', REDIS_URL, 'ping']).then((r) => r.trim() === 'PONG' || undefined),
      15_000,
    );
    postgres = await startOwnPostgres(values['postgres-bin']!, join(outDir, 'postgres'), logDir, {
      listen: CORE.address,
      port: 5432,
      launch: startOn(CORE),
    });
    await createDatabase(postgres.adminUrl, DB_NAME);
    const dbUrl = databaseUrl(postgres.adminUrl, DB_NAME);
    const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
    await prepareDatabase(dbUrl, pool, { retentionDays: 180 });
    const fleet = { n: opts.terminals, phoneBase: '013900000000', share2019: 0.5, seed: 1 };
    const terminals = terminalsOf(fleet);
    await loadRoster(pool, terminals);
    const stateFile = join(outDir, 'fleet-state.json');
    writeStateFile(stateFile, terminals);
    log(`core: Redis and PostgreSQL on ${CORE.address}; ${opts.terminals} terminals in the roster`);

    startOn(CORE)('ingest', process.execPath, [PLATFORM, 'ingest', '--consumer', 'ingest-1'], logDir, {
      env: { DATABASE_URL: dbUrl, REDIS_URL, LOG_LEVEL: 'warn' },
    });
    const gatewayProcs = new Map(gateways.map((host) => [host.name, startGateway(host, dbUrl)]));
    await Promise.all(gateways.map(waitHealthy));
    // One HAProxy holds two descriptors per terminal, and a process here may open 20,000: past
    // that, several HAProxy processes bind the same address (HAProxy sets SO_REUSEPORT) and the
    // kernel spreads the terminals over them, each balancing its share over the gateways.
    const perBalancer = Math.floor((openFileLimit() - 500) / 2);
    const balancers = Math.ceil((opts.terminals * 1.1) / perBalancer);
    const cfg = join(outDir, 'haproxy.cfg');
    writeFileSync(
      cfg,
      balancerConfig(readFileSync(join(ROOT, 'deploy/haproxy.cfg'), 'utf8'), {
        bind: `${BALANCER.address}:${TERMINAL_PORT}`,
        servers: gateways.map((g) => ({ name: g.name, address: g.address, port: TERMINAL_PORT })),
        healthPort: GATEWAY_HTTP_PORT,
        maxconn: perBalancer,
      }),
    );
    for (let i = 1; i <= balancers; i++) {
      const haproxy = start(`haproxy-${i}`, '/usr/sbin/haproxy', ['-db', '-f', cfg], logDir);
      await sleep(1000);
      if (haproxy.child.exitCode !== null) throw new Error(`haproxy exited: see ${logDir}/haproxy-${i}.log`);
    }
    log(
      `gateways ${gateways.map((g) => g.address).join(', ')} behind ${balancers} HAProxy process(es) on ${BALANCER.address}`,
    );

    const acksFile = join(outDir, 'acks.csv');
    const sim = start(
      'fleet-sim',
      process.execPath,
      [
        FLEET_SIM,
        ...['-n', String(opts.terminals), '--host', BALANCER.address, '--port', String(TERMINAL_PORT)],
        ...['--state', stateFile, '--acks', acksFile, '--speed', String(opts.speed)],
        ...['--ramp', String(opts.ramp), '--duration', String(opts.durationS), '--json', '--quiet'],
      ],
      logDir,
    );
    const samples: GatewaySample[] = [];
    const sampler = setInterval(async () => {
      const counts = await Promise.all(gateways.map(authenticatedOn));
      samples.push({
        at: Math.round((Date.now() - started) / 1000),
        authenticated: Object.fromEntries(gateways.map((g, i) => [g.name, counts[i]!])),
      });
    }, 5000);
    let killedAt: number | undefined;
    let restartedAt: number | undefined;
    if (victim) {
      await sleep((opts.durationS / 2) * 1000);
      const proc = gatewayProcs.get(victim.name)!;
      const peak = await Promise.all(gateways.map(authenticatedOn));
      log(`authenticated per host before the kill: ${peak.join(' / ')}; kill -9 ${victim.name}`);
      const memory = memoryOf(processTree(proc.pid));
      log(`${victim.name} RSS before the kill: ${(memory.rss / 2 ** 20).toFixed(0)} MB`);
      process.kill(-proc.pid, 'SIGKILL');
      await proc.exited;
      killedAt = Date.now();
      await sleep(opts.downS * 1000);
      gatewayProcs.set(victim.name, startGateway(victim, dbUrl));
      await waitHealthy(victim);
      restartedAt = Date.now();
      log(`${victim.name} is back`);
    }
    const exit = await sim.exited;
    clearInterval(sampler);
    const summary = JSON.parse(sim.stdout() || '{}');
    log(`fleet-sim ended (${exit}): ${summary.acks} acks, ${summary.locationsSent} locations sent`);

    const bus = new RedisBus({ url: REDIS_URL });
    const drainStart = Date.now();
    await until(
      'ingest to drain the bus',
      async () => ((await bus.events.lag('ingest')) === 0 ? true : undefined),
      120_000,
    );
    const drainS = (Date.now() - drainStart) / 1000;
    await bus.close();

    const noLoss = await compareWithStored(pool, readAcks(acksFile));
    await pool.end();

    const result = {
      startedAt: new Date(started).toISOString(),
      options: opts,
      killed: victim?.name,
      killedAtS: killedAt && Math.round((killedAt - started) / 1000),
      backAfterS: killedAt && restartedAt && (restartedAt - killedAt) / 1000,
      allBackAfterS: killedAt && allAuthenticatedAfter(samples, (killedAt - started) / 1000),
      loadAverage: loadAverage(),
      fleet: summary,
      perHost: samples,
      drainS,
      noLoss,
    };
    writeFileSync(join(outDir, 'result.json'), JSON.stringify(result, null, 2));
    process.stdout.write(report(result));
    if (noLoss.lost > 0 || noLoss.acknowledged === 0) process.exitCode = 1;
  } finally {
    await stopAll();
    await postgres?.stop().catch(() => {});
    hostsDown();
  }
}

/** Seconds from the kill to the first sample (every 5 s) with every terminal authenticated again. */
function allAuthenticatedAfter(samples: GatewaySample[], killedAtS: number): number | undefined {
  const back = samples.find(
    (s) => s.at > killedAtS && Object.values(s.authenticated).reduce((a, b) => a + b, 0) >= opts.terminals,
  );
  return back && Math.round(back.at - killedAtS);
}

function report(r: {
  killed: string | undefined;
  killedAtS: number | undefined;
  backAfterS: number | false | undefined;
  allBackAfterS: number | undefined;
  perHost: GatewaySample[];
  drainS: number;
  noLoss: {
    acknowledged: number;
    stored: number;
    lost: number;
    terminalsLosing: number;
    unacknowledgedStored: number;
  };
  fleet: { authenticationsAccepted?: number; disconnects?: number; errors?: Record<string, number> };
}): string {
  const rows = r.perHost
    .filter((_, i, all) => i % 3 === 0 || i === all.length - 1)
    .map((s) => `| ${s.at} | ${gateways.map((g) => s.authenticated[g.name] ?? 0).join(' | ')} |`);
  const n = r.noLoss;
  return [
    '',
    `## bench:netns: ${opts.terminals} terminals, ${opts.hosts} gateway hosts behind HAProxy`,
    '',
    `| s | ${gateways.map((g) => `${g.name} authenticated`).join(' | ')} |`,
    `| ---: | ${gateways.map(() => '---:').join(' | ')} |`,
    ...rows,
    '',
    r.killed
      ? `- ${r.killed} killed with -9 at ${r.killedAtS} s, healthy again ${r.backAfterS} s later`
      : '- no host killed',
    `- fleet-sim: ${r.fleet.authenticationsAccepted} authentications accepted, ${r.fleet.disconnects} disconnects, errors ${JSON.stringify(r.fleet.errors)}`,
    `- bus drained ${r.drainS.toFixed(1)} s after fleet-sim stopped`,
    `- **no-loss**: ${n.acknowledged} locations acknowledged, ${n.stored} stored, **${n.lost} lost** (${n.terminalsLosing} terminals); ${n.unacknowledgedStored} stored whose ack the terminal never got`,
    '',
  ].join('\n');
}

process.on('SIGINT', () => {
  killAll();
  hostsDown();
  process.exit(130);
});

main().catch((error) => {
  log(`failed: ${(error as Error).stack ?? error}`);
  killAll();
  try {
    hostsDown();
  } catch {}
  process.exit(1);
});
