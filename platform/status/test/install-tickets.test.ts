import { migratedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewInstallations } from '../src/tickets/install-tickets.js';
import { DEFAULT_TICKET_SETTINGS } from '../src/tickets/ticket-keeper.js';

const NOW = Date.parse('2026-11-23T08:00:00Z');
const DAY = 86_400_000;

describe.skipIf(!hasPostgres)('install tickets and repair reports (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    ({ db, pool } = await migratedDatabase('install'));
    await pool.query(`INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州中心', '郑州')`);
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A10001', 2, 1), (2, '豫A10002', 2, 1), (3, '豫A10003', 2, 1)`,
    );
    // Vehicle 1: terminal fitted but never seen, installation 10 days overdue. Vehicle 2: no terminal
    // yet, installation 10 days overdue. Vehicle 3: a terminal registered 25 h ago that never authenticated.
    await pool.query(`INSERT INTO terminals (phone, vehicle_id) VALUES ('13900000101', 1)`);
    await pool.query(
      `INSERT INTO terminals (phone, vehicle_id, registered_at) VALUES ('13900000103', 3, $1)`,
      [new Date(NOW - 25 * 3_600_000)],
    );
    await pool.query(`INSERT INTO installations (vehicle_id, planned_on) VALUES (1, $1), (2, $1)`, [
      new Date(NOW - 10 * DAY),
    ]);
    await pool.query(
      `INSERT INTO terminal_status (phone, status, health) VALUES ('13900000101', 'never-seen', '{}')`,
    );
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('opens install tickets for overdue installations and terminals that never checked in, once', async () => {
    await reviewInstallations(pool, NOW, DEFAULT_TICKET_SETTINGS);
    await reviewInstallations(pool, NOW + 60_000, DEFAULT_TICKET_SETTINGS);
    const { rows } = await pool.query(
      `SELECT phone, vehicle_id, reason, state FROM tickets WHERE kind = 'install' ORDER BY vehicle_id`,
    );
    expect(rows).toEqual([
      { phone: '13900000101', vehicle_id: '1', reason: 'installation-overdue', state: 'new' },
      { phone: null, vehicle_id: '2', reason: 'installation-overdue', state: 'new' },
      { phone: '13900000103', vehicle_id: '3', reason: 'never-authenticated', state: 'new' },
    ]);
  });

  it('closes an install ticket when its terminal checks in with a fix before dispatch', async () => {
    await pool.query(
      `INSERT INTO terminal_state (phone, online, connected_at, last_fix_time) VALUES ('13900000103', true, $1, $1)`,
      [new Date(NOW + 120_000)],
    );
    await pool.query(
      `INSERT INTO terminal_status (phone, status, since, health) VALUES ('13900000103', 'online', $1, '{}')`,
      [new Date(NOW + 120_000)],
    );
    await reviewInstallations(pool, NOW + 180_000, DEFAULT_TICKET_SETTINGS);
    const { rows } = await pool.query(`SELECT state, close_reason FROM tickets WHERE phone = '13900000103'`);
    expect(rows).toEqual([{ state: 'closed', close_reason: 'self-recovered' }]);
    const audit = await pool.query(
      `SELECT from_state, to_state FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.phone = '13900000103' ORDER BY e.id`,
    );
    expect(audit.rows).toEqual([
      { from_state: null, to_state: 'new' },
      { from_state: 'new', to_state: 'closed' },
    ]);
  });

  it('flags a terminal for replacement after three in-warranty repairs for one cause, and counts faults by model', async () => {
    await pool.query(`UPDATE terminals SET maker = 'ACME', model = 'GT-808' WHERE phone = '13900000101'`);
    for (let i = 0; i < 3; i++) {
      await pool.query(
        `INSERT INTO tickets (kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, in_warranty, closed_at)
         VALUES ('repair', '13900000101', 1, 1, 'closed', 'gnss-antenna-open', now() - make_interval(days => $1), now(), now(), true, now())`,
        [30 * (i + 1)],
      );
    }
    const flags = await pool.query(`SELECT * FROM terminal_repair_flags WHERE phone = '13900000101'`);
    expect(flags.rows).toEqual([
      { phone: '13900000101', repairs_12_months: '3', recurring_fault: true, replace_terminal: true },
    ]);
    const report = await pool.query(
      `SELECT maker, model, cause, sum(repairs)::int AS repairs FROM monthly_faults_by_model GROUP BY 1, 2, 3`,
    );
    expect(report.rows).toEqual([{ maker: 'ACME', model: 'GT-808', cause: 'gnss-antenna-open', repairs: 3 }]);
  });
});
