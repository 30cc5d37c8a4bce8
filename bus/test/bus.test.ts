import { deleteKeys, sharedRedisAvailable, TEST_REDIS_URL, uniquePrefix } from '@jt808/test-support/redis';
import { until } from '@jt808/test-support/wait';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinEvents } from '../src/event-batch.js';
import {
  type Bus,
  type Delivery,
  EventKind,
  encodeTerminalEvent,
  MemoryBus,
  RedisBus,
  type TerminalEvent,
} from '../src/index.js';

const hasRedis = await sharedRedisAvailable();

function event(phone: string, serial: number): TerminalEvent {
  return {
    kind: EventKind.Message,
    phone,
    gatewayId: 'gw-test',
    sessionId: 's1',
    atMs: 1_700_000_000_000 + serial,
    messageId: 0x0200,
    serial,
    edition: '2013',
    protocolVersion: 0,
    body: new Uint8Array([serial & 0xff, 1, 2, 3]),
  };
}

/** A 0x0704 of a frame's size (the body's content does not matter to the bus). */
function batchEvent(phone: string, serial: number): TerminalEvent {
  return { ...event(phone, serial), messageId: 0x0704, body: new Uint8Array(900).fill(serial & 0xff) };
}

function collect(bus: Bus, group: string, consumer: string, sink: Delivery[], failFirst = 0) {
  let failures = failFirst;
  return bus.events.consume({ group, consumer, batchSize: 50, maxWaitMs: 50 }, async (batch) => {
    if (failures > 0) {
      failures--;
      throw new Error('database down');
    }
    sink.push(...batch);
  });
}

describe('MemoryBus', () => {
  it('resolves publish only after the consumer committed the batch', async () => {
    const bus = new MemoryBus();
    let release!: () => void;
    const committed: Delivery[] = [];
    bus.events.consume({ group: 'ingest', consumer: 'c1' }, async (batch) => {
      await new Promise<void>((r) => {
        release = r;
      });
      committed.push(...batch);
    });
    let acknowledged = false;
    const publishing = bus.events.publish(event('013800000001', 1)).then(() => {
      acknowledged = true;
    });
    await until(() => release !== undefined);
    expect(acknowledged).toBe(false);
    release();
    await publishing;
    expect(acknowledged).toBe(true);
    expect(committed.map((d) => d.event.serial)).toEqual([1]);
    await bus.close();
  });

  it('offers a failed batch again and keeps order', async () => {
    const bus = new MemoryBus({ retryDelayMs: 10 });
    const seen: Delivery[] = [];
    collect(bus, 'ingest', 'c1', seen, 1);
    await Promise.all([1, 2, 3].map((serial) => bus.events.publish(event('013800000001', serial))));
    expect(seen.map((d) => d.event.serial)).toEqual([1, 2, 3]);
    await bus.close();
  });

  it('refuses events past its queue bound instead of growing without limit', async () => {
    const bus = new MemoryBus({ maxQueued: 2 });
    void bus.events.publish(event('1', 1));
    void bus.events.publish(event('1', 2));
    await expect(bus.events.publish(event('1', 3))).rejects.toThrow(/refusing more/);
  });
});

