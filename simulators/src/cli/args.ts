import { parseCommandArgs, UsageError } from '@jt808/protocol';
import type { FleetOptions } from '../fleet/fleet-options.js';

/** Fleet options that cross a process boundary: no callbacks, no stores, the scenario still a path. */
export type PlainFleetOptions = Omit<
  FleetOptions,
  'credentials' | 'stateFile' | 'onTruth' | 'onAck' | 'scenario'
>;

export interface CliOptions {
  fleet: PlainFleetOptions;
  /** Terminals per worker process; more terminals than this are spread over several processes. */
  perProcess: number;
  /** Real seconds to run; undefined: until SIGINT. */
  durationS: number | undefined;
  json: boolean;
  quiet: boolean;
  statePath: string | undefined;
  scenarioPath: string | undefined;
  truthPath: string | undefined;
  /** CSV of the locations acknowledged per terminal, written when the run stops. */
  acksPath: string | undefined;
  /** Scheduling priority (nice value) for this process and its workers; undefined: unchanged. */
  nice: number | undefined;
}

export type CliCommand = { kind: 'help' } | { kind: 'worker' } | { kind: 'run'; options: CliOptions };

/** The flag that sets each fleet option, for error messages about the option. */
export const FLAG_OF: Partial<Record<keyof FleetOptions, string>> = {
  host: '--host',
  port: '--port',
  count: '--terminals',
  first: '--first',
  phoneBase: '--phone-base',
  share2019: '--edition-2019',
  seed: '--seed',
  speed: '--speed',
  ramp: '--ramp',
  reconnectRamp: '--reconnect-ramp',
  sourceAddresses: '--source-addresses',
  drivingIntervalSeconds: '--driving-interval',
  parkedIntervalSeconds: '--parked-interval',
  heartbeatSeconds: '--heartbeat',
  ackTimeoutSeconds: '--ack-timeout',
};

export const DEFAULT_PER_PROCESS = 15_000;
/** One process may hold at most 20,000 open files here; leave room for everything that is not a socket. */
const MAX_PER_PROCESS = 19_000;

/** The hidden flag a forked worker process is started with. */
export const WORKER_FLAG = '--worker';

export function parseCommandLine(argv: string[]): CliCommand {
  if (argv[0] === WORKER_FLAG) return { kind: 'worker' };
  const { values, positionals } = parseOrExplain(argv);
  if (values.help) return { kind: 'help' };
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const fleet: PlainFleetOptions = {
    host: values.host ?? '127.0.0.1',
    port: number('--port', values.port) ?? 6808,
    count: number('--terminals', values.terminals) ?? 100,
  };
  const optional = {
    first: number('--first', values.first),
    phoneBase: values['phone-base'],
    share2019: number('--edition-2019', values['edition-2019']),
    seed: number('--seed', values.seed),
    speed: number('--speed', values.speed),
    ramp: number('--ramp', values.ramp),
    reconnectRamp: number('--reconnect-ramp', values['reconnect-ramp']),
    sourceAddresses: number('--source-addresses', values['source-addresses']),
    drivingIntervalSeconds: number('--driving-interval', values['driving-interval']),
    parkedIntervalSeconds: number('--parked-interval', values['parked-interval']),
    heartbeatSeconds: number('--heartbeat', values.heartbeat),
    ackTimeoutSeconds: number('--ack-timeout', values['ack-timeout']),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (fleet as Record<string, unknown>)[key] = value;
  }
  const perProcess = number('--per-process', values['per-process']) ?? DEFAULT_PER_PROCESS;
  if (!Number.isInteger(perProcess) || perProcess < 1 || perProcess > MAX_PER_PROCESS) {
    throw new UsageError(
      `--per-process must be a whole number from 1 to ${MAX_PER_PROCESS}, got ${perProcess}`,
    );
  }
  const nice = number('--nice', values.nice);
  if (nice !== undefined && !(Number.isInteger(nice) && nice >= -20 && nice <= 19)) {
    throw new UsageError(`--nice must be a whole number from -20 to 19, got ${nice}`);
  }
  const durationS = number('--duration', values.duration);
  if (durationS !== undefined && !(durationS > 0)) {
    throw new UsageError(`--duration must be a number of seconds above 0, got ${durationS}`);
  }
  return {
    kind: 'run',
    options: {
      fleet,
      perProcess,
      durationS,
      json: values.json ?? false,
      quiet: values.quiet ?? false,
      statePath: values.state,
      scenarioPath: values.scenario,
      truthPath: values.truth,
      acksPath: values.acks,
      nice,
    },
  };
}

function parseOrExplain(argv: string[]) {
  const text = { type: 'string' } as const;
  return parseCommandArgs(argv, {
    host: text,
    port: text,
    terminals: { type: 'string', short: 'n' },
    first: text,
    'phone-base': text,
    'edition-2019': text,
    seed: text,
    speed: text,
    duration: text,
    ramp: text,
    'reconnect-ramp': text,
    'source-addresses': text,
    'per-process': text,
    'driving-interval': text,
    'parked-interval': text,
    heartbeat: text,
    'ack-timeout': text,
    state: text,
    scenario: text,
    truth: text,
    acks: text,
    nice: text,
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  });
}

function number(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw.replaceAll('_', ''));
  if (raw.trim() === '' || !Number.isFinite(value))
    throw new UsageError(`${flag} must be a number, got "${raw}"`);
  return value;
}
