import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import type { UnknownTerminalPolicy } from './roster/roster.js';

export interface GatewayConfig {
  host: string;
  port: number;
  /** /metrics and /healthz; 0 disables. */
  httpPort: number;
  /** Where /metrics and /healthz listen: loopback unless opened on purpose (they tell the fleet's size and health). */
  httpHost: string;
  redisUrl: string | undefined;
  /** The platform's PostgreSQL: its roster decides registrations and keeps the auth codes. */
  databaseUrl: string | undefined;
  /** Worker processes; 0 means as many as `targetConnections` needs under the open-file limit (at least one per core). */
  workers: number;
  /** Connections the gateway should be able to hold in total (sizes the worker count). */
  targetConnections: number;
  /** Roster file when there is no database (JSON lines; in memory without it). */
  rosterFile: string | undefined;
  /** Default: reject with the platform's roster (database), pending with a file of the gateway's own. */
  unknownTerminals: UnknownTerminalPolicy;
  /** Seconds between terminal heartbeats; a connection silent for three of them is closed. */
  heartbeatSeconds: number;
  /** Seconds a connection may take to authenticate. */
  authTimeoutSeconds: number;
  /** Seconds a partial frame may stay incomplete (a slow or half-open peer) before the connection is closed. */
  stalledFrameSeconds: number;
  maxAuthFailures: number;
  /** Sustained frames per second one connection may send; bursts up to `frameBurst`. */
  maxFramesPerSecond: number;
  frameBurst: number;
  /** Frames decoded but not yet acknowledged on one connection before it stops being read. */
  maxInFlight: number;
  /** Frames decoded but not yet acknowledged in one worker, over all its connections (see IntakeLimit). */
  maxWorkerInFlight: number;
  /** Bytes all partial sub-packaged messages of one worker may hold together. */
  reassemblyBudgetBytes: number;
  /** Bytes queued for a terminal that is not reading before the connection is dropped. */
  maxWriteBuffer: number;
  /** Per-worker connection cap; 0 derives it from the open-file limit. */
  maxConnections: number;
  /** Every connection starts with a PROXY protocol header (v1 or v2) from the TCP balancer in front. */
  proxyProtocol: boolean;
  /** Seconds a connection may take to send its PROXY protocol header. */
  proxyHeaderSeconds: number;
  /** 0x0704 batches go to the bus's backfill streams, behind live events (docs/bus.md, "Lanes"). */
  backfillLane: boolean;
  /** Connections one source address may hold in one worker; 0 = no cap. */
  maxConnectionsPerAddress: number;
  /** 0x0100 registrations one source address may make a minute in one worker; 0 = no limit. */
  registrationsPerAddressPerMinute: number;
  gatewayId: string;
  logLevel: string;
}

export const DEFAULTS: GatewayConfig = {
  host: '0.0.0.0',
  port: 6808,
  httpPort: 9808,
  httpHost: '127.0.0.1',
  redisUrl: undefined,
  databaseUrl: undefined,
  workers: 0,
  targetConnections: 20_000,
  rosterFile: undefined,
  unknownTerminals: 'pending',
  heartbeatSeconds: 60,
  authTimeoutSeconds: 60,
  stalledFrameSeconds: 30,
  maxAuthFailures: 3,
  maxFramesPerSecond: 50,
  frameBurst: 500,
  maxInFlight: 64,
  maxWorkerInFlight: 4096,
  reassemblyBudgetBytes: 64 * 1024 * 1024,
  maxWriteBuffer: 256 * 1024,
  maxConnections: 0,
  proxyProtocol: false,
  proxyHeaderSeconds: 5,
  backfillLane: true,
  // A depot of 500 terminals behind one NAT, twice: after a network outage each may reconnect
  // while its old connection has not timed out yet, and re-register once more if a reply is lost.
  maxConnectionsPerAddress: 1000,
  registrationsPerAddressPerMinute: 1000,
  gatewayId: hostname(),
  logLevel: 'info',
};

