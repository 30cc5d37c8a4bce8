import type { Redis } from 'ioredis';
import type { BatchHandler, ConsumeOptions, Delivery, EventConsumer, EventLog } from '../bus.js';
import { decodeTerminalEvent, EventKind, encodeTerminalEvent, type TerminalEvent } from '../schema.js';
import { shardOf } from './shard.js';

export interface RedisEventLogOptions {
  prefix: string;
  /** Streams the events are spread over (by terminal), so several consumers can share the work. */
  shards: number;
  /**
   * Approximate cap on each stream's length, consumed or not: it keeps a dead platform from
   * exhausting Redis memory, and it is also what an AOF rewrite has to write (bench/RESULTS.md,
   * "Gateway").
   */
  maxLen: number;
  /** Pending events idle this long are taken over from a consumer presumed dead. */
  claimIdleMs: number;
  onError: (error: Error) => void;
}

/** Terminal events in Redis Streams, one consumer group per reader (the platform's ingest is one). */
export class RedisEventLog implements EventLog {
  readonly keys: string[];
  private readonly deadKey: string;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisEventLogOptions,
  ) {
    this.keys = Array.from({ length: options.shards }, (_, i) => `${options.prefix}:events:${i}`);
    this.deadKey = `${options.prefix}:dead`;
  }

  async publish(event: TerminalEvent): Promise<void> {
    const key = this.keys[shardOf(event.phone, this.keys.length)]!;
    await this.redis.xadd(
      key,
      'MAXLEN',
      '~',
      this.options.maxLen,
      '*',
      'e',
      Buffer.from(encodeTerminalEvent(event)),
    );
  }

  consume(options: ConsumeOptions, handler: BatchHandler): EventConsumer {
    // A connection of its own: XREADGROUP BLOCK holds it, and auto-pipelining mangles callBuffer.
    const connection = this.redis.duplicate({ enableAutoPipelining: false });
    connection.on('error', this.options.onError);
    return new RedisConsumer(connection, this.keys, options, this.options.claimIdleMs, handler);
  }

  async deadLetter(delivery: Delivery, reason: string): Promise<void> {
    const { key, id } = parseDeliveryId(delivery.id, this.keys);
    await this.redis.xadd(
      this.deadKey,
      'MAXLEN',
      '~',
      100_000,
      '*',
      'e',
      Buffer.from(delivery.raw),
      'reason',
      reason,
      'from',
      `${key} ${id}`,
    );
  }

  async lag(group = 'ingest'): Promise<number> {
    let total = 0;
    for (const key of this.keys) {
      const groups = (await this.redis.xinfo('GROUPS', key).catch(() => [])) as unknown[][];
      for (const info of groups) {
        const fields = toRecord(info);
        if (fields.name === group) total += Number(fields.lag ?? 0) + Number(fields.pending ?? 0);
      }
    }
    return total;
  }
}

/** A delivery id is "<shard>/<stream id>": unique across shards and the same on redelivery. */
function parseDeliveryId(deliveryId: string, keys: string[]): { key: string; id: string } {
  const slash = deliveryId.indexOf('/');
  return { key: keys[Number(deliveryId.slice(0, slash))]!, id: deliveryId.slice(slash + 1) };
}

function toRecord(flat: unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[String(flat[i])] = flat[i + 1];
  return record;
}

/** How much longer than its BLOCK time a consumer command may take before the connection is re-made. */
const COMMAND_DEADLINE_MS = 5000;

/** Own pending entries are looked at again this often, whatever happened, as a backstop. */
const OWN_PENDING_RESCAN_MS = 10_000;

type StreamReply = [Buffer, [Buffer, Buffer[]][]][] | null;

/**
 * One consumer of a group over all shards. Order of work in each pass: its own pending entries
 * first (what it fetched before a crash or a failed batch), then entries idle too long at other
 * consumers, then new entries. A batch is acknowledged only after the handler resolves.
 */
