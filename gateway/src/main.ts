import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { RedisBus } from '@jt808/bus';
import { pino } from 'pino';
import { AggregatorRegistry, collectDefaultMetrics, register } from 'prom-client';
import { ConfigError, type GatewayConfig, HELP, parseConfig } from './config.js';
import { FileRoster } from './roster/file-roster.js';
import { answerRosterRequest, IpcRoster } from './roster/ipc-roster.js';
import { PostgresRoster } from './roster/postgres-roster.js';
import type { Roster } from './roster/roster.js';
import { startHttp } from './runtime/http.js';
import { createMetrics } from './runtime/metrics.js';
import { connectionCap, openFileLimit, workersFor } from './runtime/open-files.js';
import { logProcessFaults } from './runtime/process-faults.js';
import { Gateway } from './server.js';

/**
 * The standalone gateway: a cluster primary that serves /metrics for all workers (and owns the
 * roster file when there is no database), and worker processes sharing the terminal port. With a
 * database each worker asks the platform's roster itself. Workers are sized so that none holds
 * more connections than its open-file limit allows, and there is at least one per core.
 */
/** How long a graceful stop may take before the primary kills the workers still running. */
const STOP_DEADLINE_MS = 15_000;

async function main(): Promise<void> {
  let config: GatewayConfig | 'help';
  try {
    config = parseConfig(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ConfigError) && !(error instanceof TypeError)) throw error;
    process.stderr.write(`jt808-gateway: ${error.message}\n\n${HELP}`);
    process.exit(2);
  }
  if (config === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (!config.redisUrl) {
    process.stderr.write(
      'jt808-gateway: --redis-url (or REDIS_URL) is required; the in-process bus exists only in the one-command start\n',
    );
    process.exit(2);
  }
  if (cluster.isPrimary) await runPrimary(config);
  else await runWorker(config, config.redisUrl);
}

async function runPrimary(config: GatewayConfig): Promise<void> {
  const log = pino({ level: config.logLevel, base: { role: 'gateway-primary' } });
  logProcessFaults(log);
  const limit = openFileLimit();
  const cap = config.maxConnections || connectionCap(limit);
  const workers =
    config.workers || Math.max(availableParallelism(), workersFor(config.targetConnections, cap));
  log.info(
    { openFileLimit: limit, perWorkerCap: cap, workers, target: config.targetConnections },
    'starting gateway workers',
  );

  const bus = new RedisBus({ url: config.redisUrl! });
  const durability = await bus.durability();
  if (durability.durable) log.info(durability.summary);
  else log.warn(`!!! ${durability.summary} !!!`);
  await bus.close();

  // Workers accept from the shared listening socket themselves. Under node:cluster's default
  // round-robin the primary accepts every connection and hands it to a worker over IPC, one at a
  // time per worker: when the workers are busy (a sign-in storm) the primary queues sockets until it
  // runs out of open files (measured: 1,134 of 50,000 terminals signed in, against 50,000 in 62 s
  // without it; see bench/RESULTS.md). NODE_CLUSTER_SCHED_POLICY=rr still selects round-robin.
  if (!process.env.NODE_CLUSTER_SCHED_POLICY) cluster.schedulingPolicy = cluster.SCHED_NONE;
  // With the platform's database every worker asks it directly; the file roster has one owner.
  const roster = config.databaseUrl
    ? undefined
    : await FileRoster.open(config.rosterFile, config.unknownTerminals);
  const rosterSource = config.databaseUrl ? 'platform database' : (config.rosterFile ?? 'in memory');
  log.info({ roster: rosterSource, unknownTerminals: config.unknownTerminals }, 'roster');
  if (!config.databaseUrl && !config.rosterFile)
    log.warn(
      '!!! roster in memory: every auth code is forgotten when this gateway stops; set DATABASE_URL !!!',
    );
  const aggregator = new AggregatorRegistry();
  /** Workers whose listener is up: health is green only when all of them accept connections. */
  const listening = new Set<number>();
  let stopping = false;
  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on('message', (message) => {
      if ((message as { gatewayListening?: boolean })?.gatewayListening) listening.add(worker.id);
      else if (roster) void answerRosterRequest(roster, message, (reply) => worker.send(reply));
    });
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id);
    if (stopping) return;
    log.error({ worker: worker.id, code, signal }, 'gateway worker died; starting a new one');
    fork();
  });
  for (let i = 0; i < workers; i++) fork();

  const http = config.httpPort
    ? await startHttp(config.httpPort, config.httpHost, {
        metrics: async () => ({
          contentType: aggregator.contentType,
          body: await aggregator.clusterMetrics(),
        }),
        health: async () => {
          return {
            ok: listening.size === workers,
            listening: listening.size,
            expected: workers,
            bus: durability.summary,
          };
        },
        onError: (error) => log.warn({ err: error }, '/metrics or /healthz failed'),
      })
    : undefined;

  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    log.info('stopping: draining workers');
    const exits = Object.values(cluster.workers ?? {}).map(
      (worker) => new Promise<void>((resolve) => worker?.once('exit', () => resolve())),
    );
    for (const worker of Object.values(cluster.workers ?? {})) worker?.send({ shutdown: true });
    // A worker stuck on an unreachable bus must not keep the gateway from stopping.
    const deadline = setTimeout(() => {
      log.error({ afterMs: STOP_DEADLINE_MS }, 'workers did not stop in time; killing them');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    }, STOP_DEADLINE_MS);
    await Promise.all(exits);
    clearTimeout(deadline);
    http?.close();
    await roster?.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

async function runWorker(config: GatewayConfig, redisUrl: string): Promise<void> {
  // Each start is a new name on the bus: the session-directory entries a killed worker left behind
  // must not look live again once a restarted worker with the same number says it is alive.
  const incarnation = Date.now().toString(36);
  const gatewayId = `${config.gatewayId}-${cluster.worker?.id ?? process.pid}.${incarnation}`;
  const log = pino({ level: config.logLevel, base: { role: 'gateway-worker' } });
  logProcessFaults(log);
  collectDefaultMetrics({ register });
  // Constructing one in the worker is what makes prom-client answer the primary's metric requests.
  new AggregatorRegistry();
  const bus = new RedisBus({ url: redisUrl, backfillLane: config.backfillLane });
  const roster: Roster = config.databaseUrl
    ? new PostgresRoster(config.databaseUrl, config.unknownTerminals, {
        onError: (error) => log.warn({ err: error }, 'roster database connection lost'),
      })
    : new IpcRoster();
  const gateway = new Gateway(
    { ...config, gatewayId },
    { bus, roster, log, metrics: createMetrics(register) },
  );
  await gateway.listen();
  process.send?.({ gatewayListening: true });
  const stop = async () => {
    await gateway.close();
    await bus.close();
    await roster.close();
    process.exit(0);
  };
  process.on('message', (message) => {
    if ((message as { shutdown?: boolean })?.shutdown) void stop();
  });
  // The primary decides when workers stop; a signal to the process group must not skip the drain.
  process.on('SIGTERM', () => {});
  process.on('SIGINT', () => {});
}

main().catch((error: unknown) => {
  process.stderr.write(
    `jt808-gateway: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