export const HELP = `jt808-gateway — JT/T 808 terminal gateway

Usage: jt808-gateway [options]

  --port N                 TCP port for terminals (env JT808_PORT, default ${DEFAULTS.port})
  --host ADDR              listen address (default ${DEFAULTS.host})
  --http-port N            /metrics and /healthz (env JT808_HTTP_PORT, default ${DEFAULTS.httpPort}; 0 = off)
  --http-host ADDR         their listen address (env JT808_HTTP_HOST, default ${DEFAULTS.httpHost}: this host only;
                           0.0.0.0 for a load balancer's health checks or a Prometheus elsewhere)
  --redis-url URL          bus Redis (env REDIS_URL); required when run on its own
  --workers N              worker processes (default: enough for --target-connections)
  --target-connections N   connections to hold in total (default ${DEFAULTS.targetConnections})
  --max-connections N      per-worker cap (default: open-file limit less a margin)
  --database-url URL       the platform's PostgreSQL (env DATABASE_URL): its roster decides every
                           registration and keeps the auth codes all gateways check
  --roster FILE            without a database: a roster of this gateway's own, JSON lines
                           (env JT808_ROSTER; default: in memory)
  --unknown-terminals P    reject | pending: what an unknown phone gets (default: reject with the
                           platform's roster, except for a vehicle with a planned installation;
                           pending with --roster, accepted and marked for installers)
  --heartbeat-seconds N    terminal heartbeat interval; silent 3x this -> closed (default ${DEFAULTS.heartbeatSeconds})
  --auth-timeout N         seconds to authenticate (default ${DEFAULTS.authTimeoutSeconds})
  --stalled-frame N        seconds a partial frame may stay incomplete (default ${DEFAULTS.stalledFrameSeconds})
  --max-frames-per-second N, --frame-burst N   per-connection flood limit (default ${DEFAULTS.maxFramesPerSecond}, ${DEFAULTS.frameBurst})
  --max-worker-in-flight N frames a worker reads ahead of its answers before it stops reading (default ${DEFAULTS.maxWorkerInFlight})
  --reassembly-budget-mb N memory all partial sub-packaged messages of one worker may hold (default ${DEFAULTS.reassemblyBudgetBytes / 1024 / 1024})
  --proxy-protocol         every connection starts with a PROXY protocol v1/v2 header from the balancer;
                           its address is the terminal's (env JT808_PROXY_PROTOCOL=1; default off)
  --proxy-header-timeout N seconds to send that header (default ${DEFAULTS.proxyHeaderSeconds})
  --no-backfill-lane       0x0704 batches share the live bus streams instead of the backfill ones
                           (env JT808_BACKFILL_LANE=0; default: backfill lane on, see docs/bus.md)
  --max-connections-per-address N
                           connections one address may hold, per worker process (default ${DEFAULTS.maxConnectionsPerAddress}; 0 = off)
  --registrations-per-address-per-minute N
                           0x0100 registrations one address may make a minute, per worker process;
                           over it they are not answered (default ${DEFAULTS.registrationsPerAddressPerMinute}; 0 = off)
  --gateway-id ID          name of this gateway on the bus (default: host name)
  --log-level LEVEL        pino level (env LOG_LEVEL, default info)
  -h, --help               this text
`;

export class ConfigError extends Error {}

