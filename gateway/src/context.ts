import type { Bus } from '@jt808/bus';
import type { BodyOf, Jt808Message, MessageName } from '@jt808/protocol';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import type { CommandTracker } from './downlink/command-tracker.js';
import type { Roster } from './roster/roster.js';
import type { BusState } from './runtime/bus-state.js';
import type { Metrics } from './runtime/metrics.js';
import type { AddressLimits } from './session/address-limits.js';
import type { IntakeLimit } from './session/intake-limit.js';
import type { ReassemblyBudget } from './session/reassembly-budget.js';
import type { Session } from './session/session.js';

/** A decoded message together with its body exactly as received (what goes on the bus). */
export interface Inbound {
  message: Jt808Message;
  body: Uint8Array;
}

/** A message the gateway sends: the session adds the header (phone, serial, edition). */
export type Reply = { [N in MessageName]: { name: N; body: BodyOf<N> } }[MessageName];

/** What sessions and handlers share within one gateway process. */
export interface GatewayContext {
  readonly gatewayId: string;
  readonly config: GatewayConfig;
  readonly bus: Bus;
  readonly roster: Roster;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly commands: CommandTracker;
  /** Whether the bus is reachable: while it is not, messages are answered by handlers/bus-down.ts. */
  readonly busState: BusState;
  /** The bound on messages this worker has read and not yet answered. */
  readonly intake: IntakeLimit;
  /** The memory all sessions' partial sub-packaged messages may hold together in this worker. */
  readonly reassembly: ReassemblyBudget;
  /** Connections and registrations per source address. */
  readonly addressLimits: AddressLimits;
  /** Authenticated sessions of this process by phone. */
  readonly live: Map<string, Session>;
  /** Logs at most a few lines a minute per key, so a flood of garbage cannot flood the log. */
  logSampled(key: string, fields: object, message: string): void;
  handle(session: Session, inbound: Inbound): Promise<void>;
  onAuthenticated(session: Session): void;
  onDeauthenticated(session: Session): void;
  onClosing(session: Session, reason: string): void;
}