describe.skipIf(!hasRedis)('RedisBus (real Redis)', () => {
  const prefix = uniquePrefix();
  let admin: Redis;

  beforeAll(() => {
    admin = new Redis(TEST_REDIS_URL);
  });

  afterAll(async () => {
    await deleteKeys(admin, prefix);
    admin.disconnect();
  });

  it('delivers every published event once, in order per terminal, and acknowledges it', async () => {
    const bus = new RedisBus({ url: TEST_REDIS_URL, prefix: `${prefix}:a`, shards: 4 });
    const phones = ['013800000001', '013800000002', '013800000003'];
    await Promise.all(
      phones.flatMap((phone) => [1, 2, 3, 4, 5].map((serial) => bus.events.publish(event(phone, serial)))),
    );
    const seen: Delivery[] = [];
    const consumer = collect(bus, 'ingest', 'c1', seen);
    await until(() => seen.length === 15);
    for (const phone of phones) {
      expect(seen.filter((d) => d.event.phone === phone).map((d) => d.event.serial)).toEqual([1, 2, 3, 4, 5]);
    }
    expect([...seen[0]!.event.body!]).toEqual([1, 1, 2, 3]);
    await until(async () => (await bus.events.lag('ingest')) === 0);
    await consumer.stop();
    await bus.close();
  });

  it('redelivers a batch whose handler failed, with the same delivery ids', async () => {
    const bus = new RedisBus({ url: TEST_REDIS_URL, prefix: `${prefix}:b`, shards: 2 });
    await bus.events.publish(event('013800000009', 7));
    const seen: Delivery[] = [];
    const consumer = collect(bus, 'ingest', 'c1', seen, 1);
    await until(() => seen.length === 1);
    expect(seen[0]!.event.serial).toBe(7);
    await consumer.stop();
    await bus.close();
  });

  it('hands the pending events of a consumer that died to the next one', async () => {
    const bus = new RedisBus({ url: TEST_REDIS_URL, prefix: `${prefix}:c`, shards: 2, claimIdleMs: 200 });
    await Promise.all([1, 2, 3].map((serial) => bus.events.publish(event('013800000010', serial))));
    // A consumer that fetches and then hangs forever (stuck on its database): it renews its hold
    // for ten claim idle times, then lets the batch go, as a worker killed mid-batch would at once.
    const dead = bus.events.consume(
      { group: 'ingest', consumer: 'dead', batchSize: 10, maxWaitMs: 50 },
      () => new Promise(() => {}),
    );
    await until(async () => {
      const pendingOf = (key: string) =>
        admin.xpending(key, 'ingest').then(
          (r) => (r as [number])[0],
          () => 0,
        );
      return (await pendingOf(`${prefix}:c:events:0`)) + (await pendingOf(`${prefix}:c:events:1`)) > 0;
    });
    const seen: Delivery[] = [];
    const survivor = collect(bus, 'ingest', 'survivor', seen);
    await until(() => seen.length === 3);
    expect(seen.map((d) => d.event.serial).sort()).toEqual([1, 2, 3]);
    await survivor.stop();
    void dead;
    await bus.close();
  });

  it('keeps a slow batch its own, so no other consumer claims and stores it a second time', async () => {
    const bus = new RedisBus({ url: TEST_REDIS_URL, prefix: `${prefix}:l`, shards: 1, claimIdleMs: 200 });
    for (let turn = 0; turn < 4; turn++)
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => bus.events.publish(event('013800000070', turn * 10 + i))),
      );
    const stored: number[] = [];
    let slowStarted = false;
    // One batch takes ten claim idle times, as with a database under load...
    const slow = bus.events.consume(
      { group: 'ingest', consumer: 'slow', batchSize: 10, maxWaitMs: 50 },
      async (batch) => {
        slowStarted = true;
        await new Promise((r) => setTimeout(r, 2000));
        stored.push(...batch.map((d) => d.event.serial!));
      },
    );
    await until(() => slowStarted);
    // ...while another consumer is done with the rest and keeps looking for abandoned entries.
    const fastSeen: Delivery[] = [];
    const fast = collect(bus, 'ingest', 'fast', fastSeen);
    await until(async () => (await bus.events.lag('ingest')) === 0, 15_000);
    await Promise.all([slow.stop(), fast.stop()]); // the slow batch finishes first
    stored.push(...fastSeen.map((d) => d.event.serial!));
    expect(stored.sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    await bus.close();
  });

  it('trims what every group has acknowledged, and keeps what any group still needs', async () => {
    const bus = new RedisBus({ url: TEST_REDIS_URL, prefix: `${prefix}:t`, shards: 1 });
    const key = `${prefix}:t:events:0`;
    const fast: Delivery[] = [];
    const slow: Delivery[] = [];
    // The slow group fetches and never finishes its first batch (a worker stuck on its database).
    const stuck = bus.events.consume(
      { group: 'status', consumer: 's1', batchSize: 2, maxWaitMs: 50 },
      async (batch) => {
        slow.push(...batch);
        await new Promise(() => {});
      },
    );
    const ingest = collect(bus, 'ingest', 'i1', fast);
    for (let serial = 1; serial <= 10; serial++) await bus.events.publish(event('013800000020', serial));
    await until(() => fast.length === 10 && slow.length > 0);
    // Ingest acknowledged everything; the status group still holds its first batch (and has not
    // fetched the rest): nothing it needs may go.
    await new Promise((r) => setTimeout(r, 1500));
    await bus.events.publish(event('013800000020', 11)); // a batch after the trim interval
    await until(() => fast.length === 11);
    await new Promise((r) => setTimeout(r, 200));
    expect(await admin.xlen(key)).toBe(11);

    // Once the status group is gone, what ingest acknowledged is trimmed away.
    await admin.xgroup('DESTROY', key, 'status');
    void stuck;
    await new Promise((r) => setTimeout(r, 1100));
    await bus.events.publish(event('013800000020', 12));
    await until(async () => fast.length === 12 && (await admin.xlen(key)) <= 1, 5000);
    await ingest.stop();
    await bus.close();
  });

  it('dead-letters an unreadable entry with its raw bytes and reason', async () => {
    const bus = new RedisBus({ url: TEST_REDIS_URL, prefix: `${prefix}:d`, shards: 1 });
    await admin.xadd(`${prefix}:d:events:0`, '*', 'e', Buffer.from([0xff, 0xff, 0xff]));
    const consumer = bus.events.consume({ group: 'ingest', consumer: 'c1', maxWaitMs: 50 }, async (batch) => {
      for (const delivery of batch) {
        if (delivery.event.kind === EventKind.Unreadable)
          await bus.events.deadLetter(delivery, 'unreadable event');
      }
    });
    await until(async () => (await admin.xlen(`${prefix}:d:dead`)) === 1);
    const [[, fields]] = (await admin.xrangeBuffer(`${prefix}:d:dead`, '-', '+')) as [[Buffer, Buffer[]]];
    expect(fields[1]).toEqual(Buffer.from([0xff, 0xff, 0xff]));
    expect(fields[3]!.toString()).toBe('unreadable event');
    await consumer.stop();
    await bus.close();
  });

  it('writes what one turn publishes as one entry, delivers each event on its own, and counts lag in events', async () => {
    const bus = new RedisBus({ url: TEST_REDIS_URL, prefix: `${prefix}:h`, shards: 2 });
    const keys = [`${prefix}:h:events:0`, `${prefix}:h:events:1`];
    const entries = async () => (await admin.xlen(keys[0]!)) + (await admin.xlen(keys[1]!));
    // 600 events in one turn: an entry holds at most 512, so two entries.
    await Promise.all(Array.from({ length: 600 }, (_, i) => bus.events.publish(event('013800000030', i))));
    expect(await entries()).toBe(2);
    expect(await bus.events.lag('ingest')).toBe(600);
    const seen: Delivery[] = [];
    const consumer = collect(bus, 'ingest', 'c1', seen);
    await until(async () => (await bus.events.lag('ingest')) === 0);
    expect(seen.map((d) => d.event.serial)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    expect(new Set(seen.map((d) => d.id)).size).toBe(600);
    await consumer.stop();
    await bus.close();
  });

  it('hands over whole entries, about batchSize events at a time', async () => {
    const bus = new RedisBus({ url: TEST_REDIS_URL, prefix: `${prefix}:k`, shards: 1 });
    for (let turn = 0; turn < 5; turn++)
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => bus.events.publish(event('013800000060', turn * 30 + i))),
      );
    const sizes: number[] = [];
    const seen: Delivery[] = [];
    const consumer = bus.events.consume(
      { group: 'ingest', consumer: 'c1', batchSize: 50, maxWaitMs: 50 },
      async (batch) => {
        sizes.push(batch.length);
        seen.push(...batch);
      },
    );
    await until(() => seen.length === 150);
    expect(sizes.every((size) => size === 30)).toBe(true); // two entries of 30 would be 60
    expect(seen.map((d) => d.event.serial)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    await consumer.stop();
    await bus.close();
  });

  it('lets a partial batch wait up to maxWaitMs for more events, and no longer', async () => {
    const bus = new RedisBus({ url: TEST_REDIS_URL, prefix: `${prefix}:l`, shards: 1 });
    const batches: { size: number; at: number }[] = [];
    const consumer = bus.events.consume(
      { group: 'ingest', consumer: 'c1', batchSize: 1000, maxWaitMs: 400 },
      async (batch) => {
        batches.push({ size: batch.length, at: Date.now() });
      },
    );
    await new Promise((r) => setTimeout(r, 100)); // the consumer is blocked in its first fetch
    const started = Date.now();
    const first = Promise.all(
      Array.from({ length: 10 }, (_, i) => bus.events.publish(event('013800000061', i))),
    );
    await new Promise((r) => setTimeout(r, 100));
    const second = Promise.all(
      Array.from({ length: 10 }, (_, i) => bus.events.publish(event('013800000061', 10 + i))),
    );
    await Promise.all([first, second]);
    await until(() => batches.length > 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(batches.map((b) => b.size)).toEqual([20]);
    // Handed over once the wait from the first fetch was out: not at once, not much later.
    expect(batches[0]!.at - started).toBeGreaterThanOrEqual(350);
    expect(batches[0]!.at - started).toBeLessThan(1500);
    await consumer.stop();
    await bus.close();
  });

  it('reads live events before a backlog of 0x0704 backfill, takes a share of it every batch, and loses none', async () => {
    const bus = new RedisBus({ url: TEST_REDIS_URL, prefix: `${prefix}:lane`, shards: 1 });
    // 1,280 blind-area batches of ~1 KB each (a frame's worth): 64 KiB entries of 64 events.
    for (let turn = 0; turn < 20; turn++)
      await Promise.all(
        Array.from({ length: 64 }, (_, i) => bus.events.publish(batchEvent('013800000070', turn * 64 + i))),
      );
    expect(await admin.xlen(`${prefix}:lane:backfill:0`)).toBe(20);
    expect(await admin.xlen(`${prefix}:lane:events:0`)).toBe(0);
    // Then two turns of live reports from other terminals.
    for (let turn = 0; turn < 2; turn++)
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => bus.events.publish(event('013800000071', turn * 50 + i))),
      );
    expect(await bus.events.lag('ingest')).toBe(1380);
    const batches: Delivery[][] = [];
    let failures = 1;
    const consumer = bus.events.consume(
      { group: 'ingest', consumer: 'c1', batchSize: 50, maxWaitMs: 50 },
      async (batch) => {
        if (failures-- > 0) throw new Error('database down'); // the first batch comes again
        batches.push(batch);
      },
    );
    await until(async () => (await bus.events.lag('ingest')) === 0);
    const isLive = (d: Delivery) => d.event.messageId === 0x0200;
    // Both live entries come first, each beside one backfill entry (never starved, bounded).
    expect(
      batches.slice(0, 2).map((b) => [b.filter(isLive).length, b.length - b.filter(isLive).length]),
    ).toEqual([
      [50, 64],
      [50, 64],
    ]);
    expect(batches.slice(2).every((b) => !b.some(isLive))).toBe(true);
    // With live quiet, backfill takes more entries a batch.
    expect(batches[2]!.length).toBe(4 * 64);
    const all = batches.flat();
    expect(new Set(all.map((d) => d.id)).size).toBe(1380);
    expect(all.filter((d) => !isLive(d)).map((d) => d.event.serial)).toEqual(
      Array.from({ length: 1280 }, (_, i) => i),
    );
    await consumer.stop();
    await bus.close();
  });

  it('gives live events waiting behind backfill no more than a batch of delay', async () => {
    const bus = new RedisBus({ url: TEST_REDIS_URL, prefix: `${prefix}:lane2`, shards: 2 });
    for (let turn = 0; turn < 40; turn++)
      await Promise.all(
        Array.from({ length: 64 }, (_, i) => bus.events.publish(batchEvent('013800000072', turn * 64 + i))),
      );
    const live: number[] = [];
    let backfillBefore = -1;
    let backfillSeen = 0;
    const consumer = bus.events.consume(
      { group: 'ingest', consumer: 'c1', batchSize: 200, maxWaitMs: 20 },
      async (batch) => {
        for (const d of batch) {
          if (d.event.messageId === 0x0200) {
            live.push(d.event.serial!);
            if (backfillBefore < 0) backfillBefore = backfillSeen;
          } else backfillSeen++;
        }
        await new Promise((r) => setTimeout(r, 20)); // a database's transaction
      },
    );
    // The consumer is into the backlog when a live report arrives.
    await until(() => backfillSeen > 0);
    const seenAtPublish = backfillSeen;
    await bus.events.publish(event('013800000073', 1));
    await until(() => live.length === 1);
    // It came with the next batch: at most one batch's share of backfill (4 entries of 64) went before it.
    expect(backfillBefore - seenAtPublish).toBeLessThanOrEqual(2 * 4 * 64);
    expect(backfillSeen).toBeLessThan(40 * 64);
    await until(async () => (await bus.events.lag('ingest')) === 0);
    expect(backfillSeen).toBe(40 * 64);
    await consumer.stop();
    await bus.close();
  });

  it('publishes 0x0704 to the live streams when the backfill lane is off', async () => {
    const bus = new RedisBus({
      url: TEST_REDIS_URL,
      prefix: `${prefix}:lane3`,
      shards: 1,
      backfillLane: false,
    });
    await Promise.all([
      bus.events.publish(batchEvent('013800000074', 1)),
      bus.events.publish(event('013800000074', 2)),
    ]);
    expect(await admin.xlen(`${prefix}:lane3:events:0`)).toBe(1);
    expect(await admin.exists(`${prefix}:lane3:backfill:0`)).toBe(0);
    const seen: Delivery[] = [];
    const consumer = collect(bus, 'ingest', 'c1', seen);
    await until(() => seen.length === 2);
    expect(seen.map((d) => d.event.messageId)).toEqual([0x0704, 0x0200]);
    await consumer.stop();
    await bus.close();
  });

  it('starts the lag of a group created late at what the stream still holds', async () => {
    const bus = new RedisBus({ url: TEST_REDIS_URL, prefix: `${prefix}:i`, shards: 1 });
    const key = `${prefix}:i:events:0`;
    await Promise.all([1, 2, 3, 4].map((serial) => bus.events.publish(event('013800000040', serial))));
    await admin.xtrim(key, 'MAXLEN', 0); // consumed and trimmed before the new group existed
    await Promise.all([5, 6, 7].map((serial) => bus.events.publish(event('013800000040', serial))));
    const held: Delivery[] = [];
    const late = bus.events.consume({ group: 'late', consumer: 'l1', maxWaitMs: 50 }, async (batch) => {
      held.push(...batch);
      await new Promise(() => {}); // never commits: its events stay in the lag
    });
    await until(() => held.length === 3);
    expect(held.map((d) => d.event.serial)).toEqual([5, 6, 7]);
    expect(await bus.events.lag('late')).toBe(3);
    void late;
    await bus.close();
  });

  it('dead-letters the unreadable event of a batch alone, and an unreadable batch whole', async () => {
    const bus = new RedisBus({ url: TEST_REDIS_URL, prefix: `${prefix}:j`, shards: 1 });
    const key = `${prefix}:j:events:0`;
    const garbage = Buffer.from([0xff, 0xff, 0xff]);
    const good = Buffer.from(encodeTerminalEvent(event('013800000050', 9)));
    await admin.xadd(key, '*', 'b', joinEvents([good, garbage], good.length + 3), 'n', '2');
    await admin.xadd(key, '*', 'b', Buffer.from([0x12, 0x00]), 'n', '1');
    const stored: Delivery[] = [];
    const consumer = bus.events.consume({ group: 'ingest', consumer: 'c1', maxWaitMs: 50 }, async (batch) => {
      for (const delivery of batch) {
        if (delivery.event.kind === EventKind.Unreadable) await bus.events.deadLetter(delivery, 'unreadable');
        else stored.push(delivery);
      }
    });
    await until(async () => (await admin.xlen(`${prefix}:j:dead`)) === 2);
    expect(stored.map((d) => d.event.serial)).toEqual([9]);
    const dead = (await admin.xrangeBuffer(`${prefix}:j:dead`, '-', '+')) as [Buffer, Buffer[]][];
    expect(dead[0]![1][1]).toEqual(garbage);
    expect(dead[0]![1][5]!.toString()).toMatch(/ #1$/);
    expect(dead[1]![1][1]).toEqual(Buffer.from([0x12, 0x00]));
    await consumer.stop();
    await bus.close();
  });

  it('names a live holder only while its gateway keeps its heartbeat', async () => {
    const bus = new RedisBus({ url: TEST_REDIS_URL, prefix: `${prefix}:alive` });
    await bus.sessions.claim('013800000002', 'gw-a');
    // Claimed, but gw-a never said it is alive (a gateway killed before its first heartbeat).
    expect(await bus.sessions.liveHolder('013800000002')).toBeUndefined();
    await bus.sessions.heartbeat('gw-a', 300);
    expect(await bus.sessions.liveHolder('013800000002')).toBe('gw-a');
    expect(await bus.sessions.liveHolder('013800000099')).toBeUndefined();
    // gw-a killed: no more heartbeats, and its entry stops counting once the last one expires.
    await until(async () => (await bus.sessions.liveHolder('013800000002')) === undefined);
    expect(await bus.sessions.locate('013800000002')).toBe('gw-a');
    await bus.close();
  });

  it('reports whether the bus Redis keeps acknowledged events', async () => {
    const bus = new RedisBus({ url: TEST_REDIS_URL, prefix: `${prefix}:g` });
    const durability = await bus.durability();
    const appendonly = ((await admin.config('GET', 'appendonly')) as string[])[1];
    expect(durability.durable).toBe(
      appendonly === 'yes' && ((await admin.config('GET', 'appendfsync')) as string[])[1] === 'always',
    );
    expect(durability.summary).toMatch(/bus Redis/);
    await bus.close();
  });
});

