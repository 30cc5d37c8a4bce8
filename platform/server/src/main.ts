import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { startAfterSalesRounds } from '@jt808/after-sales';
import {
  buildApi,
  DEFAULT_SESSION_POLICY,
  parseCenters,
  ROLES,
  type Role,
  saveUser,
  UserError,
} from '@jt808/api';
import { type Bus, CommandClient, RedisBus } from '@jt808/bus';
import { DEFAULT_SETTINGS, DEFAULT_TICKET_SETTINGS, StatusService } from '@jt808/status';
import {
  createIngestMetrics,
  createPool,
  DEFAULT_INGEST_BATCH,
  DEFAULT_INGEST_WAIT_MS,
  IngestWorker,
  maintainStorage,
  mayChangeSchema,
  prepareDatabase,
  refreshRollup,
} from '@jt808/storage';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { logProcessFaults } from './process-faults.js';
import { DEFAULT_SIDE_HOST, startSideHttp } from './side-http.js';

const HELP = `jt808-platform — the platform's processes

Usage:
  jt808-platform migrate          bring the schema and the positions storage up to date (partitions a week ahead,
                                  expired ones dropped), then exit; as the schema's owner
  jt808-platform ingest [options] store terminal events from the bus (run one or more)
  jt808-platform status [options] the online-status engine and the after-sales rounds: complaints, callbacks,
                                  deadline notices, escalations, and the outbound sender's deliveries (run exactly one)
  jt808-platform api [options]    the HTTP API (run one or more)
  jt808-platform user-add         add or update an API user: USERNAME, PASSWORD, ROLE (admin|operator|service|viewer|desk|installer),
                                  CENTERS (comma-separated ids; ALL for the province, viewer and desk only;
                                  required for operator, viewer, desk; admins see the province without it),
                                  SERVICE_POINT (required for service), INSTALLER (required for installer:
                                  their code in the register) from the environment;
                                  a changed password ends the user's sessions

Options:
  --consumer NAME      this process's name in its consumer group (default: host name + pid);
                       a restarted process that reuses its name takes back its unfinished batches
  --batch-size N       ingest: most events per batch (default ${DEFAULT_INGEST_BATCH})
  --batch-wait-ms N    ingest: how long a batch with room left waits for more events (default ${DEFAULT_INGEST_WAIT_MS});
                       longer makes fewer, larger transactions and adds up to that much ingest delay
  --http-port N        /metrics and /healthz of ingest, status and api (default 9810; 0 = off)
  --http-host ADDR     their listen address (default ${DEFAULT_SIDE_HOST}: this host only; 0.0.0.0 to open them)
  --api-port N         api: the HTTP API port (default 8080)
  --trust-proxy LIST   api: believe X-Forwarded-For from these proxies: addresses or CIDRs (comma-separated),
                       a hop count, or "true" for any; needed behind the TLS proxy so that sign-in limits
                       count clients rather than the proxy (default: none; env TRUST_PROXY)

Environment: DATABASE_URL (required), REDIS_URL (required for ingest and status; for api, commands and
sign-in limits shared by several api processes), RETENTION_DAYS (default 180),
INSECURE_COOKIES=1 (api over plain HTTP, for development only), SESSION_IDLE_MINUTES (default 30) and
SESSION_HOURS (default 12): api sessions end unused for that long, or that long after sign-in,
JT808_BUS_PREFIX (default jt808), LOG_LEVEL. docs/security.md has every limit.
`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      consumer: { type: 'string' },
      'batch-size': { type: 'string', default: String(DEFAULT_INGEST_BATCH) },
      'batch-wait-ms': { type: 'string', default: String(DEFAULT_INGEST_WAIT_MS) },
      'http-port': { type: 'string', default: '9810' },
      'http-host': { type: 'string', default: DEFAULT_SIDE_HOST },
      'api-port': { type: 'string', default: '8080' },
      'trust-proxy': { type: 'string', default: process.env.TRUST_PROXY },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (
    values.help ||
    command === undefined ||
    !['migrate', 'ingest', 'status', 'api', 'user-add'].includes(command)
  ) {
    (values.help ? process.stdout : process.stderr).write(HELP);
    return values.help ? 0 : 2;
  }
  for (const [option, least] of [
    ['batch-size', 1],
    ['batch-wait-ms', 0],
  ] as const) {
    const value = Number(values[option]);
    if (!Number.isInteger(value) || value < least) {
      process.stderr.write(
        `jt808-platform: --${option} takes a whole number from ${least} up, not ${values[option]}\n`,
      );
      return 2;
    }
  }
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    process.stderr.write('jt808-platform: DATABASE_URL is required\n');
    return 2;
  }
  const log = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { role: `platform-${command}` } });
  logProcessFaults(log);
  const retentionDays = Number(process.env.RETENTION_DAYS ?? 180);
  const pool = createPool(databaseUrl);
  const mode = await prepareDatabase(databaseUrl, pool, { retentionDays });
  log.info(
    { mode },
    `positions stored with ${mode === 'timescaledb' ? 'TimescaleDB hypertables' : 'PostgreSQL daily partitions'}`,
  );
  if (command === 'migrate') {
    // Also the partitions' upkeep: run daily by the owner where the processes may not do it (0021).
    await maintainStorage(pool, mode, retentionDays);
    await pool.end();
    return 0;
  }
  if (command === 'user-add') {
    const { USERNAME, PASSWORD, ROLE, CENTERS, SERVICE_POINT, INSTALLER } = process.env;
    if (!USERNAME || !PASSWORD || !ROLE || !(ROLES as readonly string[]).includes(ROLE)) {
      process.stderr.write(`jt808-platform user-add: set USERNAME, PASSWORD and ROLE (${ROLES.join('|')})\n`);
      return 2;
    }
    try {
      await saveUser(pool, {
        username: USERNAME,
        password: PASSWORD,
        role: ROLE as Role,
        centerIds: parseCenters(CENTERS),
        servicePointId: SERVICE_POINT ? Number(SERVICE_POINT) : undefined,
        installer: INSTALLER || undefined,
      });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      process.stderr.write(`jt808-platform user-add: ${error.message}\n`);
      return 2;
    } finally {
      await pool.end();
    }
    return 0;
  }
  // /metrics and /healthz of every long-running process: the runtime's own (heap, event-loop lag)
  // and the database pool's connections, which a process that leaks them would show climbing.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const poolConnections = () => ({
    total: pool.totalCount,
    idle: pool.idleCount,
    waiting: pool.waitingCount,
  });
  new Gauge({
    name: 'jt808_db_pool_connections',
    help: "The process's database connections: total (open), idle, and waiting (requests queued for one)",
    labelNames: ['state'],
    registers: [registry],
    collect() {
      for (const [state, count] of Object.entries(poolConnections())) this.set({ state }, count);
    },
  });
  const httpPort = Number(values['http-port']);
  if (command === 'api') {
    // With a bus, operators can send commands to terminals through whichever gateway holds them.
    const bus = process.env.REDIS_URL
      ? new RedisBus({ url: process.env.REDIS_URL, prefix: process.env.JT808_BUS_PREFIX })
      : undefined;
    const commands = bus && new CommandClient(bus);
    await commands?.start();
    // The sign-in limits of every api process in one place; a slow Redis must not hold up a sign-in.
    const redis = process.env.REDIS_URL
      ? new Redis(process.env.REDIS_URL, { connectTimeout: 1000, maxRetriesPerRequest: 1 })
      : undefined;
    const api = await buildApi({
      pool,
      commands,
      secureCookies: process.env.INSECURE_COOKIES !== '1',
      logger: log,
      trustProxy: trustedProxies(values['trust-proxy']),
      redis,
      sessions: {
        idleMinutes: Number(process.env.SESSION_IDLE_MINUTES ?? DEFAULT_SESSION_POLICY.idleMinutes),
        absoluteHours: Number(process.env.SESSION_HOURS ?? DEFAULT_SESSION_POLICY.absoluteHours),
      },
    });
    // Requests only once the first screens' answers are computed (a failure is logged, not fatal:
    // the routes compute what they lack).
    await api.warmUp().then(
      (seconds) => log.info({ seconds }, 'api warmed up'),
      (error: unknown) => log.warn({ err: error }, 'api warm-up failed'),
    );
    await api.listen({ port: Number(values['api-port']), host: '0.0.0.0' });
    const http = httpPort
      ? await startSideHttp({
          port: httpPort,
          host: values['http-host'],
          registry,
          health: () => ({ db: poolConnections() }),
          log,
        })
      : undefined;
    log.info({ port: values['api-port'], httpPort }, 'api listening');
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    await http?.close();
    await api.close();
    redis?.disconnect();
    await commands?.stop();
    await bus?.close();
    await pool.end();
    return 0;
  }
  if (!process.env.REDIS_URL) {
    process.stderr.write(
      'jt808-platform ingest: REDIS_URL is required (the in-process bus lives in the one-command start)\n',
    );
    return 2;
  }
  const bus: Bus = new RedisBus({ url: process.env.REDIS_URL, prefix: process.env.JT808_BUS_PREFIX });
  const consumer = values.consumer ?? `${hostname()}-${process.pid}`;
  const timers: NodeJS.Timeout[] = [];
  let health: () => object;
  let stopWork: () => Promise<void>;
  if (command === 'status') {
    const service = new StatusService(bus, pool, log, DEFAULT_SETTINGS, {
      consumer,
      tickets: DEFAULT_TICKET_SETTINGS,
    });
    await service.start();
    // The one status process also does the after-sales work nobody has to ask for.
    const stopRounds = startAfterSalesRounds(pool, log);
    health = () => service.engine.counts();
    stopWork = async () => {
      await stopRounds();
      await service.stop();
    };
  } else {
    const metrics = createIngestMetrics(registry);
    const worker = new IngestWorker(
      bus,
      pool,
      log,
      { consumer, batchSize: Number(values['batch-size']), maxWaitMs: Number(values['batch-wait-ms']) },
      metrics,
    );
    worker.start();
    const ownsSchema = await mayChangeSchema(pool);
    timers.push(
      setInterval(() => {
        bus.events.lag('ingest').then(
          (lag) => metrics.lag.set(lag),
          () => {},
        );
      }, 2000),
      setInterval(() => {
        const now = new Date();
        // A role that may not change the schema (jt808_app) leaves the partitions to the owner's
        // daily `migrate` and TimescaleDB's rollup to its policy; the partitions' rollup is rows.
        void (ownsSchema ? maintainStorage(pool, mode, retentionDays, now) : Promise.resolve())
          .then(() =>
            ownsSchema || mode === 'partitions'
              ? refreshRollup(pool, mode, new Date(now.getTime() - 2 * 3_600_000), now)
              : undefined,
          )
          .catch((error: unknown) => log.warn({ err: error }, 'storage housekeeping failed'));
      }, 60_000),
    );
    health = () => worker.stats;
    stopWork = () => worker.stop();
  }
  const http = httpPort
    ? await startSideHttp({
        port: httpPort,
        host: values['http-host'],
        registry,
        health: () => ({ ...health(), db: poolConnections() }),
        log,
      })
    : undefined;
  log.info({ consumer, httpPort }, `${command} started`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  for (const timer of timers) clearInterval(timer);
  await stopWork();
  await http?.close();
  await bus.close();
  await pool.end();
  log.info({ stats: health() }, `${command} stopped`);
  return 0;
}

/** --trust-proxy: "true", a hop count, or addresses and CIDRs; none when not given. */
function trustedProxies(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((entry) => entry.trim());
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `jt808-platform: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
