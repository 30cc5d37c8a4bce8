import { WorkingCalendar } from '@jt808/after-sales';
import { type ApiServer, startApiServerFor } from '@jt808/test-support/api-server';
import { closeAll, storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewUser } from '../src/users.js';

/**
 * Every clock counted in the service-point league and the periodic reports (issue 21, items 2, 3
 * and 7; docs/after-sales.md "Missed clocks"): arrivals late against the appointment, patrol reports
 * after 3 working days, quotes after 1 working day, and the returned unit's clocks. A September 2026
 * history, so the counts do not depend on today.
 */
const at = (local: string) => new Date(`${local}:00+08:00`);

describe.skipIf(!hasPostgres)('missed clocks in the league and the periodic reports', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: ApiServer;

  /** A repair ticket of the service point, closed on `closed` (local), with an appointment and arrival. */
  const ticket = async (
    id: number,
    point: number,
    closed: string,
    appointment: string | null = null,
    arrived: string | null = null,
  ) =>
    pool.query(
      `INSERT INTO tickets (id, kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due,
                            category, severity, service_point_id, appointment_at, arrived_at, closed_at, close_reason)
       SELECT $1::int, 'repair', t.phone, v.id, v.center_id, 'closed', 'offline', $3::timestamptz - interval '2 days',
              $3::timestamptz, $3::timestamptz, 'hardware', 2, $2, $4, $5, $3, 'verified'
         FROM vehicles v JOIN terminals t ON t.vehicle_id = v.id WHERE v.center_id = (SELECT center_id FROM service_points WHERE id = $2)
        LIMIT 1`,
      [id, point, at(closed), appointment && at(appointment), arrived && at(arrived)],
    );
  const clock = (ticketId: number, name: string, due: string, met: string | null) =>
    pool.query('INSERT INTO service_clocks (ticket_id, clock, due_at, met_at) VALUES ($1, $2, $3, $4)', [
      ticketId,
      name,
      at(due),
      met && at(met),
    ]);
  /** A patrol of SP1, its report due 3 working days after the inspection (the standard's number). */
  const patrol = async (inspected: string, reported: string | null) =>
    pool.query(
      `INSERT INTO patrol_inspections (center_id, service_point_id, vehicles, inspected_at, recorded_by, report_due, reported_at)
       VALUES (1, 1, 5, $1, 'sp1', $2, $3)`,
      [at(inspected), new WorkingCalendar().addWorkingDays(at(inspected), 3), reported && at(reported)],
    );
  const league = async (user: string) =>
    (await api.get(user, '/api/service-points/league?from=2026-09-01&to=2026-09-30')).body as Record<
      string,
      number | string
    >[];
  const desk = async (user: string, period: string) =>
    (await api.get(user, `/api/reports/periodic?period=${period}`)).body.desk as Record<string, unknown>[];

  beforeAll(async () => {
    ({ db, pool } = await storedDatabase('missed_clocks'));
    await pool.query(
      `INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州中心', '郑州'), (2, 'C2', '洛阳中心', '洛阳')`,
    );
    await pool.query(
      `INSERT INTO service_points (id, code, name, center_id) VALUES (1, 'SP1', '郑州站', 1), (2, 'SP2', '洛阳站', 2)`,
    );
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A10001', 2, 1), (2, '豫C20002', 2, 2)`,
    );
    await pool.query(
      `INSERT INTO terminals (phone, vehicle_id) VALUES ('13900000001', 1), ('13900000002', 2)`,
    );

    // SP1: three tickets handled. One arrival 45 minutes after the appointment; one 20 seconds
    // after it (0 whole minutes: on time).
    await ticket(1, 1, '2026-09-08T12:00', '2026-09-07T10:00', '2026-09-07T10:45');
    await pool.query(
      `INSERT INTO tickets (id, kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due,
                            severity, service_point_id, appointment_at, arrived_at, closed_at, close_reason)
       VALUES (2, 'repair', '13900000001', 1, 1, 'closed', 'offline', '2026-09-07T00:00+08', '2026-09-07T02:00+08',
               '2026-09-08T00:00+08', 2, 1, '2026-09-08T10:00+08', '2026-09-08T10:00:20+08', '2026-09-08T12:00+08', 'verified')`,
    );
    await ticket(3, 1, '2026-09-15T12:00');
    // The returned unit of ticket 3: quoted 5 h late (due 1 working day after arrival), the
    // exchange shipped in time, the paid repair never shipped, the faulty unit back a day late.
    await clock(3, 'quote', '2026-09-09T10:00', '2026-09-09T15:00');
    await clock(3, 'exchange-ship', '2026-09-10T10:00', '2026-09-10T09:00');
    await clock(3, 'repair-ship', '2026-09-11T10:00', null);
    await clock(3, 'faulty-return', '2026-09-12T10:00', '2026-09-13T10:00');
    // Patrols: inspected Monday 7 September, reported 4 working days later (Friday: due Thursday);
    // one reported in time; one due 24 September never reported.
    await patrol('2026-09-07T09:00', '2026-09-11T09:00');
    await patrol('2026-09-14T09:00', '2026-09-16T09:00');
    await patrol('2026-09-21T09:00', null);
    // SP2: one ticket handled, nothing missed.
    await ticket(4, 2, '2026-09-10T12:00');

    const users: NewUser[] = [
      { username: 'admin', password: 'admin-secret', role: 'admin' },
      { username: 'op1', password: 'op1-secret', role: 'operator', centerIds: [1] },
      { username: 'op2', password: 'op2-secret', role: 'operator', centerIds: [2] },
      { username: 'sp2', password: 'sp2-secret', role: 'service', servicePointId: 2 },
    ];
    api = await startApiServerFor(pool, users);
  }, 60_000);
  afterAll(() => closeAll(api, pool, db));

  it('counts each missed clock in the league row and ranks by missed clocks per ticket handled', async () => {
    const rows = await league('admin');
    expect(rows.map((r) => [r.rank, r.code])).toEqual([
      [1, 'SP2'],
      [2, 'SP1'],
    ]);
    expect(rows[1]).toMatchObject({
      handled: 3,
      slaBreaches: 0,
      lateArrivals: 1, // 45 minutes late; 20 seconds is on time
      latePatrolReports: 2, // reported 4 working days after, and never reported past its due
      quoteBreaches: 1,
      rmaBreaches: 2, // the repair never shipped, the faulty unit back a day late
      missedClocks: 6,
    });
    expect(rows[0]).toMatchObject({ handled: 1, lateArrivals: 0, missedClocks: 0 });
  });

  it('keeps each center’s misses to its own managers and a service point to its own', async () => {
    expect((await league('op2')).map((r) => [r.code, r.missedClocks])).toEqual([['SP2', 0]]);
    expect((await league('sp2')).map((r) => r.code)).toEqual(['SP2']);
    expect((await league('op1'))[0]).toMatchObject({ code: 'SP1', latePatrolReports: 2 });
    // The report's province is what the user sees: op2's has none of center 1's misses.
    expect((await desk('op2', '2026-09')).at(-1)).toMatchObject({ center: 'province', lateArrivals: 0 });
  });

  it('counts them in the weekly and monthly reports by when each was due', async () => {
    // Week 37 (7–13 September): the late arrival, the patrol due on the 10th, the quote and two RMA clocks.
    expect(await desk('admin', '2026-W37')).toEqual([
      expect.objectContaining({
        center: 1,
        lateArrivals: 1,
        latePatrolReports: 1,
        quoteBreaches: 1,
        rmaBreaches: 2,
      }),
      expect.objectContaining({ center: 2, lateArrivals: 0, latePatrolReports: 0 }),
      expect.objectContaining({ center: 'province', lateArrivals: 1, latePatrolReports: 1, rmaBreaches: 2 }),
    ]);
    // The month adds the patrol due on the 24th, never reported.
    const month = await desk('admin', '2026-09');
    expect(month[0]).toMatchObject({ center: 1, latePatrolReports: 2, quoteBreaches: 1 });
    // Week 39 holds only that one.
    expect((await desk('admin', '2026-W39'))[0]).toMatchObject({
      center: 1,
      lateArrivals: 0,
      latePatrolReports: 1,
      quoteBreaches: 0,
      rmaBreaches: 0,
    });
  });

  it('counts them in the monthly service report, per center and for the province, in scope', async () => {
    const centers = async (user: string) =>
      (await api.get(user, '/api/reports/service?month=2026-09')).body.centers as Record<string, unknown>[];
    const missed = { lateArrivals: 1, latePatrolReports: 2, quoteBreaches: 1, rmaBreaches: 2 };
    expect(await centers('admin')).toEqual([
      expect.objectContaining({ center: 1, ...missed }),
      expect.objectContaining({
        center: 2,
        lateArrivals: 0,
        latePatrolReports: 0,
        quoteBreaches: 0,
        rmaBreaches: 0,
      }),
      expect.objectContaining({ center: 'province', ...missed }),
    ]);
    // op2 sees none of center 1's misses, in its center or its province.
    expect((await centers('op2')).map((c) => [c.center, c.lateArrivals, c.rmaBreaches])).toEqual([
      [2, 0, 0],
      ['province', 0, 0],
    ]);
    // August has none of September's.
    expect((await api.get('admin', '/api/reports/service?month=2026-08')).body.centers).toEqual([
      expect.objectContaining({ center: 'province', lateArrivals: 0, latePatrolReports: 0 }),
    ]);
  });

  it('exports the new columns in CSV', async () => {
    // A download of its own: the helpers read JSON.
    const login = await fetch(`${api.base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin-secret' }),
    });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const text = async (path: string) => (await fetch(`${api.base}${path}`, { headers: { cookie } })).text();
    const csv = await text('/api/reports/periodic?period=2026-W37&part=desk&format=csv');
    const [header, first] = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
    const columns = header!.split(',');
    const values = first!.split(',');
    const cell = (name: string) => values[columns.indexOf(name)];
    expect([
      cell('lateArrivals'),
      cell('latePatrolReports'),
      cell('quoteBreaches'),
      cell('rmaBreaches'),
    ]).toEqual(['1', '1', '1', '2']);
    const monthly = (await text('/api/reports/service?month=2026-09&format=csv')).replace(/^\uFEFF/, '');
    expect(monthly.split(/\r?\n/)[0]).toContain('lateArrivals,latePatrolReports,quoteBreaches,rmaBreaches');
    const leagueCsv = await text('/api/service-points/league?from=2026-09-01&to=2026-09-30&format=csv');
    expect(leagueCsv.split(/\r?\n/)[0]).toContain(
      'late_arrivals,late_patrol_reports,quote_breaches,rma_breaches,missed_clocks',
    );
  });
});