describe('MemoryBus with several consumer groups', () => {
  it('gives every group every event and acknowledges only when all have committed', async () => {
    const bus = new MemoryBus();
    const ingest: number[] = [];
    const status: number[] = [];
    let releaseStatus!: () => void;
    const statusGate = new Promise<void>((r) => {
      releaseStatus = r;
    });
    bus.events.consume({ group: 'ingest', consumer: 'a' }, async (batch) => {
      ingest.push(...batch.map((d) => d.event.serial!));
    });
    bus.events.consume({ group: 'status', consumer: 'b' }, async (batch) => {
      await statusGate;
      status.push(...batch.map((d) => d.event.serial!));
    });
    let acknowledged = false;
    const publishing = bus.events.publish(event('1', 1)).then(() => {
      acknowledged = true;
    });
    await until(() => ingest.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(acknowledged).toBe(false);
    releaseStatus();
    await publishing;
    expect(status).toEqual([1]);
    await bus.close();
  });

  it('fails publishers whose events a stopping group never stored', async () => {
    const bus = new MemoryBus({ retryDelayMs: 10 });
    // The database is down: every batch fails and waits to be offered again.
    const consumer = bus.events.consume({ group: 'ingest', consumer: 'a' }, async () => {
      throw new Error('database down');
    });
    const publishing = bus.events.publish(event('1', 1));
    await new Promise((r) => setTimeout(r, 50));
    await consumer.stop();
    await expect(publishing).rejects.toThrow(/stopping/);
  });
});
