import type {
  BatchHandler,
  Bus,
  CommandChannel,
  ConsumeOptions,
  Delivery,
  Durability,
  EventConsumer,
  EventLog,
  SessionDirectory,
  Unsubscribe,
} from '../bus.js';
import { type Command, type CommandResult, encodeTerminalEvent, type TerminalEvent } from '../schema.js';

export interface MemoryBusOptions {
  /** Events waiting for the consumer before publish() starts failing (the gateway then stops acknowledging). */
  maxQueued?: number;
  /** Pause before a failed batch is handed to the consumer again. */
  retryDelayMs?: number;
}

interface Pending {
  delivery: Delivery;
  /** Consumer groups that have yet to commit the event. */
  remaining: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * In-process bus for the embedded start: one process runs gateway and platform together. There is
 * no log to be durable in, so publish() resolves only after the consumer's handler has committed the
 * batch holding the event — the terminal's acknowledgement then waits for the database commit.
 * Each consumer group (one consumer each) gets every event published while it runs, and publish()
 * resolves when every group has committed it; events published before any group starts wait for
 * the first one.
 */
export class MemoryBus implements Bus {
  readonly events: MemoryEventLog;
  readonly sessions: SessionDirectory = new MemorySessionDirectory();
  readonly commands: CommandChannel = new MemoryCommandChannel();

  constructor(options: MemoryBusOptions = {}) {
    this.events = new MemoryEventLog(options.maxQueued ?? 100_000, options.retryDelayMs ?? 500);
  }

  async durability(): Promise<Durability> {
    return {
      durable: true,
      summary: 'in-process bus: terminals are acknowledged only after the database commit',
    };
  }

  /** In-process: never unreachable. */
  onAvailability(_listener: (available: boolean) => void): void {}

  async close(): Promise<void> {
    await this.events.stopAll();
  }
}

export class BusFullError extends Error {
  constructor(queued: number) {
    super(`in-process bus holds ${queued} unconsumed events; refusing more until the consumer catches up`);
  }
}

class MemoryEventLog implements EventLog {
  private readonly groups = new Map<string, MemoryConsumer>();
  private backlog: Pending[] = [];
  private nextId = 1;
  readonly deadLetters: { delivery: Delivery; reason: string }[] = [];

  constructor(
    private readonly maxQueued: number,
    private readonly retryDelayMs: number,
  ) {}

  publish(event: TerminalEvent): Promise<void> {
    const queued = Math.max(this.backlog.length, ...[...this.groups.values()].map((g) => g.queued));
    if (queued >= this.maxQueued) return Promise.reject(new BusFullError(queued));
    return new Promise((resolve, reject) => {
      const delivery = { id: String(this.nextId++), event, raw: encodeTerminalEvent(event) };
      const pending = { delivery, remaining: Math.max(1, this.groups.size), resolve, reject };
      if (this.groups.size === 0) this.backlog.push(pending);
      for (const group of this.groups.values()) group.enqueue(pending);
    });
  }

  consume(options: ConsumeOptions, handler: BatchHandler): EventConsumer {
    if (this.groups.has(options.group))
      throw new Error(`the in-process bus runs one consumer per group (${options.group})`);
    const consumer = new MemoryConsumer(handler, options, this.retryDelayMs, () => {
      this.groups.delete(options.group);
    });
    this.groups.set(options.group, consumer);
    for (const pending of this.backlog) consumer.enqueue(pending);
    this.backlog = [];
    return consumer;
  }

  async deadLetter(delivery: Delivery, reason: string): Promise<void> {
    this.deadLetters.push({ delivery, reason });
    if (this.deadLetters.length > 10_000) this.deadLetters.shift();
  }

  async lag(group?: string): Promise<number> {
    if (group !== undefined) return this.groups.get(group)?.queued ?? this.backlog.length;
    return Math.max(this.backlog.length, ...[...this.groups.values()].map((g) => g.queued));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.groups.values()].map((g) => g.stop()));
  }
}

class MemoryConsumer implements EventConsumer {
  private readonly queue: Pending[] = [];
  private running = false;
  private stopped = false;
  private current: Promise<void> = Promise.resolve();
  private readonly batchSize: number;

  constructor(
    private readonly handler: BatchHandler,
    options: ConsumeOptions,
    private readonly retryDelayMs: number,
    private readonly onStop: () => void,
  ) {
    this.batchSize = options.batchSize ?? 1000;
  }

  get queued(): number {
    return this.queue.length;
  }

  enqueue(pending: Pending): void {
    this.queue.push(pending);
    this.wake();
  }

  private wake(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    // Let the publishers of this tick join the batch before it is handed over.
    this.current = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drain());
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.queue.length > 0) {
      const batch = this.queue.slice(0, this.batchSize);
      try {
        await this.handler(batch.map((p) => p.delivery));
      } catch {
        // The handler failed (database down, ...): keep the events and offer them again.
        await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
        continue;
      }
      this.queue.splice(0, batch.length);
      for (const pending of batch) committed(pending);
    }
    this.running = false;
  }

  /**
   * Stops after the batch in hand. Events this group never committed fail their publishers, so the
   * gateway answers failure and the terminal sends them again: nothing is acknowledged unstored.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.current;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('the in-process bus is stopping'));
    this.onStop();
  }
}

function committed(pending: Pending): void {
  if (--pending.remaining === 0) pending.resolve();
}

class MemorySessionDirectory implements SessionDirectory {
  private readonly holders = new Map<string, string>();

  async claim(phone: string, gatewayId: string): Promise<void> {
    this.holders.set(phone, gatewayId);
  }

  async release(phone: string, gatewayId: string): Promise<void> {
    if (this.holders.get(phone) === gatewayId) this.holders.delete(phone);
  }

  async locate(phone: string): Promise<string | undefined> {
    return this.holders.get(phone);
  }

  /** In one process every holder is alive while the process is. */
  async heartbeat(): Promise<void> {}

  async liveHolder(phone: string): Promise<string | undefined> {
    return this.holders.get(phone);
  }
}

class MemoryCommandChannel implements CommandChannel {
  private readonly gateways = new Map<string, (command: Command) => void>();
  private readonly requesters = new Map<string, (result: CommandResult) => void>();

  async listen(gatewayId: string, handler: (command: Command) => void): Promise<Unsubscribe> {
    return subscribe(this.gateways, gatewayId, handler);
  }

  async send(gatewayId: string, command: Command): Promise<void> {
    const handler = this.gateways.get(gatewayId);
    if (handler) queueMicrotask(() => handler(command));
  }

  async listenResults(replyTo: string, handler: (result: CommandResult) => void): Promise<Unsubscribe> {
    return subscribe(this.requesters, replyTo, handler);
  }

  async sendResult(replyTo: string, result: CommandResult): Promise<void> {
    const handler = this.requesters.get(replyTo);
    if (handler) queueMicrotask(() => handler(result));
  }
}

function subscribe<T>(table: Map<string, T>, key: string, handler: T): Unsubscribe {
  table.set(key, handler);
  return async () => {
    if (table.get(key) === handler) table.delete(key);
  };
}
