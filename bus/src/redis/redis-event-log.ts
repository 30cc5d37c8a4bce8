import type { Redis } from 'ioredis';
import type { BatchHandler, ConsumeOptions, Delivery, EventConsumer, EventLog } from '../bus.js';
import { splitEvents } from '../event-batch.js';
import { decodeTerminalEvent, EventKind, encodeTerminalEvent, type TerminalEvent } from '../schema.js';
import { BACKFILL_ENTRY_BYTES, Lane, laneOf } from './lanes.js';
import { MAX_EVENTS_PER_ENTRY, PendingEntry } from './pending-entry.js';
import { countsKey, type StreamScripts, withStreamScripts } from './stream-scripts.js';

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
  /**
   * Publish 0x0704 batches to the backfill streams (default). Off, they share the live streams as
   * before the lanes existed: a switch back, and the benchmark's "before". Consumers read both.
   */
  backfillLane?: boolean;
  onError: (error: Error) => void;
}

/**
 * Terminal events in Redis Streams, one consumer group per reader (the platform's ingest is one).
 *
 * A publisher writes what its sessions publish in one turn of the event loop as one stream entry
 * (a TerminalEventBatch): per frame, a Redis command with its arguments, promise and reply cost
 * the gateway more than the rest of its handling, and Redis and every consumer pay per entry too.
 * All of a publisher's entries go to one stream, so one connection's events stay in order.
 */
export class RedisEventLog implements EventLog {
  /** Every stream: the live ones, then the backfill ones (a delivery id's shard indexes this). */
  readonly keys: string[];
  private readonly liveKeys: string[];
  private readonly backfillKeys: string[];
  private readonly deadKey: string;
  private readonly redis: Redis & StreamScripts;
  /** This publisher's stream in each lane. */
  private readonly laneKeys: [string, string];
  private readonly pending: [PendingEntry | undefined, PendingEntry | undefined] = [undefined, undefined];
  private readonly backfillLane: boolean;
  private flushScheduled = false;

  constructor(
    redis: Redis,
    private readonly options: RedisEventLogOptions,
  ) {
    this.redis = withStreamScripts(redis);
    const shards = (lane: string) =>
      Array.from({ length: options.shards }, (_, i) => `${options.prefix}:${lane}:${i}`);
    this.liveKeys = shards('events');
    this.backfillKeys = shards('backfill');
    this.keys = [...this.liveKeys, ...this.backfillKeys];
    this.deadKey = `${options.prefix}:dead`;
    this.backfillLane = options.backfillLane ?? true;
    // Gateway workers are forked one after another: consecutive pids spread them over the streams.
    const shard = process.pid % options.shards;
    this.laneKeys = [this.liveKeys[shard]!, this.backfillKeys[shard]!];
  }

  publish(event: TerminalEvent): Promise<void> {
    const lane = this.backfillLane ? laneOf(event) : Lane.Live;
    let entry = this.pending[lane];
    if (entry === undefined) {
      entry = new PendingEntry(lane === Lane.Backfill ? BACKFILL_ENTRY_BYTES : undefined);
      this.pending[lane] = entry;
    }
    entry.add(asBuffer(encodeTerminalEvent(event)));
    if (entry.full()) this.write(lane);
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushPending);
    }
    return entry.written;
  }

  /** After the turn's I/O callbacks: whatever the sessions published in it goes as one entry a lane. */
  private readonly flushPending = (): void => {
    this.flushScheduled = false;
    this.write(Lane.Live);
    this.write(Lane.Backfill);
  };

  private write(lane: Lane): void {
    const entry = this.pending[lane];
    if (entry === undefined) return;
    this.pending[lane] = undefined;
    const key = this.laneKeys[lane];
    this.redis
      .addBatch(key, countsKey(key), this.options.maxLen, entry.join(), entry.events.length)
      .then(entry.resolve, entry.reject);
  }

  consume(options: ConsumeOptions, handler: BatchHandler): EventConsumer {
    // A connection of its own: XREADGROUP BLOCK holds it, and auto-pipelining mangles callBuffer.
    const connection = withStreamScripts(this.redis.duplicate({ enableAutoPipelining: false }));
    connection.on('error', this.options.onError);
    const lanes = { live: this.liveKeys, backfill: this.backfillKeys };
    return new RedisConsumer(connection, lanes, options, this.options.claimIdleMs, handler);
  }

  async deadLetter(delivery: Delivery, reason: string): Promise<void> {
    const { key, id, item } = parseDeliveryId(delivery.id, this.keys);
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
      item === undefined ? `${key} ${id}` : `${key} ${id} #${item}`,
    );
  }

  /** Events published in batch entries and not yet acknowledged by the group (see stream-scripts). */
  async lag(group = 'ingest'): Promise<number> {
    let total = 0;
    for (const key of this.keys) {
      const [published, acked] = await this.redis.hmget(countsKey(key), 'published', `acked:${group}`);
      total += Math.max(0, Number(published ?? 0) - Number(acked ?? 0));
    }
    return total;
  }
}