class RedisConsumer implements EventConsumer {
  private stopped = false;
  private readonly loop: Promise<void>;
  private readonly batchSize: number;
  private readonly maxWaitMs: number;
  private ownPendingChecked = false;
  private lastClaim = 0;
  private lastOwnPendingScan = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keys: string[],
    private readonly options: ConsumeOptions,
    private readonly claimIdleMs: number,
    private readonly handler: BatchHandler,
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.maxWaitMs = options.maxWaitMs ?? 200;
    // After a reconnect, a fetch whose reply was lost may have left entries pending for this
    // consumer (ioredis resends the command, and '>' then returns only newer entries): look at
    // our own pending list again.
    redis.on('ready', () => {
      this.ownPendingChecked = false;
    });
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    await this.createGroups();
    while (!this.stopped) {
      try {
        const batch = await this.nextBatch();
        if (batch.length === 0) continue;
        await this.handler(batch);
        await this.ack(batch);
      } catch {
        // Handler or Redis failed: the batch stays pending and is fetched again from the start.
        this.ownPendingChecked = false;
        if (!this.stopped) await sleep(500);
      }
    }
    this.redis.disconnect();
  }

  private async createGroups(): Promise<void> {
    for (const key of this.keys) {
      try {
        await this.redis.xgroup('CREATE', key, this.options.group, '0', 'MKSTREAM');
      } catch (error) {
        if (!String(error).includes('BUSYGROUP')) throw error;
      }
    }
  }

  private async nextBatch(): Promise<Delivery[]> {
    const { group, consumer } = this.options;
    if (Date.now() - this.lastOwnPendingScan > OWN_PENDING_RESCAN_MS) this.ownPendingChecked = false;
    if (!this.ownPendingChecked) {
      this.lastOwnPendingScan = Date.now();
      const reply = (await this.call(
        'XREADGROUP',
        'GROUP',
        group,
        consumer,
        'COUNT',
        this.batchSize,
        'STREAMS',
        ...this.keys,
        ...this.keys.map(() => '0'),
      )) as StreamReply;
      const batch = this.toDeliveries(reply);
      if (batch.length > 0) return batch;
      this.ownPendingChecked = true;
    }
    if (Date.now() - this.lastClaim > this.claimIdleMs) {
      this.lastClaim = Date.now();
      const claimed = await this.claimIdle();
      if (claimed.length > 0) return claimed;
    }
    const reply = (await this.call(
      'XREADGROUP',
      'GROUP',
      group,
      consumer,
      'COUNT',
      this.batchSize,
      'BLOCK',
      this.maxWaitMs,
      'STREAMS',
      ...this.keys,
      ...this.keys.map(() => '>'),
    )) as StreamReply;
    return this.toDeliveries(reply);
  }

  /** Takes over entries another consumer fetched but has not acknowledged for claimIdleMs. */
  private async claimIdle(): Promise<Delivery[]> {
    const batch: Delivery[] = [];
    for (const key of this.keys) {
      const reply = (await this.call(
        'XAUTOCLAIM',
        key,
        this.options.group,
        this.options.consumer,
        this.claimIdleMs,
        '0-0',
        'COUNT',
        this.batchSize,
      )) as [Buffer, [Buffer, Buffer[]][]];
      const entries = reply[1].filter((entry) => entry !== null && entry[1] !== null);
      if (entries.length > 0) batch.push(...this.toDeliveries([[Buffer.from(key), entries]]));
    }
    return batch;
  }

  private toDeliveries(reply: StreamReply): Delivery[] {
    const batch: Delivery[] = [];
    for (const [keyBuffer, entries] of reply ?? []) {
      const shard = this.keys.indexOf(keyBuffer.toString());
      for (const [idBuffer, fields] of entries) {
        if (!fields) continue; // an entry trimmed away while pending
        const raw = fieldValue(fields, 'e');
        const id = `${shard}/${idBuffer.toString()}`;
        batch.push({ id, raw: raw ?? Buffer.alloc(0), event: decodeOrPlaceholder(raw) });
      }
    }
    return batch;
  }

  private async ack(batch: Delivery[]): Promise<void> {
    const byKey = new Map<string, string[]>();
    for (const delivery of batch) {
      const { key, id } = parseDeliveryId(delivery.id, this.keys);
      const ids = byKey.get(key) ?? [];
      ids.push(id);
      byKey.set(key, ids);
    }
    const pipeline = this.redis.pipeline();
    for (const [key, ids] of byKey) pipeline.xack(key, this.options.group, ...ids);
    await this.bounded(pipeline.exec());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private call(...args: (string | number | Buffer)[]): Promise<unknown> {
    const [command, ...rest] = args as [string, ...(string | number | Buffer)[]];
    return this.bounded(this.redis.callBuffer(command, ...rest));
  }

  /**
   * A reply that never comes (a command caught in a reconnect) must not stall the consumer forever:
   * past the deadline the connection is dropped and re-made, and the pass starts over.
   */
  private bounded<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.redis.disconnect(true);
        reject(new Error('Redis did not answer in time'));
      }, this.maxWaitMs + COMMAND_DEADLINE_MS);
    });
    return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
  }
}

function fieldValue(fields: Buffer[], name: string): Buffer | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i]!.toString() === name) return fields[i + 1];
  return undefined;
}

/**
 * An entry that does not parse still reaches the handler (as kind Unreadable), so the platform can
 * dead-letter it with the raw bytes instead of the whole group stalling on it.
 */
function decodeOrPlaceholder(raw: Buffer | undefined): TerminalEvent {
  try {
    if (raw) return decodeTerminalEvent(raw);
  } catch {
    // fall through
  }
  return { kind: EventKind.Unreadable, phone: '', gatewayId: '', sessionId: '', atMs: 0 };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
