import { migratedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { seedOneCenter } from '@jt808/test-support/two-centers';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAfterSalesRound } from '../src/rounds.js';

describe.skipIf(!hasPostgres)('the after-sales round the platform runs by itself (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    ({ db, pool } = await migratedDatabase('after_sales_rounds', 2));
    await seedOneCenter(pool);
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id, owner_name, owner_phone) VALUES
         (1, '豫A10001', 2, 1, '张三', '13800001111'), (2, '豫A10002', 2, 1, '李四', NULL)`,
    );
    await pool.query(
      `INSERT INTO terminals (phone, vehicle_id) VALUES ('13900000001', 1), ('13900000002', 2)`,
    );
    // Terminal 1: an antenna repaired and verified three weeks ago, and the same fault again today.
    await pool.query(
      `INSERT INTO tickets (kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, fault_cause,
                            resolved_at, closed_at, close_reason, service_point_id, installer)
       VALUES ('repair', '13900000001', 1, 1, 'closed', 'gnss-antenna-open', now() - interval '21 days', now(), now(), 'antenna',
               now() - interval '20 days', now() - interval '20 days', 'verified', 1, 'inst-a'),
              ('repair', '13900000001', 1, 1, 'new', 'gnss-antenna-open', now() - interval '2 hours', now(), now(), 'antenna',
               NULL, NULL, NULL, NULL, NULL)`,
    );
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('raises the repeat-fault complaint, schedules the callbacks, and adds nothing twice', async () => {
    const now = new Date();
    const first = await runAfterSalesRound(pool, now);
    // The closed ticket's two follow-up calls (3 days to a week after, and a week later).
    expect(first).toMatchObject({ complaints: 1, ticketCallbacks: 2, monthlyCallbacks: 1 });

    const { rows: complaints } = await pool.query(
      `SELECT source, service_point_id, installer FROM complaints WHERE created_by = 'platform'`,
    );
    expect(complaints).toEqual([{ source: 'repeat-fault', service_point_id: 1, installer: 'inst-a' }]);
    const { rows: callbacks } = await pool.query(
      `SELECT kind, round, vehicle_id FROM callbacks ORDER BY kind, round`,
    );
    // Only the vehicle with an owner's phone gets a monthly callback.
    expect(callbacks).toEqual([
      { kind: 'monthly', round: 1, vehicle_id: '1' },
      { kind: 'ticket', round: 1, vehicle_id: '1' },
      { kind: 'ticket', round: 2, vehicle_id: '1' },
    ]);

    // A restarted process (no memory of the month) and a later round alike add nothing.
    expect(await runAfterSalesRound(pool, now)).toMatchObject({
      complaints: 0,
      ticketCallbacks: 0,
      monthlyCallbacks: 0,
    });
    expect(await runAfterSalesRound(pool, new Date(now.getTime() + 600_000), first.month)).toMatchObject({
      complaints: 0,
      ticketCallbacks: 0,
      monthlyCallbacks: 0,
    });
  });
});
