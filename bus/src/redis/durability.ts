import type { Redis } from 'ioredis';
import type { Durability } from '../bus.js';

/**
 * Reads the persistence settings of the bus Redis. The platform assumes AOF with
 * `appendfsync always`: Redis fsyncs once per event-loop pass, so the many XADDs a gateway pipelines
 * share one fsync, and an event acknowledged to a terminal survives even a power cut. With
 * `everysec` a killed redis-server loses nothing (the writes are in the OS), but a host crash can
 * lose up to one second of acknowledged events. Without AOF (or RDB only) a restart forgets them.
 */
export async function readDurability(redis: Redis): Promise<Durability> {
  let appendonly: string | undefined;
  let appendfsync: string | undefined;
  try {
    appendonly = configValue(await redis.config('GET', 'appendonly'));
    appendfsync = configValue(await redis.config('GET', 'appendfsync'));
  } catch {
    return {
      durable: false,
      summary:
        'bus Redis does not allow CONFIG GET: cannot verify it keeps acknowledged events; make sure AOF is on with appendfsync always',
    };
  }
  if (appendonly !== 'yes') {
    return {
      durable: false,
      summary:
        'bus Redis runs WITHOUT append-only file (appendonly no): a Redis restart loses every event already acknowledged to terminals. Set appendonly yes, appendfsync always',
    };
  }
  if (appendfsync === 'always') {
    return {
      durable: true,
      summary: 'bus Redis: AOF with appendfsync always; acknowledged events survive crashes',
    };
  }
  return {
    durable: false,
    summary: `bus Redis: AOF with appendfsync ${appendfsync}; a host crash can lose up to a second of acknowledged events. Set appendfsync always`,
  };
}

function configValue(reply: unknown): string | undefined {
  return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined;
}
