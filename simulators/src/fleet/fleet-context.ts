import type { FaultPlan } from '../scenario/fault-plan.js';
import type { FleetStats } from '../stats/fleet-stats.js';
import type { SimClock } from './clock.js';
import type { CredentialStore } from './credentials.js';
import type { SimTerminal } from './sim-terminal.js';

/** Fleet settings with every default filled in. */
export interface FleetSettings {
  host: string;
  port: number;
  /** Index of the fleet's first terminal, and how many terminals the fleet has in all processes. */
  first: number;
  count: number;
  phoneBase: string;
  share2019: number;
  seed: number;
  speed: number;
  /** New connections per real second. */
  ramp: number;
  /** Reconnections per real second (their own ramp). */
  reconnectRamp: number;
  /** Local addresses to connect from, round-robin by terminal index; empty: the system's choice. */
  sourceAddresses: string[];
  /** Simulated seconds between locations with ACC on, with ACC off, and of silence before a heartbeat. */
  drivingIntervalS: number;
  parkedIntervalS: number;
  heartbeatS: number;
  /** Real ms to wait for the platform's answer before counting it lost. */
  ackTimeoutMs: number;
}

/** One answered frame, for callers that check the platform against what the simulator saw. */
export interface AckInfo {
  index: number;
  /** As the gateway reads it from the header. */
  phone: string;
  messageId: number;
  serial: number;
  result: number;
  latencyMs: number;
  /** The GNSS second (epoch seconds) of an acknowledged location report; 0 for other frames. */
  fixSecond: number;
  /** The GNSS seconds of an acknowledged 0x0704 batch's items, oldest first. */
  fixSeconds?: number[];
}

/** What the terminals of a fleet share: settings, clock, statistics, and the fleet's services. */
export interface FleetContext {
  readonly settings: FleetSettings;
  readonly clock: SimClock;
  readonly stats: FleetStats;
  readonly credentials: CredentialStore;
  readonly plan: FaultPlan;
  /** The range source ports are taken from when terminals bind their source addresses. */
  readonly sourcePorts: readonly [number, number];
  readonly stopping: boolean;
  /** Wakes `terminal` at simulated time `atMs`, replacing its earlier wake-up. */
  schedule(terminal: SimTerminal, atMs: number): void;
  cancel(terminal: SimTerminal): void;
  /** Connects `terminal` when the ramp allows. */
  queueConnect(terminal: SimTerminal): void;
  onAck: ((ack: AckInfo) => void) | undefined;
}