/** Flags override environment variables, which override defaults. */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): GatewayConfig | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'http-port': { type: 'string' },
      'http-host': { type: 'string' },
      'redis-url': { type: 'string' },
      'database-url': { type: 'string' },
      workers: { type: 'string' },
      'target-connections': { type: 'string' },
      'max-connections': { type: 'string' },
      roster: { type: 'string' },
      'unknown-terminals': { type: 'string' },
      'heartbeat-seconds': { type: 'string' },
      'auth-timeout': { type: 'string' },
      'stalled-frame': { type: 'string' },
      'max-frames-per-second': { type: 'string' },
      'frame-burst': { type: 'string' },
      'max-worker-in-flight': { type: 'string' },
      'reassembly-budget-mb': { type: 'string' },
      'proxy-protocol': { type: 'boolean' },
      'no-backfill-lane': { type: 'boolean' },
      'proxy-header-timeout': { type: 'string' },
      'max-connections-per-address': { type: 'string' },
      'registrations-per-address-per-minute': { type: 'string' },
      'gateway-id': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const databaseUrl = values['database-url'] ?? env.DATABASE_URL;
  const policy = values['unknown-terminals'] ?? (databaseUrl ? 'reject' : DEFAULTS.unknownTerminals);
  if (policy !== 'reject' && policy !== 'pending')
    throw new ConfigError(`--unknown-terminals must be reject or pending`);
  if (databaseUrl && (values.roster ?? env.JT808_ROSTER))
    throw new ConfigError(
      '--roster and --database-url exclude each other: with a database the platform keeps the roster',
    );
  return {
    ...DEFAULTS,
    host: values.host ?? DEFAULTS.host,
    port: int('--port', values.port ?? env.JT808_PORT, DEFAULTS.port, 0, 65535),
    httpPort: int('--http-port', values['http-port'] ?? env.JT808_HTTP_PORT, DEFAULTS.httpPort, 0, 65535),
    httpHost: values['http-host'] ?? env.JT808_HTTP_HOST ?? DEFAULTS.httpHost,
    redisUrl: values['redis-url'] ?? env.REDIS_URL,
    databaseUrl,
    workers: int('--workers', values.workers, DEFAULTS.workers, 0, 512),
    targetConnections: int(
      '--target-connections',
      values['target-connections'],
      DEFAULTS.targetConnections,
      1,
      10_000_000,
    ),
    maxConnections: int(
      '--max-connections',
      values['max-connections'],
      DEFAULTS.maxConnections,
      0,
      10_000_000,
    ),
    rosterFile: values.roster ?? env.JT808_ROSTER,
    unknownTerminals: policy,
    heartbeatSeconds: int(
      '--heartbeat-seconds',
      values['heartbeat-seconds'],
      DEFAULTS.heartbeatSeconds,
      1,
      3600,
    ),
    authTimeoutSeconds: int('--auth-timeout', values['auth-timeout'], DEFAULTS.authTimeoutSeconds, 1, 3600),
    stalledFrameSeconds: int(
      '--stalled-frame',
      values['stalled-frame'],
      DEFAULTS.stalledFrameSeconds,
      1,
      3600,
    ),
    maxFramesPerSecond: int(
      '--max-frames-per-second',
      values['max-frames-per-second'],
      DEFAULTS.maxFramesPerSecond,
      1,
      1_000_000,
    ),
    frameBurst: int('--frame-burst', values['frame-burst'], DEFAULTS.frameBurst, 1, 10_000_000),
    maxWorkerInFlight: int(
      '--max-worker-in-flight',
      values['max-worker-in-flight'],
      DEFAULTS.maxWorkerInFlight,
      1,
      10_000_000,
    ),
    reassemblyBudgetBytes:
      int(
        '--reassembly-budget-mb',
        values['reassembly-budget-mb'],
        DEFAULTS.reassemblyBudgetBytes / 1024 / 1024,
        1,
        65_536,
      ) *
      1024 *
      1024,
    proxyProtocol: values['proxy-protocol'] ?? flag('JT808_PROXY_PROTOCOL', env.JT808_PROXY_PROTOCOL),
    backfillLane: values['no-backfill-lane']
      ? false
      : flag('JT808_BACKFILL_LANE', env.JT808_BACKFILL_LANE ?? '1'),
    proxyHeaderSeconds: int(
      '--proxy-header-timeout',
      values['proxy-header-timeout'],
      DEFAULTS.proxyHeaderSeconds,
      1,
      3600,
    ),
    maxConnectionsPerAddress: int(
      '--max-connections-per-address',
      values['max-connections-per-address'],
      DEFAULTS.maxConnectionsPerAddress,
      0,
      10_000_000,
    ),
    registrationsPerAddressPerMinute: int(
      '--registrations-per-address-per-minute',
      values['registrations-per-address-per-minute'],
      DEFAULTS.registrationsPerAddressPerMinute,
      0,
      10_000_000,
    ),
    gatewayId: values['gateway-id'] ?? DEFAULTS.gatewayId,
    logLevel: values['log-level'] ?? env.LOG_LEVEL ?? DEFAULTS.logLevel,
  };
}

function int(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${flag} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** An on/off environment variable: 1 or 0 (or true/false); anything else is a mistake worth saying. */
function flag(name: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new ConfigError(`${name} must be 1 or 0, got "${raw}"`);
}
