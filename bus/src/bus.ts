import type { Command, CommandResult, TerminalEvent } from './schema.js';

/**
 * The bus between gateways and the platform, as three small interfaces. Two implementations:
 * `RedisBus` (Redis Streams + pub/sub, for several gateway processes and hosts) and `MemoryBus`
 * (in-process, for the one-command embedded start and tests).
 */
export interface Bus {
  readonly events: EventLog;
  readonly sessions: SessionDirectory;
  readonly commands: CommandChannel;
  /** What the bus can promise about acknowledged events surviving a crash. */
  durability(): Promise<Durability>;
  /**
   * Calls `listener` each time the bus becomes unreachable (false) or reachable again (true). While
   * it is unreachable, publish() neither resolves nor fails: what is published waits for it.
   */
  onAvailability(listener: (available: boolean) => void): void;
  close(): Promise<void>;
}

/** Terminal events: gateways append, the platform consumes in batches. */
export interface EventLog {
  /**
   * Appends an event. Resolves once the event will survive a gateway crash: on Redis when it is
   * in the stream, in-process once the consumer has committed the batch holding it. A gateway
   * acknowledges the terminal only after this resolves.
   */
  publish(event: TerminalEvent): Promise<void>;
  /** Starts a consumer; each batch is acknowledged only when `handler` resolves. */
  consume(options: ConsumeOptions, handler: BatchHandler): EventConsumer;
  /**
   * Sets a delivery that cannot be processed aside, with the reason. It is acknowledged with the
   * batch it came in, when the handler resolves (both buses; the contract suite checks it).
   */
  deadLetter(delivery: Delivery, reason: string): Promise<void>;
  /** Events appended but not yet acknowledged by the consumer group (the ingest lag). */
  lag(group?: string): Promise<number>;
}

export interface Delivery {
  /** Bus position of the event (a stream id on Redis); unique and stable across redeliveries. */
  id: string;
  event: TerminalEvent;
  /** The raw encoded event, for dead-lettering exactly what arrived. */
  raw: Uint8Array;
}

export type BatchHandler = (batch: Delivery[]) => Promise<void>;

export interface ConsumeOptions {
  /** Consumer group (the platform's ingest uses one group; other readers use their own). */
  group: string;
  /** This consumer's name within the group; a restarted worker reuses its name to reclaim its pending events. */
  consumer: string;
  /**
   * Largest batch handed to the handler. The in-process bus keeps to it; the Redis bus hands over
   * whole stream entries (what one turn published, up to 512 events), so it aims at about this
   * many events and a single entry may be larger.
   */
  batchSize?: number;
  /**
   * Longest a partial batch waits for more events (the Redis bus; the in-process bus hands over
   * what it has at once).
   */
  maxWaitMs?: number;
}

export interface EventConsumer {
  /** Stops fetching, waits for the batch in hand to finish. */
  stop(): Promise<void>;
}

/**
 * Which gateway holds each terminal's session, so downlink commands can find it, and which
 * gateways are alive, so a gateway can tell a terminal's live session elsewhere from the entry a
 * killed gateway left behind (entries are released on close, which a `kill -9` never reaches).
 */
export interface SessionDirectory {
  claim(phone: string, gatewayId: string): Promise<void>;
  /** Forgets the entry only if `gatewayId` still holds it (a newer connection may have taken over). */
  release(phone: string, gatewayId: string): Promise<void>;
  locate(phone: string): Promise<string | undefined>;
  /** Marks `gatewayId` alive for `ttlMs`; a gateway repeats it well within that time while it runs. */
  heartbeat(gatewayId: string, ttlMs: number): Promise<void>;
  /** The gateway holding `phone`'s session if that gateway is alive, else undefined. */
  liveHolder(phone: string): Promise<string | undefined>;
}

/** Downlink commands to gateways and their results back to whoever asked. */
export interface CommandChannel {
  /** Gateway side: receive the commands addressed to this gateway. */
  listen(gatewayId: string, handler: (command: Command) => void): Promise<Unsubscribe>;
  /** Platform side: send a command to the gateway that holds the terminal. */
  send(gatewayId: string, command: Command): Promise<void>;
  /** Platform side: receive results addressed to `replyTo`. */
  listenResults(replyTo: string, handler: (result: CommandResult) => void): Promise<Unsubscribe>;
  /** Gateway side: report what became of a command. */
  sendResult(replyTo: string, result: CommandResult): Promise<void>;
}

export type Unsubscribe = () => Promise<void>;

export interface Durability {
  /** True when an acknowledged event survives a crash of the bus itself. */
  durable: boolean;
  /** One line for the start-up log. */
  summary: string;
}
