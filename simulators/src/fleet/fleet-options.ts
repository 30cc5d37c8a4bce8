import { isIP } from 'node:net';
import type { Scenario } from '../scenario/scenario.js';
import type { TruthRecord } from '../scenario/truth.js';
import type { CredentialStore } from './credentials.js';
import type { AckInfo, FleetSettings } from './fleet-context.js';
import { MAX_TERMINAL_INDEX, PHONE_DIGITS } from './identity.js';

export interface FleetOptions {
  /** Gateway address (default 127.0.0.1). */
  host?: string;
  port: number;
  /** Terminals in the fleet, 1 to 400,000. */
  count: number;
  /** Index of the first terminal (default 0); phones, ids and plates follow from the index. */
  first?: number;
  /** Play only these indexes of the fleet (a worker process's share); default: all of them. */
  slice?: { first: number; count: number };
  /** Up to 12 digits (default 013900000000); terminal i has phone base + i. */
  phoneBase?: string;
  /** Share of 2019-edition terminals, 0..1 (default 0.5). */
  share2019?: number;
  /** Seed of every random choice (default 1). */
  seed?: number;
  /** Simulated seconds per real second (default 1). */
  speed?: number;
  /** New connections per real second (default 1000). */
  ramp?: number;
  /**
   * Reconnections per real second, a ramp of their own (default: `ramp`). The terminals' back-off
   * already spreads them; a higher figure lets a reconnection wave reach the gateway as it would
   * from real terminals, which nothing paces.
   */
  reconnectRamp?: number;
  /**
   * Local addresses to connect from, round-robin by index: a list, or a count N meaning 127.0.0.1
   * to 127.0.0.N. Default: one loopback address per 25,000 terminals when the gateway is on
   * loopback (a source address has about 28,000 ephemeral ports), else the system's choice.
   */
  sourceAddresses?: string[] | number;
  /** Simulated seconds between locations while ACC is on (default 30). */
  drivingIntervalSeconds?: number;
  /** Simulated seconds between locations while parked with ACC off (default 300). */
  parkedIntervalSeconds?: number;
  /** Simulated seconds of silence before a heartbeat (default 60). */
  heartbeatSeconds?: number;
  /** Real seconds to wait for an answer before counting it lost (default 10). */
  ackTimeoutSeconds?: number;
  /** Faults to inject (checked by parseScenario). */
  scenario?: Scenario;
  /** Where auth codes are kept (default: in memory, or `stateFile`). */
  credentials?: CredentialStore;
  /** A JSON state file for auth codes, read at start and written periodically and on stop. */
  stateFile?: string;
  /** Receives a ground-truth record whenever a fault interval closes. */
  onTruth?: (record: TruthRecord) => void;
  /** Receives every 0x8001 answer matched to a frame the simulator sent. */
  onAck?: (ack: AckInfo) => void;
  /** Simulated time at the start (epoch ms; default: the real time at start). */
  simStartMs?: number;
  /** Real time the simulated start corresponds to (epoch ms; default: when `start()` is called). */
  realStartMs?: number;
}

export const MAX_FLEET = 400_000;
/** Ephemeral ports per source address are ~28,000 (32768-60999); stay clear of the edge. */
const TERMINALS_PER_SOURCE_ADDRESS = 25_000;

/** Options that make no sense; `option` names the option, `problem` says what is wrong with it. */
export class FleetOptionsError extends Error {
  override readonly name = 'FleetOptionsError';

  constructor(
    readonly option: keyof FleetOptions,
    readonly problem: string,
  ) {
    super(`${option} ${problem}`);
  }
}

