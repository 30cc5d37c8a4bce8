import {
  answerTicket,
  arrivalLateMinutes,
  DEFAULT_AFTER_SALES_SETTINGS,
  DEFAULT_ONSITE_HOURS,
  deadlines,
  followUps,
  loadConfig,
  openTicket,
  platformMove,
  recordCall,
  withCenterHours,
} from '@jt808/after-sales';
import { DEFAULT_SETTINGS, DEFAULT_TICKET_SETTINGS, StatusEngine, TicketKeeper } from '@jt808/status';
import { type ApiServer, startApiServer } from '@jt808/test-support/api-server';
import { closeAll, migratedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { seedTwoCenters } from '@jt808/test-support/two-centers';
import type pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../src/sessions.js';
import { saveUser } from '../src/users.js';

/**
 * The service standard's numbers for the clocks (docs/after-sales.md, "The standard's numbers"):
 * each rule's number asserted, first by the pure rules, then end to end on a real PostgreSQL.
 */

const HOUR = 3_600_000;
const DAY = 86_400_000;
const MIN = 60_000;
/** An instant given as Asia/Shanghai wall-clock time. */
const at = (local: string) => new Date(`${local}:00+08:00`);

describe("the standard's numbers (pure)", () => {
  it('on site within 12 h locally; nearby 24 h and another region 48 h unless the center says otherwise', () => {
    expect(DEFAULT_ONSITE_HOURS).toEqual({ local: 12, nearby: 24, 'other-region': 48 });
    const opened = at('2026-11-27T15:00').getTime();
    for (const severity of [1, 2, 3]) {
      expect(deadlines(opened, severity, DEFAULT_ONSITE_HOURS.local).onsiteDue).toEqual(
        at('2026-11-28T03:00'),
      );
    }
    expect(deadlines(opened, 2, DEFAULT_ONSITE_HOURS.nearby).onsiteDue).toEqual(at('2026-11-28T15:00'));
    expect(deadlines(opened, 2, DEFAULT_ONSITE_HOURS['other-region']).onsiteDue).toEqual(
      at('2026-11-29T15:00'),
    );
    // Response (a dispatch): 1 h for severity 1, 2 h otherwise — the same for desk tickets.
    expect(deadlines(opened, 1, 12).responseDue).toEqual(at('2026-11-27T16:00'));
    expect(deadlines(opened, 3, 12).responseDue).toEqual(at('2026-11-27T17:00'));
    expect(
      withCenterHours({ onsite_hours_local: 8, onsite_hours_nearby: null, onsite_hours_other_region: 72 }),
    ).toEqual({ local: 8, nearby: 24, 'other-region': 72 });
  });

  it('follow-up calls 3 days to 1 week after the service, and a second one a week later', () => {
    const settings = DEFAULT_AFTER_SALES_SETTINGS;
    expect(settings).toMatchObject({ callbackFromDays: 3, callbackWithinDays: 7, secondCallbackDays: 7 });
    const closed = at('2026-11-27T15:00');
    expect(followUps(closed, settings)).toEqual([
      { round: 1, notBefore: at('2026-11-30T15:00'), dueAt: at('2026-12-04T15:00') },
      { round: 2, notBefore: at('2026-12-07T15:00'), dueAt: at('2026-12-11T15:00') },
    ]);
  });

  it('a patrol report within 3 working days', () => {
    expect(DEFAULT_AFTER_SALES_SETTINGS.patrolReportWorkingDays).toBe(3);
  });

  it('measures lateness against the appointment in whole minutes', () => {
    const appointment = at('2026-11-27T10:00');
    expect(arrivalLateMinutes(appointment, at('2026-11-27T10:25'))).toBe(25);
    expect(arrivalLateMinutes(appointment, at('2026-11-27T09:40'))).toBe(0);
    expect(arrivalLateMinutes(null, at('2026-11-27T09:40'))).toBeNull();
    expect(arrivalLateMinutes(appointment, null)).toBeNull();
  });
});

describe.skipIf(!hasPostgres)("the standard's clocks on a real PostgreSQL", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: ApiServer;
  const desk: User = { id: 0, username: 'desk', role: 'desk', centerIds: [], servicePointId: null };

  beforeAll(async () => {
    ({ db, pool } = await migratedDatabase('standard_clocks'));
    await seedTwoCenters(pool);
    await pool.query(`INSERT INTO enterprises (id, code, name) VALUES (1, 'E1', '郑州物流')`);
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES
         (1, '豫A00001', 2, 1), (2, '豫A00002', 2, 1), (3, '豫A00003', 2, 1), (4, '豫A00004', 2, 1), (5, '豫C00005', 2, 2)`,
    );
    await pool.query(
      `INSERT INTO terminals (phone, vehicle_id) VALUES
         ('13900000001', 1), ('13900000002', 2), ('13900000003', 3), ('13900000004', 4), ('13900000005', 5)`,
    );
    await saveUser(pool, { username: 'admin', password: 'admin-secret', role: 'admin' });
    await saveUser(pool, { username: 'op1', password: 'op1-secret', role: 'operator', centerIds: [1] });
    await saveUser(pool, { username: 'desk2', password: 'desk2-secret', role: 'desk', centerIds: [2] });
    await saveUser(pool, { username: 'sp1', password: 'sp1-secret', role: 'service', servicePointId: 1 });
    await saveUser(pool, { username: 'viewer', password: 'viewer-secret', role: 'viewer', centerIds: [1] });
    api = await startApiServer(pool);
    for (const user of ['admin', 'op1', 'desk2', 'sp1', 'viewer']) await api.login(user, `${user}-secret`);
  }, 60_000);
  afterAll(() => closeAll(api, pool, db));

  const ticket = async (id: string) => (await api.get('op1', `/api/tickets/${id}`)).body;

  it('keeps on-site hours per center and distance; the dispatcher sets the distance class', async () => {
    expect((await api.get('op1', '/api/centers/1/onsite-hours')).body).toEqual({
      local: 12,
      nearby: 24,
      'other-region': 48,
    });
    // Administrators set them; others may not, bad hours change nothing.
    const hours = { local: 8, nearby: 20, 'other-region': null };
    expect((await api.put('op1', '/api/centers/1/onsite-hours', hours)).status).toBe(403);
    for (const bad of [
      { ...hours, local: 0 },
      { ...hours, local: -1 },
      { ...hours, local: 'eight' },
      { local: 8, nearby: 20 },
      { ...hours, far: 3 },
      { ...hours, local: 10_000 },
    ]) {
      expect((await api.put('admin', '/api/centers/1/onsite-hours', bad)).status).toBe(400);
    }
    expect((await api.put('admin', '/api/centers/99/onsite-hours', hours)).status).toBe(404);
    expect((await api.put('admin', '/api/centers/1/onsite-hours', hours)).body).toEqual({
      local: 8,
      nearby: 20,
      'other-region': 48,
    });
    // Another center's are out of an operator's scope, in the list too.
    expect((await api.get('op1', '/api/centers/2/onsite-hours')).status).toBe(404);
    expect((await api.get('op1', '/api/onsite-hours')).body).toEqual([
      { centerId: 1, name: '郑州中心', hours: { local: 8, nearby: 20, 'other-region': 48 } },
    ]);
    expect((await api.get('admin', '/api/onsite-hours')).body).toHaveLength(2);
    expect((await api.get('op1', '/api/centers/1%2F/onsite-hours')).status).toBe(400);

    // A platform ticket of center 1 is due on site in the center's local 8 h...
    const opened = at('2026-11-27T15:00');
    const { id } = await openTicket(pool, {
      kind: 'repair',
      phone: '13900000001',
      reason: 'offline',
      atMs: opened.getTime(),
    });
    expect(await ticket(id)).toMatchObject({
      distance: 'local',
      onsiteDue: new Date(opened.getTime() + 8 * HOUR).toISOString(),
    });
    const act = (body: object) => api.post('op1', `/api/tickets/${id}/actions`, body);
    await act({ action: 'classify', category: 'hardware', severity: 2 });
    // ...and in its nearby 20 h once dispatched to a crew coming from nearby.
    expect((await act({ action: 'dispatch', installer: '王师傅', distance: 'far' })).status).toBe(400);
    expect((await act({ action: 'dispatch', installer: '王师傅', distance: 'nearby' })).status).toBe(200);
    expect(await ticket(id)).toMatchObject({
      distance: 'nearby',
      onsiteDue: new Date(opened.getTime() + 20 * HOUR).toISOString(),
      responseDue: new Date(opened.getTime() + 2 * HOUR).toISOString(),
    });
    await api.put('admin', '/api/centers/1/onsite-hours', {
      local: null,
      nearby: null,
      'other-region': null,
    });
    expect((await act({ action: 'cancel', reason: 'test done' })).status).toBe(200);
  });

  it("gives desk tickets the platform's response and on-site deadlines, with no false response breach", async () => {
    const engine = new StatusEngine(DEFAULT_SETTINGS);
    const keeper = new TicketKeeper(pool, engine, DEFAULT_TICKET_SETTINGS, pino({ level: 'silent' }));
    await keeper.load();
    const T0 = at('2026-11-23T09:00').getTime();
    const config = await loadConfig(pool);
    const call = (terminal: string, category: 'hardware' | 'guidance', severity: 1 | 2 | 3) =>
      recordCall(
        pool,
        {
          receivedAt: new Date(T0),
          callerPhone: '13800000000',
          vehicle: { terminal },
          description: '报修',
          category,
          severity,
        },
        desk,
        config,
      );
    const fault = await call('13900000002', 'hardware', 2);
    const question = await call('13900000003', 'guidance', 3);
    const unanswered = await call('13900000004', 'guidance', 3);
    expect(await ticket(fault.ticketId)).toMatchObject({
      responseDue: new Date(T0 + 2 * HOUR).toISOString(),
      onsiteDue: new Date(T0 + 12 * HOUR).toISOString(),
    });
    expect(fault.clocks.map((c) => [c.clock, c.dueAt.getTime() - T0])).toEqual([
      ['first-answer', 10 * MIN],
      ['visit', 12 * HOUR],
    ]);
    await answerTicket(pool, fault.ticketId, false, 'desk', new Date(T0 + 5 * MIN));
    await answerTicket(pool, question.ticketId, false, 'desk', new Date(T0 + 5 * MIN));
    const breaches = async (id: string) =>
      (await pool.query('SELECT breaches FROM tickets WHERE id = $1', [id])).rows[0].breaches;

    // Past the 10-minute first answer (met) but within the 2 h response: no breach at all.
    await keeper.review(T0 + 20 * MIN, []);
    for (const id of [fault.ticketId, question.ticketId, unanswered.ticketId])
      expect(await breaches(id)).toEqual([]);
    // Past 2 h: the fault nobody dispatched breaches its response like a platform ticket; the
    // question answered in time does not; the one never answered does.
    await keeper.review(T0 + 3 * HOUR, []);
    expect(await breaches(fault.ticketId)).toEqual(['response']);
    expect(await breaches(question.ticketId)).toEqual([]);
    expect(await breaches(unanswered.ticketId)).toEqual(['response']);
    // The first answer is kept as its own clock, met in time.
    const clocks = (await api.get('op1', `/api/desk/tickets/${fault.ticketId}/clocks`)).body;
    expect(clocks[0]).toMatchObject({ clock: 'first-answer', breached: false });
  });

  it('meets the visit clock on arrival and measures the lateness against the appointment', async () => {
    const fault = await recordCall(
      pool,
      {
        receivedAt: new Date(),
        callerPhone: '13800000000',
        vehicle: { terminal: '13900000001' },
        description: '主机不开机',
        category: 'hardware',
        severity: 1,
      },
      desk,
      await loadConfig(pool),
    );
    const id = fault.ticketId;
    expect(fault.attached).toBe(false);
    const act = (user: string, body: object) => api.post(user, `/api/tickets/${id}/actions`, body);
    expect((await act('op1', { action: 'dispatch', installer: '王师傅', servicePointId: 1 })).status).toBe(
      200,
    );
    expect(
      (await act('sp1', { action: 'appoint', at: new Date(Date.now() - 25 * MIN).toISOString() })).status,
    ).toBe(200);
    expect((await ticket(id)).arrivalLateMinutes).toBeNull();
    // Before the answer: the operator gets both buttons, the service point only the shipment.
    expect((await api.get('op1', `/api/tickets/${id}`)).body.clockActions).toEqual(['answer', 'ship-spare']);
    expect((await api.get('sp1', `/api/tickets/${id}`)).body.clockActions).toEqual(['ship-spare']);
    expect((await api.post('sp1', `/api/desk/tickets/${id}/answer`, {})).status).toBe(403);
    expect((await api.post('op1', `/api/desk/tickets/${id}/answer`, {})).status).toBe(200);
    expect((await act('sp1', { action: 'arrive' })).status).toBe(200);
    const detail = (await api.get('sp1', `/api/tickets/${id}`)).body;
    expect(detail.arrivalLateMinutes).toBe(25);
    expect(detail.arrivedAt).not.toBeNull();
    const clocks = (await api.get('sp1', `/api/desk/tickets/${id}/clocks`)).body;
    expect(clocks.find((c: { clock: string }) => c.clock === 'visit').metAt).toBe(detail.arrivedAt);
    // Spare parts shipped by the service point meet the spare-parts clock.
    const spare = await api.post('sp1', `/api/desk/tickets/${id}/clocks`, {
      clock: 'spare-parts',
      event: 'met',
    });
    expect(spare.status).toBe(200);
    expect(spare.body.metAt).not.toBeNull();
    // ...once, in the ticket's history with who did it.
    await api.post('sp1', `/api/desk/tickets/${id}/clocks`, { clock: 'spare-parts', event: 'met' });
    const history = (await api.get('sp1', `/api/tickets/${id}`)).body.history as {
      actor: string;
      reason: string;
    }[];
    expect(history.filter((e) => e.reason === 'clock met: spare-parts').map((e) => e.actor)).toEqual(['sp1']);
    // The page's buttons: the desk's answer is met, the spare part shipped; none left.
    expect((await api.get('sp1', `/api/tickets/${id}`)).body.clockActions).toEqual([]);
  });

  it('schedules two follow-up calls, listed from 3 days after the service', async () => {
    const { id } = await openTicket(pool, {
      kind: 'repair',
      phone: '13900000005',
      reason: 'offline',
      atMs: Date.now() - 2 * HOUR,
    });
    await pool.query(`UPDATE tickets SET state = 'resolved', resolved_at = now() WHERE id = $1`, [id]);
    const closed = new Date(Date.now() - HOUR);
    await platformMove(pool, id, 'verified', 'test', closed);
    await platformMove(pool, id, 'close-verified', 'test', closed);
    const day = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 10);
    const listed = async (on: number) =>
      (
        (await api.get('admin', `/api/callbacks/due?day=${day(on)}`)).body as {
          ticketId: string;
          round: number;
        }[]
      )
        .filter((c) => c.ticketId === id)
        .map((c) => c.round);
    expect(await listed(closed.getTime() + DAY)).toEqual([]);
    expect(await listed(closed.getTime() + 3 * DAY)).toEqual([1]);
    expect(await listed(closed.getTime() + 10 * DAY)).toEqual([1, 2]);
    const { rows } = await pool.query(
      'SELECT round, not_before, due_at FROM callbacks WHERE ticket_id = $1 ORDER BY round',
      [id],
    );
    expect(
      rows.map((r) => [
        r.round,
        r.not_before.getTime() - closed.getTime(),
        r.due_at.getTime() - closed.getTime(),
      ]),
    ).toEqual([
      [1, 3 * DAY, 7 * DAY],
      [2, 10 * DAY, 14 * DAY],
    ]);
    // Another center's desk does not see them.
    expect(
      ((await api.get('desk2', `/api/callbacks/due?day=2099-12-31`)).body as { ticketId: string }[]).some(
        (c) => c.ticketId === id,
      ),
    ).toBe(true); // vehicle 5 is center 2's
    expect(
      ((await api.get('op1', `/api/callbacks/due?day=2099-12-31`)).body as { ticketId: string }[]).some(
        (c) => c.ticketId === id,
      ),
    ).toBe(false);
  });

  it('holds a patrol inspection to its report within 3 working days', async () => {
    // Friday 27 November 10:00 + 3 working days = Wednesday 2 December 10:00.
    const made = await api.post('sp1', '/api/patrols', {
      servicePointId: 1,
      enterpriseId: 1,
      vehicles: 12,
      inspectedAt: at('2026-11-27T10:00').toISOString(),
      note: '检查12台车的终端',
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      servicePointId: 1,
      centerId: 1,
      vehicles: 12,
      reportDue: at('2026-12-02T10:00').toISOString(),
      reportedAt: null,
    });
    // A recent patrol, reported in time.
    const recent = await api.post('op1', '/api/patrols', { servicePointId: 1 });
    expect(recent.status).toBe(201);
    const reported = await api.post('sp1', `/api/patrols/${recent.body.id}/report`, { report: '全部正常' });
    expect(reported.status).toBe(200);
    expect(reported.body).toMatchObject({ report: '全部正常', reportedBy: 'sp1', late: false });
    expect((await api.post('sp1', `/api/patrols/${recent.body.id}/report`, { report: '再报' })).status).toBe(
      409,
    );
    // The old one is late, reported or not.
    expect((await api.get('sp1', '/api/patrols?open=true')).body).toEqual([
      expect.objectContaining({ id: made.body.id, late: true }),
    ]);

    // Guards: another service point, another center, the future, bad bodies, other roles.
    expect((await api.post('sp1', '/api/patrols', { servicePointId: 2 })).status).toBe(404);
    expect((await api.post('op1', '/api/patrols', { servicePointId: 2 })).status).toBe(404);
    expect((await api.post('desk2', `/api/patrols/${made.body.id}/report`, { report: 'x' })).status).toBe(
      404,
    );
    expect((await api.get('desk2', '/api/patrols')).body).toEqual([]);
    expect(
      (
        await api.post('sp1', '/api/patrols', {
          servicePointId: 1,
          inspectedAt: new Date(Date.now() + DAY).toISOString(),
        })
      ).status,
    ).toBe(400);
    expect((await api.post('sp1', '/api/patrols', { servicePointId: 1, enterpriseId: 99 })).status).toBe(400);
    expect((await api.post('sp1', '/api/patrols', { servicePointId: '1; drop' })).status).toBe(400);
    expect((await api.post('sp1', '/api/patrols', {})).status).toBe(400);
    expect((await api.post('sp1', `/api/patrols/${made.body.id}/report`, { report: '  ' })).status).toBe(400);
    expect((await api.post('sp1', '/api/patrols/abc/report', { report: 'x' })).status).toBe(400);
    expect((await api.post('viewer', '/api/patrols', { servicePointId: 1 })).status).toBe(403);
    expect((await api.get('viewer', '/api/patrols')).status).toBe(403);
  });
});
