import { Redis } from 'ioredis';
import type { Bus, CommandChannel, Durability, SessionDirectory, Unsubscribe } from '../bus.js';
import {
  type Command,
  type CommandResult,
  decodeCommand,
  decodeCommandResult,
  encodeCommand,
  encodeCommandResult,
} from '../schema.js';
import { readDurability } from './durability.js';
import { RedisEventLog } from './redis-event-log.js';

export interface RedisBusOptions {
  /** redis://host:port/db */
  url: string;
  /** Key prefix, so several platforms (or test runs) can share one Redis. */
  prefix?: string;
  shards?: number;
  maxLen?: number;
  claimIdleMs?: number;
  /** 0x0704 batches to the backfill streams (default true; see lanes.ts). */
  backfillLane?: boolean;
  /** Connection errors (Redis down, reconnecting); the bus keeps retrying on its own. */
  onError?: (error: Error) => void;
}

/**
 * The production bus: terminal events in sharded Redis Streams, the session directory in a hash,
 * downlink commands and their results over pub/sub (a command is only useful while its terminal
 * is connected, so at-most-once delivery with a timeout at the sender is the right contract).
 */
export class RedisBus implements Bus {
  readonly events: RedisEventLog;
  readonly sessions: SessionDirectory;
  readonly commands: CommandChannel;
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private closing = false;

  constructor(options: RedisBusOptions) {
    const prefix = options.prefix ?? 'jt808';
    // Auto-pipelining sends the XADDs of all sessions in one event-loop tick as one round trip.
    this.redis = new Redis(options.url, {
      enableAutoPipelining: true,
      maxRetriesPerRequest: null,
      lazyConnect: false,
    });
    this.subscriber = this.redis.duplicate();
    const onError = options.onError ?? (() => {});
    this.redis.on('error', onError);
    this.subscriber.on('error', onError);
    this.events = new RedisEventLog(this.redis, {
      prefix,
      shards: options.shards ?? 16,
      maxLen: options.maxLen ?? 2_000_000,
      claimIdleMs: options.claimIdleMs ?? 30_000,
      backfillLane: options.backfillLane,
      onError,
    });
    this.sessions = new RedisSessionDirectory(this.redis, prefix);
    this.commands = new RedisCommandChannel(this.redis, this.subscriber, prefix);
  }

  durability(): Promise<Durability> {
    return readDurability(this.redis);
  }

  /**
   * From the publishing connection's state: down when it closes (Redis gone, restarted, the link
   * reset), up when it is ready again (after its ready check: a Redis still loading its AOF is not
   * ready). ioredis keeps what is published meanwhile in its offline queue and sends it on 'ready'.
   * A link that hangs without closing is not noticed here.
   */
  onAvailability(listener: (available: boolean) => void): void {
    // Our own close is not the bus going away.
    this.redis.on('close', () => this.closing || listener(false));
    this.redis.on('ready', () => listener(true));
  }

  async close(): Promise<void> {
    this.closing = true;
    this.subscriber.disconnect();
    // QUIT would wait in the offline queue for a Redis that may never come back (a gateway stopping
    // while its bus is down hung there); with no connection there is nothing left to flush anyway.
    if (this.redis.status !== 'ready') {
      this.redis.disconnect();
      return;
    }
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

const RELEASE_IF_HOLDER = `if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0`;
/** The holder of ARGV[1] when the key `<ARGV[2]><holder>` (its heartbeat) exists. */
const LIVE_HOLDER = `local holder = redis.call('HGET', KEYS[1], ARGV[1]) if holder and redis.call('EXISTS', ARGV[2] .. holder) == 1 then return holder end return false`;

/** Entries in one hash (phone -> gateway id); each gateway's heartbeat a key that expires. */
class RedisSessionDirectory implements SessionDirectory {
  private readonly key: string;
  private readonly alivePrefix: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:sessions`;
    this.alivePrefix = `${prefix}:gateway-alive:`;
  }

  async claim(phone: string, gatewayId: string): Promise<void> {
    await this.redis.hset(this.key, phone, gatewayId);
  }

  async release(phone: string, gatewayId: string): Promise<void> {
    await this.redis.eval(RELEASE_IF_HOLDER, 1, this.key, phone, gatewayId);
  }

  async locate(phone: string): Promise<string | undefined> {
    return (await this.redis.hget(this.key, phone)) ?? undefined;
  }

  async heartbeat(gatewayId: string, ttlMs: number): Promise<void> {
    await this.redis.set(`${this.alivePrefix}${gatewayId}`, '1', 'PX', ttlMs);
  }

  async liveHolder(phone: string): Promise<string | undefined> {
    // The heartbeat key is built inside the script from the holder it reads, so it is not declared
    // in KEYS: fine on one Redis, which is what the bus runs on (docs/bus.md).
    const holder = (await this.redis.eval(LIVE_HOLDER, 1, this.key, phone, this.alivePrefix)) as
      | string
      | null;
    return holder ?? undefined;
  }
}

class RedisCommandChannel implements CommandChannel {
  private readonly handlers = new Map<string, (payload: Buffer) => void>();

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
  ) {
    subscriber.on('messageBuffer', (channel: Buffer, payload: Buffer) => {
      this.handlers.get(channel.toString())?.(payload);
    });
  }

  listen(gatewayId: string, handler: (command: Command) => void): Promise<Unsubscribe> {
    return this.subscribe(`${this.prefix}:cmd:${gatewayId}`, (payload) => handler(decodeCommand(payload)));
  }

  async send(gatewayId: string, command: Command): Promise<void> {
    await this.redis.publish(`${this.prefix}:cmd:${gatewayId}`, Buffer.from(encodeCommand(command)));
  }

  listenResults(replyTo: string, handler: (result: CommandResult) => void): Promise<Unsubscribe> {
    return this.subscribe(`${this.prefix}:result:${replyTo}`, (payload) =>
      handler(decodeCommandResult(payload)),
    );
  }

  async sendResult(replyTo: string, result: CommandResult): Promise<void> {
    await this.redis.publish(`${this.prefix}:result:${replyTo}`, Buffer.from(encodeCommandResult(result)));
  }

  private async subscribe(channel: string, handler: (payload: Buffer) => void): Promise<Unsubscribe> {
    this.handlers.set(channel, (payload) => {
      try {
        handler(payload);
      } catch {
        // A payload that does not decode is dropped: commands are best-effort, the sender times out.
      }
    });
    await this.subscriber.subscribe(channel);
    return async () => {
      this.handlers.delete(channel);
      await this.subscriber.unsubscribe(channel);
    };
  }
}
