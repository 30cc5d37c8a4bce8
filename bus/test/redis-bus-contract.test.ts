import { deleteKeys, sharedRedisAvailable, TEST_REDIS_URL, uniquePrefix } from '@jt808/test-support/redis';
import { Redis } from 'ioredis';
import { afterAll, describe } from 'vitest';
import { type Bus, RedisBus } from '../src/index.js';
import { busContract } from './bus-contract.js';

const hasRedis = await sharedRedisAvailable();

describe.skipIf(!hasRedis)('on real Redis', () => {
  const prefix = uniquePrefix();
  const admin = new Redis(TEST_REDIS_URL);
  const prefixes = new WeakMap<Bus, string>();
  let opened = 0;

  afterAll(async () => {
    await deleteKeys(admin, prefix);
    admin.disconnect();
  });

  busContract('RedisBus', {
    // Each case gets a bus under a prefix of its own, so no case reads another's streams.
    async open() {
      const own = `${prefix}:${opened++}`;
      const bus = new RedisBus({ url: TEST_REDIS_URL, prefix: own, shards: 2 });
      prefixes.set(bus, own);
      return bus;
    },
    async deadLettered(bus) {
      const entries = (await admin.xrangeBuffer(`${prefixes.get(bus)}:dead`, '-', '+')) as [
        Buffer,
        Buffer[],
      ][];
      return entries.map(([, fields]) => ({
        raw: new Uint8Array(fields[1]!),
        reason: fields[3]!.toString(),
      }));
    },
  });
});
