import { RedisBus } from '@jt808/bus';
import { locationEvent } from '@jt808/test-support/bus-events';
import { ADMIN_URL, freshDatabase, hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';
import { IngestWorker } from '../src/ingest/ingest-worker.js';
import { ensureStorage } from '../src/storage/layout.js';
import { ensurePartitions } from '../src/storage/partitions.js';

const REDIS_URL = 'redis://127.0.0.1:6379/12';

/** The database goes away under a running ingest worker: the bus keeps the backlog, nothing is lost. */
describe.skipIf(!hasPostgres)('ingest while the database is unreachable', () => {
  let db: TestDatabase;
  let admin: pg.Client;

  beforeAll(async () => {
    db = await freshDatabase('outage');
    await migrate(db.url);
    const setup = new pg.Pool({ connectionString: db.url, max: 1 });
    await ensureStorage(setup, { retentionDays: 180, allowTimescale: false });
    await ensurePartitions(setup, new Date('2026-11-30T00:00:00Z'), new Date('2026-11-20T00:00:00Z'));
    await setup.end();
    admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await db?.drop();
  });

  const name = () => new URL(db.url).pathname.slice(1);
  const blockDatabase = async () => {
    await admin.query(`ALTER DATABASE ${name()} ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name()]);
  };
  const allowDatabase = () => admin.query(`ALTER DATABASE ${name()} ALLOW_CONNECTIONS true`);

  it('keeps the backlog on the bus while the database is down and drains it when it is back', async () => {
    const bus = new RedisBus({ url: REDIS_URL, prefix: `outage:${process.pid}:${Date.now()}`, shards: 2 });
    const pool = createPool(db.url, 2);
    const worker = new IngestWorker(bus, pool, pino({ level: 'silent' }), { consumer: 'w1', maxWaitMs: 20 });
    const t0 = Date.parse('2026-11-23T08:00:00Z');
    await blockDatabase();
    worker.start();
    const published = [];
    for (let i = 0; i < 500; i++)
      published.push(bus.events.publish(locationEvent('013900000777', t0 + i * 30_000)));
    await Promise.all(published);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await bus.events.lag('ingest')).toBe(500);
    await allowDatabase();
    const deadline = Date.now() + 30_000;
    while ((await bus.events.lag('ingest')) > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    await worker.stop();
    await bus.close();
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM positions');
    await pool.end();
    expect(rows[0].n).toBe(500);
  }, 60_000);
});
