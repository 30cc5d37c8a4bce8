import { migrate } from '@jt808/storage';
import { freshDatabase, hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTime } from '../src/demo-clock.js';

describe.skipIf(!hasPostgres)('the demo clock', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await freshDatabase('democlock');
    await migrate(db.url);
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('is the real clock at speed 1, the simulation from now at any other speed', async () => {
    expect(await demoTime(pool, 1)).toBeUndefined();
    const before = Date.now();
    const time = await demoTime(pool, 60);
    expect(time?.speed).toBe(60);
    expect(time?.simOriginMs).toBe(time?.realOriginMs);
    expect(time?.realOriginMs).toBeGreaterThanOrEqual(before);
  });

  it('resumes from the latest time a previous fast run stored, even at speed 1', async () => {
    const lastSeen = Date.now() + 5 * 3_600_000;
    const verdict = lastSeen + 180_000;
    await pool.query(`INSERT INTO terminal_state (phone, last_seen_at) VALUES ('013900000001', $1)`, [
      new Date(lastSeen),
    ]);
    await pool.query(
      `INSERT INTO status_transitions (phone, at, from_status, to_status, reasons) VALUES ('013900000001', $1, 'online', 'offline', '{}')`,
      [new Date(verdict)],
    );
    expect(await demoTime(pool, 60)).toMatchObject({ speed: 60, simOriginMs: verdict });
    expect(await demoTime(pool, 1)).toMatchObject({ speed: 1, simOriginMs: verdict });
  });
});
