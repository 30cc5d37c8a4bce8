import type { Redis } from 'ioredis';
import type { BatchHandler, ConsumeOptions, Delivery, EventConsumer, EventLog } from '../bus.js';
import { decodeTerminalEvent, EventKind, encodeTerminalEvent, type TerminalEvent } from '../schema.js';
import { shardOf } from './shard.js';

export interface RedisEventLogOptions {
  prefix: string;
  /** Streams the events are spread over (by terminal), so several consumers can share the work. */
  shards: number;
  /**
   * Approximate cap on each stream's length. Consumers trim what every group acknowledged, so it
   * bites only when a group stops consuming: it keeps a dead platform from exhausting Redis memory.
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
      asBuffer(encodeTerminalEvent(event)),
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

/** ioredis sends a Buffer as bytes; the writer's output already is one, so it is not copied. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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

/** How often a consumer trims from the streams what every group has acknowledged. */
const TRIM_INTERVAL_MS = 1000;

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
  private lastTrim = 0;

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
        if (Date.now() - this.lastTrim > TRIM_INTERVAL_MS) {
          this.lastTrim = Date.now();
          await this.trimConsumed().catch(() => {}); // only housekeeping: the next round tries again
        }
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

  /**
   * Removes from each stream the entries every consumer group has fetched and acknowledged: those
   * older than the oldest pending entry or, where nothing is pending, than the last one delivered.
   * The streams then hold only the backlog, which is what an AOF rewrite of the bus Redis has to
   * write (with everything kept up to maxLen, rewrites stalled acknowledgements for seconds; see
   * bench/RESULTS.md, "Gateway"). A group created later starts from what is left.
   */
  private async trimConsumed(): Promise<void> {
    for (const key of this.keys) {
      const groups = (await this.bounded(this.redis.call('XINFO', 'GROUPS', key))) as unknown[][];
      let oldestNeeded: string | undefined;
      for (const info of groups) {
        const fields = toRecord(info);
        let needed = String(fields['last-delivered-id']);
        if (Number(fields.pending) > 0) {
          const summary = (await this.bounded(
            this.redis.call('XPENDING', key, String(fields.name)),
          )) as unknown[];
          if (summary[1]) needed = String(summary[1]);
        }
        if (oldestNeeded === undefined || compareIds(needed, oldestNeeded) < 0) oldestNeeded = needed;
      }
      if (oldestNeeded !== undefined && oldestNeeded !== '0-0')
        await this.bounded(this.redis.call('XTRIM', key, 'MINID', oldestNeeded));
    }
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

/** Orders two stream ids (`<ms>-<seq>`). */
function compareIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bMs, bSeq] = b.split('-').map(BigInt) as [bigint, bigint];
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  return aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1;
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
