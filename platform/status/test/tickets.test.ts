import { advanceTicket, TicketError } from '@jt808/after-sales';
import type { Delivery } from '@jt808/bus';
import { locationDelivery } from '@jt808/test-support/bus-events';
import { migratedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import type pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StatusEngine } from '../src/engine.js';
import { DEFAULT_SETTINGS } from '../src/settings.js';
import { DEFAULT_TICKET_SETTINGS, TicketKeeper } from '../src/tickets/ticket-keeper.js';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const S = 1000;
const MIN = 60 * S;
const log = pino({ level: 'silent' });
function fix(phone: string, atMs: number, alarm = 0): Delivery {
  return locationDelivery(phone, atMs, { alarm, extras: {} });
}

/** A terminal reporting every 30 s over [from, to). */
function reporting(phone: string, from: number, to: number, alarm = 0): Delivery[] {
  const out: Delivery[] = [];
  for (let t = from; t < to; t += 30 * S) out.push(fix(phone, t, alarm));
  return out;
}

describe.skipIf(!hasPostgres)('repair tickets and the service workflow (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    ({ db, pool } = await migratedDatabase('tickets'));
    await pool.query(
      `INSERT INTO centers (id, code, name, region, latitude, longitude) VALUES (1, 'C1', '郑州中心', '郑州', 34.75, 113.62), (2, 'C2', '洛阳中心', '洛阳', 34.62, 112.45)`,
    );
    await pool.query(
      `INSERT INTO service_points (code, name, center_id, latitude, longitude, capacity) VALUES
         ('SP-FAR', '远的服务站', 1, 35.5, 114.5, 5), ('SP-NEAR', '近的服务站', 1, 34.76, 113.63, 5)`,
    );
    for (let i = 1; i <= 40; i++) {
      await pool.query(`INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES ($1, $2, 2, $3)`, [
        i,
        `豫A${String(i).padStart(5, '0')}`,
        i <= 30 ? 2 : 1,
      ]);
      await pool.query(
        `INSERT INTO terminals (phone, vehicle_id, warranty_until) VALUES ($1, $2, '2027-06-01')`,
        [`139000000${String(i).padStart(2, '0')}`, i],
      );
    }
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });
  beforeEach(async () => {
    await pool.query('TRUNCATE ticket_events, tickets, incidents RESTART IDENTITY CASCADE');
  });

  function setup() {
    const engine = new StatusEngine(DEFAULT_SETTINGS);
    const keeper = new TicketKeeper(pool, engine, { ...DEFAULT_TICKET_SETTINGS, repairOfflineHours: 1 }, log);
    return { engine, keeper };
  }

  async function step(engine: StatusEngine, keeper: TicketKeeper, nowMs: number) {
    await keeper.review(nowMs, engine.pass(nowMs));
  }

  it('opens one repair ticket for a lasting fault, counts repeats on it, and closes it when the terminal recovers before dispatch', async () => {
    const { engine, keeper } = setup();
    const phone = '13900000031';
    engine.terminal(phone, 1);
    engine.apply(reporting(phone, T0, T0 + 50 * MIN, 1 << 5));
    await step(engine, keeper, T0 + 50 * MIN);
    // Faulty from T0+10 min; the ticket is due 30 min later.
    let { rows } = await pool.query(
      'SELECT phone, kind, state, reason, occurrences, in_warranty FROM tickets',
    );
    expect(rows).toEqual([
      { phone, kind: 'repair', state: 'new', reason: 'gnss-antenna-open', occurrences: 1, in_warranty: true },
    ]);
    await step(engine, keeper, T0 + 50 * MIN + 5 * S);
    expect((await pool.query('SELECT count(*)::int AS n FROM tickets')).rows[0].n).toBe(1);

    engine.apply(reporting(phone, T0 + 50 * MIN, T0 + 52 * MIN));
    await step(engine, keeper, T0 + 52 * MIN);
    ({ rows } = await pool.query('SELECT state, close_reason FROM tickets'));
    expect(rows).toEqual([{ state: 'closed', close_reason: 'self-recovered' }]);
    const audit = await pool.query('SELECT actor, from_state, to_state FROM ticket_events ORDER BY id');
    expect(audit.rows).toEqual([
      { actor: 'platform', from_state: null, to_state: 'new' },
      { actor: 'platform', from_state: 'new', to_state: 'closed' },
    ]);
  });

  it('runs a ticket through the workflow; only the platform verifies it, after the terminal stayed healthy', async () => {
    const { engine, keeper } = setup();
    const phone = '13900000032';
    engine.terminal(phone, 1);
    engine.apply(reporting(phone, T0, T0 + 5 * MIN));
    await step(engine, keeper, T0 + 5 * MIN);
    await step(engine, keeper, T0 + 70 * MIN); // offline since T0+7.5 min: past the one-hour threshold
    const { rows } = await pool.query(`SELECT id, state, reason FROM tickets WHERE phone = $1`, [phone]);
    expect(rows[0]).toMatchObject({ state: 'new', reason: 'offline' });
    const id = rows[0].id as string;

    await expect(advanceTicket(pool, id, { action: 'arrive' }, 'installer-1')).rejects.toThrow(TicketError);
    await advanceTicket(pool, id, { action: 'classify', category: 'hardware', severity: 1 }, 'dispatcher');
    const dispatched = await advanceTicket(
      pool,
      id,
      { action: 'dispatch', installer: '王师傅' },
      'dispatcher',
    );
    const near = await pool.query(`SELECT id FROM service_points WHERE code = 'SP-NEAR'`);
    expect(dispatched.service_point_id).toBe(near.rows[0].id);
    await advanceTicket(pool, id, { action: 'appoint', at: new Date(T0 + 8 * 3_600_000) }, 'installer');
    await expect(
      advanceTicket(pool, id, { action: 'appoint', at: new Date(T0 + 9 * 3_600_000) }, 'installer'),
    ).rejects.toThrow(/reason/);
    await advanceTicket(
      pool,
      id,
      { action: 'appoint', at: new Date(T0 + 9 * 3_600_000), reason: '车辆出车' },
      'installer',
    );
    await advanceTicket(pool, id, { action: 'arrive' }, 'installer');
    const resolved = await advanceTicket(
      pool,
      id,
      { action: 'resolve', faultCause: '终端损坏', partsReplaced: ['终端'], replacementPhone: '13900000099' },
      'installer',
    );
    expect(resolved.state).toBe('resolved');
    // The swap moved the vehicle to the new terminal.
    const swapped = await pool.query(`SELECT phone FROM terminals WHERE vehicle_id = 32`);
    expect(swapped.rows).toEqual([{ phone: '13900000099' }]);

    // The platform verifies once the (old phone's) terminal is back and healthy for 30 minutes.
    const back = Date.now();
    engine.apply(reporting(phone, back, back + S));
    await step(engine, keeper, back + S);
    engine.apply(reporting(phone, back + 30 * S, back + 31 * MIN));
    await step(engine, keeper, back + 31 * MIN);
    const closed = await pool.query(`SELECT state, close_reason FROM tickets WHERE id = $1`, [id]);
    expect(closed.rows[0]).toEqual({ state: 'closed', close_reason: 'verified' });
    await advanceTicket(pool, id, { action: 'callback', satisfaction: 5, comment: '满意' }, 'call-centre');
    const trail = await pool.query('SELECT to_state FROM ticket_events WHERE ticket_id = $1 ORDER BY id', [
      id,
    ]);
    expect(trail.rows.map((r) => r.to_state)).toEqual([
      'new',
      'classified',
      'dispatched',
      'appointed',
      'appointed',
      'on-site',
      'resolved',
      'verified',
      'closed',
      'closed',
    ]);
  });

  it('holds tickets during an outage of a center and releases them only for terminals still silent', async () => {
    const { engine, keeper } = setup();
    const phones = Array.from({ length: 30 }, (_, i) => `139000000${String(i + 1).padStart(2, '0')}`);
    for (const phone of phones) {
      engine.terminal(phone, 2);
      engine.apply(reporting(phone, T0, T0 + 5 * MIN));
    }
    await step(engine, keeper, T0 + 5 * MIN);
    // The whole center goes silent at once.
    await step(engine, keeper, T0 + 9 * MIN);
    // Every terminal seen so far is in that center: the platform-wide guard trips as well.
    expect(keeper.openIncidents).toBe(2);
    await step(engine, keeper, T0 + 70 * MIN);
    const held = await pool.query(`SELECT count(*)::int AS n FROM tickets WHERE state = 'held'`);
    expect(held.rows[0].n).toBe(30);
    // 28 come back; two stay silent.
    const back = T0 + 75 * MIN;
    for (const phone of phones.slice(2)) engine.apply(reporting(phone, back, back + 2 * MIN));
    await step(engine, keeper, back + 2 * MIN);
    expect(keeper.openIncidents).toBe(0);
    const states = await pool.query(
      `SELECT state, count(*)::int AS n FROM tickets GROUP BY state ORDER BY state`,
    );
    expect(states.rows).toEqual([
      { state: 'closed', n: 28 },
      { state: 'new', n: 2 },
    ]);
    const incidents = await pool.query(
      'SELECT scope, scope_id, terminals, cleared_at IS NOT NULL AS cleared FROM incidents ORDER BY scope',
    );
    expect(incidents.rows).toEqual([
      { scope: 'center', scope_id: '2', terminals: 30, cleared: true },
      { scope: 'platform', scope_id: '*', terminals: 30, cleared: true },
    ]);
  });

  it('flags deadlines that passed', async () => {
    const { engine, keeper } = setup();
    const phone = '13900000033';
    engine.terminal(phone, 1);
    engine.apply(reporting(phone, T0, T0 + 5 * MIN));
    await step(engine, keeper, T0 + 5 * MIN);
    await step(engine, keeper, T0 + 70 * MIN);
    await step(engine, keeper, T0 + 70 * MIN + 3 * 3_600_000);
    const { rows } = await pool.query('SELECT breaches FROM tickets WHERE phone = $1', [phone]);
    expect(rows[0].breaches).toEqual(['response']);
  });
});
