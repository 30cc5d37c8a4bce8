import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startAfterSalesRounds } from '@jt808/after-sales';
import { buildApi, CONSOLE_DIR, DEFAULT_CACHE_POLICY } from '@jt808/api';
import { type Bus, CommandClient, MemoryBus, RedisBus } from '@jt808/bus';
import { DEFAULTS, Gateway, PostgresRoster, startHttp } from '@jt808/gateway';
import { logProcessFaults, simulatedTimeView, toSimulated } from '@jt808/platform';
import { Fleet, loadScenario } from '@jt808/simulators';
import { DEFAULT_SETTINGS, DEFAULT_TICKET_SETTINGS, StatusService } from '@jt808/status';
import { createPool, IngestWorker, maintainStorage, prepareDatabase, refreshRollup } from '@jt808/storage';
import { pino } from 'pino';
import { EMBEDDED_PORT, openDatabase } from './database.js';
import { demoTime } from './demo-clock.js';
import { loadDemoRoster } from './demo-roster.js';
import { localAdmin } from './local-admin.js';

const HELP = `jt808-start — the whole platform in one process, on embedded defaults

Usage: npm start [-- options]   (or: npx jt808-start [options])

  --fleet N            demo terminals to simulate (default 2000; 0 = none)
  --speed N            simulated seconds per real second for the demo fleet (default 1; 60 shows
                       the demo scenario within two minutes); at any speed but 1 the platform
                       judges and stores on the simulation's clock
  --scenario FILE      faults to inject into the demo fleet (default simulators/scenarios/demo.json; "none" for none)
  --port N             terminal port of the gateway (default ${DEFAULTS.port})
  --http-port N        gateway /metrics and /healthz (default ${DEFAULTS.httpPort})
  --data-dir DIR       where the embedded PostgreSQL lives (default .data)
  --pg-port N          port of the embedded PostgreSQL (default ${EMBEDDED_PORT})
  --api-port N         the HTTP API (default 8080)
  --exit-after N       stop by itself after N seconds (smoke tests)
  -h, --help

Environment: DATABASE_URL uses that PostgreSQL instead of the embedded one; REDIS_URL uses Redis
Streams as the bus instead of the in-process bus.
`;

