import { advanceTicket, loadConfig, recordCall } from '@jt808/after-sales';
import type { Delivery } from '@jt808/bus';
import { DEFAULT_SETTINGS, DEFAULT_TICKET_SETTINGS, StatusEngine, TicketKeeper } from '@jt808/status';
import { locationDelivery } from '@jt808/test-support/bus-events';
import { migratedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { seedOneCenter } from '@jt808/test-support/two-centers';
import type pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../src/sessions.js';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const MIN = 60_000;
const desk: User = { id: 0, username: 'desk', role: 'desk', centerIds: [], servicePointId: null };

function reporting(phone: string, from: number, to: number): Delivery[] {
  const out: Delivery[] = [];
  for (let t = from; t < to; t += 30_000) out.push(locationDelivery(phone, t, { alarm: 0, extras: {} }));
  return out;
}

describe.skipIf(!hasPostgres)(
  'a fault reported to the desk, under the status engine (real PostgreSQL)',
  () => {
    let db: TestDatabase;
    let pool: pg.Pool;

    beforeAll(async () => {
      ({ db, pool } = await migratedDatabase('desk_tickets'));
      await seedOneCenter(pool);
      await pool.query(
        `INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A00001', 2, 1)`,
      );
      await pool.query(`INSERT INTO terminals (phone, vehicle_id) VALUES ('13900000001', 1)`);
    });
    afterAll(async () => {
      await pool?.end();
      await db?.drop();
    });

    it('is not cleared by the terminal checking in, and is verified by the platform once repaired', async () => {
      const phone = '13900000001';
      const engine = new StatusEngine(DEFAULT_SETTINGS);
      const keeper = new TicketKeeper(pool, engine, DEFAULT_TICKET_SETTINGS, pino({ level: 'silent' }));
      await keeper.load();
      engine.terminal(phone, 1);
      engine.apply(reporting(phone, T0, T0 + 5 * MIN));
      await keeper.review(T0 + 5 * MIN, engine.pass(T0 + 5 * MIN));

      // The camera is broken though the terminal reports fine: the driver calls the desk.
      const { ticketId } = await recordCall(
        pool,
        {
          receivedAt: new Date(T0 + 5 * MIN),
          callerPhone: '13800000000',
          vehicle: { terminal: phone },
          description: '摄像头无画面',
          category: 'hardware',
          severity: 2,
        },
        desk,
        await loadConfig(pool),
      );
      // The keeper takes on tickets it did not open at its installation-review cadence.
      engine.apply(reporting(phone, T0 + 5 * MIN, T0 + 8 * MIN));
      await keeper.review(T0 + 8 * MIN, engine.pass(T0 + 8 * MIN));
      const state = async () =>
        (await pool.query('SELECT state, close_reason FROM tickets WHERE id = $1', [ticketId])).rows[0];
      expect(await state()).toEqual({ state: 'classified', close_reason: null });

      await advanceTicket(pool, ticketId, { action: 'dispatch', installer: '王师傅' }, 'op');
      await advanceTicket(pool, ticketId, { action: 'appoint', at: new Date(T0 + 60 * MIN) }, 'inst');
      await advanceTicket(pool, ticketId, { action: 'arrive' }, 'inst');
      await advanceTicket(pool, ticketId, { action: 'resolve', faultCause: 'camera' }, 'inst');
      const resolvedAt = (await pool.query('SELECT resolved_at FROM tickets WHERE id = $1', [ticketId]))
        .rows[0].resolved_at as Date;
      // Healthy for the verification time after the repair: the platform verifies and closes it.
      const later = resolvedAt.getTime() + DEFAULT_TICKET_SETTINGS.verifyMinutes * MIN + MIN;
      engine.apply(reporting(phone, later - 40 * MIN, later));
      await keeper.review(later, engine.pass(later));
      expect(await state()).toEqual({ state: 'closed', close_reason: 'verified' });
    });
  },
);