export function resolveSettings(options: FleetOptions): FleetSettings {
  const count = integer('count', options.count, 1, MAX_FLEET);
  const first = integer('first', options.first ?? 0, 0, MAX_TERMINAL_INDEX);
  if (first + count - 1 > MAX_TERMINAL_INDEX) {
    throw new FleetOptionsError(
      'first',
      `+ count must stay within ${MAX_TERMINAL_INDEX + 1} terminal indexes`,
    );
  }
  const phoneBase = options.phoneBase ?? '013900000000';
  if (!/^\d{1,12}$/.test(phoneBase))
    throw new FleetOptionsError('phoneBase', `must be 1 to 12 digits, got "${phoneBase}"`);
  if ((BigInt(phoneBase) + BigInt(first + count - 1)).toString().length > PHONE_DIGITS) {
    throw new FleetOptionsError('phoneBase', `${phoneBase} + ${first + count - 1} has more than 12 digits`);
  }
  const host = options.host ?? '127.0.0.1';
  return {
    host,
    port: integer('port', options.port, 1, 65_535),
    first,
    count,
    phoneBase,
    share2019: fraction('share2019', options.share2019 ?? 0.5),
    seed: integer('seed', options.seed ?? 1, 0, 2 ** 32 - 1),
    speed: positive('speed', options.speed ?? 1, 100_000),
    ramp: positive('ramp', options.ramp ?? 1000, 1_000_000),
    reconnectRamp: positive('reconnectRamp', options.reconnectRamp ?? options.ramp ?? 1000, 1_000_000),
    sourceAddresses: sourceAddresses(options.sourceAddresses, host, count),
    drivingIntervalS: positive('drivingIntervalSeconds', options.drivingIntervalSeconds ?? 30, 86_400),
    parkedIntervalS: positive('parkedIntervalSeconds', options.parkedIntervalSeconds ?? 300, 86_400),
    heartbeatS: positive('heartbeatSeconds', options.heartbeatSeconds ?? 60, 86_400),
    ackTimeoutMs: positive('ackTimeoutSeconds', options.ackTimeoutSeconds ?? 10, 3600) * 1000,
  };
}

/** The indexes a fleet plays: its slice, checked against the fleet. */
export function resolveSlice(
  options: FleetOptions,
  settings: FleetSettings,
): { first: number; count: number } {
  const slice = options.slice ?? { first: settings.first, count: settings.count };
  const end = settings.first + settings.count;
  if (
    !Number.isInteger(slice.first) ||
    !Number.isInteger(slice.count) ||
    slice.count < 1 ||
    slice.first < settings.first ||
    slice.first + slice.count > end
  ) {
    throw new FleetOptionsError(
      'slice',
      `${slice.first}+${slice.count} is not within the fleet's indexes ${settings.first}..${end - 1}`,
    );
  }
  return slice;
}

function sourceAddresses(option: string[] | number | undefined, host: string, count: number): string[] {
  if (Array.isArray(option)) {
    for (const address of option) {
      if (isIP(address) === 0)
        throw new FleetOptionsError('sourceAddresses', `"${address}" is not an IP address`);
    }
    return option;
  }
  const loopback = host === 'localhost' || host.startsWith('127.');
  const wanted = option ?? (loopback ? Math.ceil(count / TERMINALS_PER_SOURCE_ADDRESS) : 0);
  integer('sourceAddresses', wanted, 0, 254);
  if (wanted > 1 && !loopback) {
    throw new FleetOptionsError(
      'sourceAddresses',
      `as a count means 127.0.0.1..127.0.0.${wanted}, which cannot reach ${host}; give a list`,
    );
  }
  // One address is what the system picks anyway.
  return wanted <= 1 ? [] : Array.from({ length: wanted }, (_, i) => `127.0.0.${i + 1}`);
}

function integer(name: keyof FleetOptions, value: number, low: number, high: number): number {
  if (!Number.isInteger(value) || value < low || value > high) {
    throw new FleetOptionsError(name, `must be a whole number from ${low} to ${high}, got ${value}`);
  }
  return value;
}

function positive(name: keyof FleetOptions, value: number, high: number): number {
  if (typeof value !== 'number' || !(value > 0) || value > high) {
    throw new FleetOptionsError(name, `must be a number above 0 and at most ${high}, got ${value}`);
  }
  return value;
}

function fraction(name: keyof FleetOptions, value: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new FleetOptionsError(name, `must be a number from 0 to 1, got ${value}`);
  }
  return value;
}