const DEMO_SCENARIO = fileURLToPath(new URL('../../simulators/scenarios/demo.json', import.meta.url));
const RETENTION_DAYS = 180;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      fleet: { type: 'string', default: '2000' },
      speed: { type: 'string', default: '1' },
      scenario: { type: 'string', default: DEMO_SCENARIO },
      port: { type: 'string', default: String(DEFAULTS.port) },
      'http-port': { type: 'string', default: String(DEFAULTS.httpPort) },
      'data-dir': { type: 'string', default: '.data' },
      'pg-port': { type: 'string', default: String(EMBEDDED_PORT) },
      'api-port': { type: 'string', default: '8080' },
      'exit-after': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  logProcessFaults(log);
  const fleetSize = Number(values.fleet);
  const dataDir = values['data-dir'];

  mkdirSync(dataDir, { recursive: true });
  const database = await openDatabase(process.env.DATABASE_URL, dataDir, Number(values['pg-port']));
  const pool = createPool(database.url);
  const mode = await prepareDatabase(database.url, pool, { retentionDays: RETENTION_DAYS });
  log.info(
    { mode },
    `positions stored with ${mode === 'timescaledb' ? 'TimescaleDB hypertables' : 'PostgreSQL daily partitions'}`,
  );
  if (fleetSize > 0)
    await loadDemoRoster(pool, { vehicles: fleetSize, phoneBase: '013900000000', share2019: 0.5, seed: 1 });

  const bus: Bus = process.env.REDIS_URL ? new RedisBus({ url: process.env.REDIS_URL }) : new MemoryBus();
  const durability = await bus.durability();
  if (durability.durable) log.info(durability.summary);
  else log.warn(`!!! ${durability.summary} !!!`);

  // The platform's roster decides registrations, as it does for every gateway in production.
  const roster = new PostgresRoster(database.url, 'reject', {
    onError: (error) => log.warn({ err: error }, 'roster database connection lost'),
  });
  const gateway = new Gateway(
    {
      ...DEFAULTS,
      host: '127.0.0.1',
      port: Number(values.port),
      gatewayId: 'embedded',
      // The demo fleet connects and registers from one address, many more than a depot.
      maxConnectionsPerAddress: 0,
      registrationsPerAddressPerMinute: 0,
    },
    { bus, roster, log: log.child({ component: 'gateway' }) },
  );
  const { port } = await gateway.listen();

  // The simulation's clock when the demo fleet runs faster than real time (demo-clock.ts): ingest,
  // the status engine and its tickets see the gateway's receive times on it, and judge and store by
  // it, as do the after-sales rounds and the storage upkeep. Taken just before the fleet starts,
  // whose scenario timeline begins at its origin.
  const speed = Number(values.speed);
  const scenario = values.scenario === 'none' ? undefined : await loadScenario(values.scenario);
  const time = fleetSize > 0 ? await demoTime(pool, speed) : undefined;
  const platformBus = time ? simulatedTimeView(bus, time) : bus;
  const now = time ? () => toSimulated(time, Date.now()) : Date.now;
  const ingest = new IngestWorker(platformBus, pool, log, { consumer: 'embedded' });
  ingest.start();
  const status = new StatusService(platformBus, pool, log.child({ component: 'status' }), DEFAULT_SETTINGS, {
    consumer: 'embedded',
    now,
    tickets: DEFAULT_TICKET_SETTINGS,
  });
  await status.start();
  const stopAfterSales = startAfterSalesRounds(pool, log.child({ component: 'after-sales' }), { now });
  const fleet =
    fleetSize > 0
      ? new Fleet({
          port,
          count: fleetSize,
          speed,
          ramp: 200,
          scenario,
          simStartMs: time?.simOriginMs,
          realStartMs: time?.realOriginMs,
        })
      : undefined;
  await fleet?.start();

  const httpPort = Number(values['http-port']);
  const http = await startHttp(httpPort, '127.0.0.1', {
    metrics: async () => ({
      contentType: gateway.metrics.registry.contentType,
      body: await gateway.metrics.registry.metrics(),
    }),
    health: async () => ({
      ok: true,
      connections: gateway.connectionCount,
      ingest: ingest.stats,
      status: status.engine.counts(),
    }),
  });

  const adminLogin = await localAdmin(pool, dataDir);
  const commands = new CommandClient(bus);
  await commands.start();
  const api = await buildApi({
    pool,
    commands,
    secureCookies: false,
    logger: log.child({ component: 'api' }),
    // One machine's fleet whose history starts now: the dashboard's KPIs are cheap to recompute and
    // change fast, so none is kept over a minute (a province's API keeps a long period's up to 10 min).
    cache: { ...DEFAULT_CACHE_POLICY, closedPeriodMs: DEFAULT_CACHE_POLICY.openPeriodMs },
  });
  const apiPort = Number(values['api-port']);
  // Requests only once the first screens' answers are computed (a failure is logged, not fatal:
  // the routes compute what they lack).
  await api.warmUp().then(
    (seconds) => log.info({ seconds }, 'api warmed up'),
    (error: unknown) => log.warn({ err: error }, 'api warm-up failed'),
  );
  await api.listen({ port: apiPort, host: '127.0.0.1' });

  // On the platform's clock, as the positions' times are. The rollup is refreshed from two hours
  // before the previous round: on a simulated clock a minute can be more than the two hours.
  let housekept = now();
  const housekeeping = setInterval(() => {
    const at = now();
    const from = new Date(housekept - 2 * 3_600_000);
    housekept = at;
    void maintainStorage(pool, mode, RETENTION_DAYS, new Date(at))
      .then(() => refreshRollup(pool, mode, from, new Date(at + 3_600_000)))
      .catch((error: unknown) => log.warn({ err: error }, 'storage housekeeping failed'));
  }, 60_000);

  process.stdout.write(`
jt808 platform is running (embedded defaults)
  terminals connect to   tcp://127.0.0.1:${port}
  gateway metrics        http://127.0.0.1:${httpPort}/metrics   health http://127.0.0.1:${httpPort}/healthz
  database               ${database.description}  (${mode})
  bus                    ${process.env.REDIS_URL ? `Redis Streams at ${process.env.REDIS_URL}` : 'in-process'}
  demo fleet             ${fleetSize} simulated terminals${fleetSize > 0 ? ` at ${speed}x speed` : ''}${time ? `; the platform runs on the simulation's clock (now ${new Date(now()).toISOString()})` : ''}
  HTTP API               http://127.0.0.1:${apiPort}/api   (OpenAPI: /docs)   ${adminLogin}
  console                http://127.0.0.1:${apiPort}/${existsSync(join(CONSOLE_DIR, 'index.html')) ? '' : '   (not built: run npm run build)'}
Press Ctrl-C to stop.
`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(housekeeping);
    const summary = await fleet?.stop();
    await api.close();
    await commands.stop();
    await gateway.close();
    // Let the last session events reach the database before the consumer stops.
    for (let waited = 0; waited < 3000 && (await bus.events.lag('ingest')) > 0; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await ingest.stop();
    await stopAfterSales();
    await status.stop();
    await bus.close();
    await roster.close();
    http.close();
    await pool.end();
    await database.stop();
    log.info({ fleet: summary, ingest: ingest.stats, status: status.engine.counts() }, 'stopped');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (values['exit-after']) setTimeout(stop, Number(values['exit-after']) * 1000);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `jt808-start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