/** ioredis sends a Buffer as bytes; the writer's output already is one, so it is not copied. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A delivery id is "<shard>/<stream id>/<item>" for an event of a batch entry, "<shard>/<stream
 * id>" for an entry of one event: unique across shards and the same on redelivery.
 */
function parseDeliveryId(deliveryId: string, keys: string[]): { key: string; id: string; item?: number } {
  const [shard, id, item] = deliveryId.split('/') as [string, string, string | undefined];
  return { key: keys[Number(shard)]!, id, item: item === undefined ? undefined : Number(item) };
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

/** A consumer renews its hold on a batch in hand for at most this many claim idle times. */
const HOLD_LIMIT = 10;

/**
 * Backfill events (0x0704, about 20 fixes each) a batch takes: a bounded share when the live
 * streams filled the batch, so a backlog is never starved, and more when live left room. Counted
 * in events, not entries: a gateway's backfill entries hold a few events each while terminals
 * reconnect one by one, and a count of entries drained a flood at a tenth of ingest's capacity.
 */
const BACKFILL_EVENTS_BESIDE_FULL_LIVE = 64;
const BACKFILL_EVENTS_WITH_ROOM = 256;

/** How often a consumer trims from the streams what every group has acknowledged. */
const TRIM_INTERVAL_MS = 1000;

type StreamReply = [Buffer, [Buffer, Buffer[]][]][] | null;

/** What one fetch brought: the events for the handler, and the entries to acknowledge after it. */
interface Fetched {
  deliveries: Delivery[];
  entries: FetchedEntry[];
}

interface FetchedEntry {
  key: string;
  id: string;
  /** Events it counts for in the lag (0 for an entry written before batching). */
  counted: number;
}

/**
 * One consumer of a group over all shards. Order of work in each pass: its own pending entries
 * first (what it fetched before a crash or a failed batch), then entries idle too long at other
 * consumers, then new entries: the live streams' first, then a bounded share of the backfill
 * streams' (see lanes.ts). A batch is acknowledged only after the handler resolves.
 */
class RedisConsumer implements EventConsumer {
  private stopped = false;
  private readonly keys: string[];
  /** The last read of the backfill streams found entries: do not block on the live ones. */
  private backfillWaiting = false;
  private readonly loop: Promise<void>;
  private readonly batchSize: number;
  private readonly maxWaitMs: number;
  private ownPendingChecked = false;
  private lastClaim = 0;
  private lastOwnPendingScan = 0;
  private lastTrim = 0;
  /**
   * Per lane (see EntrySizes). (Fetching more and keeping the rest for the next batch would leave
   * those entries idle, pending for this consumer, until another consumer claims them as abandoned
   * and stores them a second time beside it.)
   */
  private readonly entrySizes = [new EntrySizes(), new EntrySizes()] as const;

  constructor(
    private readonly redis: Redis & StreamScripts,
    private readonly lanes: { live: string[]; backfill: string[] },
    private readonly options: ConsumeOptions,
    private readonly claimIdleMs: number,
    private readonly handler: BatchHandler,
  ) {
    this.keys = [...lanes.live, ...lanes.backfill];
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
        if (batch.entries.length === 0) continue;
        // A batch the database is slow with must not look abandoned to the other consumers, or
        // one of them claims it and stores it a second time beside this one. A handler still
        // busy after HOLD_LIMIT idle times is taken to be stuck, and its batch is let go.
        const heldUntil = Date.now() + HOLD_LIMIT * this.claimIdleMs;
        const holding = setInterval(() => {
          if (Date.now() < heldUntil) void this.keepHolding(batch.entries);
        }, this.claimIdleMs / 3);
        try {
          await this.handler(batch.deliveries);
        } finally {
          clearInterval(holding);
        }
        await this.ack(batch.entries);
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
    for (const key of this.keys) await this.redis.createGroupCounted(key, countsKey(key), this.options.group);
  }

  /** Entries to ask each stream for: about `events` events in all, whole entries. */
  private fetchCount(events = this.batchSize): number {
    return this.entrySizes[Lane.Live].count(events);
  }

  private async nextBatch(): Promise<Fetched> {
    if (Date.now() - this.lastOwnPendingScan > OWN_PENDING_RESCAN_MS) this.ownPendingChecked = false;
    if (!this.ownPendingChecked) {
      this.lastOwnPendingScan = Date.now();
      const batch = await this.readGroup(this.keys, '0', this.fetchCount());
      if (batch.entries.length > 0) return batch;
      this.ownPendingChecked = true;
    }
    if (Date.now() - this.lastClaim > this.claimIdleMs) {
      this.lastClaim = Date.now();
      const claimed = await this.claimIdle();
      if (claimed.entries.length > 0) return claimed;
    }
    const live = await this.fetchLive();
    const liveFull = live.deliveries.length + this.entrySizes[Lane.Live].eventsPerEntry > this.batchSize;
    const backfill = await this.readGroup(
      this.lanes.backfill,
      '>',
      this.entrySizes[Lane.Backfill].count(
        liveFull ? BACKFILL_EVENTS_BESIDE_FULL_LIVE : BACKFILL_EVENTS_WITH_ROOM,
      ),
    );
    this.backfillWaiting = backfill.entries.length > 0;
    if (backfill.entries.length === 0) return live;
    return join(live, backfill);
  }

  /**
   * New live entries for about batchSize events. It blocks up to maxWaitMs for the first one only
   * when no backfill is waiting (a backlog of it is worked on instead of waiting for live events).
   */
  private async fetchLive(): Promise<Fetched> {
    const fresh = await this.readGroup(
      this.lanes.live,
      '>',
      this.fetchCount(),
      this.backfillWaiting ? undefined : this.maxWaitMs,
    );
    const fetchedAt = Date.now();
    const room = this.batchSize - fresh.deliveries.length;
    if (fresh.entries.length === 0 || room < this.entrySizes[Lane.Live].eventsPerEntry) return fresh;
    // A batch with room for more entries waits out maxWaitMs and takes what arrived meanwhile. At
    // a steady rate a fetch finds only what arrived during the previous batch's transaction, a few
    // hundred events, and each transaction costs its statements and a commit whatever its size.
    await sleep(fetchedAt + this.maxWaitMs - Date.now());
    return join(fresh, await this.readGroup(this.lanes.live, '>', this.fetchCount(room)));
  }

  /**
   * Entries of `keys`, up to `count` from each: from `>` new ones, waiting up to blockMs for the
   * first when none are there; from `0` those delivered to this consumer and not yet acknowledged.
   */
  private async readGroup(
    keys: string[],
    from: '>' | '0',
    count: number,
    blockMs?: number,
  ): Promise<Fetched> {
    const { group, consumer } = this.options;
    const block = blockMs === undefined ? [] : ['BLOCK', blockMs];
    const reply = (await this.call(
      'XREADGROUP',
      'GROUP',
      group,
      consumer,
      'COUNT',
      count,
      ...block,
      'STREAMS',
      ...keys,
      ...keys.map(() => from),
    )) as StreamReply;
    return this.toFetched(reply);
  }

  /** Takes over entries another consumer fetched but has not acknowledged for claimIdleMs. */
  private async claimIdle(): Promise<Fetched> {
    const replies: NonNullable<StreamReply> = [];
    for (const key of this.keys) {
      const reply = (await this.call(
        'XAUTOCLAIM',
        key,
        this.options.group,
        this.options.consumer,
        this.claimIdleMs,
        '0-0',
        'COUNT',
        this.fetchCount(),
      )) as [Buffer, [Buffer, Buffer[]][]];
      const entries = reply[1].filter((entry) => entry !== null && entry[1] !== null);
      if (entries.length > 0) replies.push([Buffer.from(key), entries]);
    }
    return this.toFetched(replies);
  }

  private toFetched(reply: StreamReply): Fetched {
    const fetched: Fetched = { deliveries: [], entries: [] };
    // Per lane: entries, events and streams with any, for the next fetch's counts.
    const seen = [
      { entries: 0, events: 0, streams: 0 },
      { entries: 0, events: 0, streams: 0 },
    ];
    for (const [keyBuffer, entries] of reply ?? []) {
      const key = keyBuffer.toString();
      const shard = this.keys.indexOf(key);
      const lane = seen[shard < this.lanes.live.length ? Lane.Live : Lane.Backfill]!;
      const before = fetched.deliveries.length;
      for (const [idBuffer, fields] of entries) {
        if (!fields) continue; // an entry trimmed away while pending
        const id = idBuffer.toString();
        const batch = fieldValue(fields, 'b');
        fetched.entries.push({ key, id, counted: batch ? Number(fieldValue(fields, 'n') ?? 0) : 0 });
        lane.entries++;
        const events = batch && splitOrUndefined(batch);
        if (!events) {
          // One event as gateways wrote them before batching (field e), or a batch that does not
          // split, handed on whole as one unreadable event to be dead-lettered.
          const raw = batch ?? fieldValue(fields, 'e') ?? Buffer.alloc(0);
          const event = decodeOrPlaceholder(batch ? undefined : raw);
          fetched.deliveries.push({ id: `${shard}/${id}`, raw, event });
          continue;
        }
        for (let item = 0; item < events.length; item++) {
          const raw = events[item]!;
          fetched.deliveries.push({ id: `${shard}/${id}/${item}`, raw, event: decodeOrPlaceholder(raw) });
        }
      }
      if (fetched.deliveries.length > before) {
        lane.events += fetched.deliveries.length - before;
        lane.streams++;
      }
    }
    for (const lane of [Lane.Live, Lane.Backfill]) {
      const { entries, events, streams } = seen[lane]!;
      this.entrySizes[lane].learn(entries, events, streams);
    }
    return fetched;
  }

  /** A pipeline that takes the stream scripts (ioredis adds them to pipelines too, untyped). */
  private scriptPipeline(): StreamScripts & { exec(): Promise<unknown> } {
    return this.redis.pipeline() as unknown as StreamScripts & { exec(): Promise<unknown> };
  }

  /** Renews this consumer's hold on the entries of the batch in hand (see stream-scripts). */
  private async keepHolding(entries: FetchedEntry[]): Promise<void> {
    const pipeline = this.scriptPipeline();
    for (const [key, ids] of groupByKey(entries, (entry) => [entry.id]))
      pipeline.keepHolding(key, this.options.group, this.options.consumer, ...ids);
    await pipeline.exec().catch(() => {}); // a miss only risks a second store, which is idempotent
  }

  private async ack(entries: FetchedEntry[]): Promise<void> {
    const pipeline = this.scriptPipeline();
    for (const [key, idsAndEvents] of groupByKey(entries, (entry) => [entry.id, entry.counted]))
      pipeline.ackCounted(key, countsKey(key), this.options.group, ...idsAndEvents);
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

/**
 * Events per entry, and streams that had any, in a lane's last fetch: a fetch asks each stream for
 * its share of the events wanted. The first assumes full entries, so a restart in front of a
 * backlog does not fetch all of it.
 */
class EntrySizes {
  eventsPerEntry: number = MAX_EVENTS_PER_ENTRY;
  private streams = 1;

  learn(entries: number, events: number, streams: number): void {
    if (entries === 0) return;
    this.eventsPerEntry = Math.max(1, events / entries);
    this.streams = Math.max(1, streams);
  }

  /** Entries to ask each stream for: about `events` events in all, whole entries. */
  count(events: number): number {
    return Math.max(1, Math.floor(events / this.eventsPerEntry / this.streams));
  }
}

/** Two fetches as one batch, the first's events first. */
function join(a: Fetched, b: Fetched): Fetched {
  return { deliveries: a.deliveries.concat(b.deliveries), entries: a.entries.concat(b.entries) };
}

/** The entries' arguments, stream by stream. */
function groupByKey<T>(entries: FetchedEntry[], args: (entry: FetchedEntry) => T[]): Map<string, T[]> {
  const byKey = new Map<string, T[]>();
  for (const entry of entries) {
    const list = byKey.get(entry.key) ?? [];
    list.push(...args(entry));
    byKey.set(entry.key, list);
  }
  return byKey;
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

function splitOrUndefined(batch: Buffer): Buffer[] | undefined {
  try {
    return splitEvents(batch);
  } catch {
    return undefined;
  }
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
