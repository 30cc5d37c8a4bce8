import { RedisBus } from '@jt808/bus';
import { DEFAULTS, FileRoster, Gateway } from '@jt808/gateway';
import { normalizePhone } from '@jt808/protocol';
import { Fleet } from '@jt808/simulators';
import { ensureStorage, IngestWorker, migrate } from '@jt808/storage';
import { freshDatabase, hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The whole uplink path with real parts only: simulated terminals → gateway (TCP) → Redis Streams →
 * ingest worker → PostgreSQL. Every location the simulator saw acknowledged must be a row, and there
 * must be no other rows.
 */
describe.skipIf(!hasPostgres)('simulator → gateway → bus → database', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await freshDatabase('e2e');
    await migrate(db.url);
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await ensureStorage(pool, { retentionDays: 180, allowTimescale: false });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('stores exactly the locations that were acknowledged', async () => {
    const log = pino({ level: 'silent' });
    const bus = new RedisBus({
      url: 'redis://127.0.0.1:6379/13',
      prefix: `e2e:${process.pid}:${Date.now()}`,
      shards: 4,
    });
    const ingest = new IngestWorker(bus, pool, log, { consumer: 'e2e', maxWaitMs: 20 });
    ingest.start();
    const roster = await FileRoster.open(undefined, 'pending');
    const gateway = new Gateway(
      { ...DEFAULTS, host: '127.0.0.1', port: 0, gatewayId: 'e2e' },
      { bus, roster, log },
    );
    const { port } = await gateway.listen();
    // One fix per terminal and GNSS second is stored (docs/storage.md): count acknowledged seconds.
    const acknowledgedSeconds = new Map<string, Set<number>>();
    const fleet = new Fleet({
      port,
      count: 100,
      speed: 60,
      ramp: 500,
      onAck: (ack) => {
        if (ack.messageId !== 0x0200 || ack.result !== 0) return;
        const phone = normalizePhone(ack.phone);
        const seconds = acknowledgedSeconds.get(phone) ?? new Set<number>();
        acknowledgedSeconds.set(phone, seconds.add(ack.fixSecond));
      },
    });
    await fleet.start();
    await new Promise((resolve) => setTimeout(resolve, 8000));
    await fleet.stop();
    await gateway.close();
    const deadline = Date.now() + 20_000;
    while ((await bus.events.lag('ingest')) > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await ingest.stop();
    await bus.close();

    const { rows } = await pool.query<{ phone: string; n: string }>(
      'SELECT phone, count(*) AS n FROM positions GROUP BY phone',
    );
    const stored = new Map(rows.map((r) => [r.phone, Number(r.n)]));
    const acknowledged = new Map([...acknowledgedSeconds].map(([phone, seconds]) => [phone, seconds.size]));
    const total = [...acknowledged.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(500);
    expect(stored).toEqual(acknowledged);
    const online = await pool.query(
      'SELECT count(*) AS n FROM terminal_state WHERE last_fix_time IS NOT NULL',
    );
    expect(Number(online.rows[0].n)).toBe(acknowledged.size);
  }, 60_000);
});
