import { localDay } from '@jt808/after-sales';
import { type ApiServer, startApiServerFor } from '@jt808/test-support/api-server';
import { closeAll, storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { seedTwoCenters } from '@jt808/test-support/two-centers';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The service desk's routes on the contract (api-contract/src/desk.ts) with every nullable field
 * both null and filled: strict responses (vitest.config.ts) turn an answer its schema does not
 * describe exactly into a 500, so each 200 here is the check.
 */
describe.skipIf(!hasPostgres)('the desk routes answer by their contract (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: ApiServer;
  const today = localDay(Date.now());
  const month = today.slice(0, 7);

  beforeAll(async () => {
    ({ db, pool } = await storedDatabase('contract_desk'));
    await seedTwoCenters(pool);
    await pool.query(
      `INSERT INTO enterprises (id, code, name, contact, phone) VALUES (1, 'E1', '郑州运输', '李四', '13700000001')`,
    );
    // Vehicle 1: an enterprise's, owner and terminal filled, shipped (a warranty); vehicle 2: nothing but its plate.
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id, enterprise_id, owner_name, owner_phone, owner_id_number)
       VALUES (1, '豫A12345', 2, 1, 1, '张三', '13800001111', '410101199001011234'), (2, '豫A54321', 2, 1, NULL, NULL, NULL, NULL)`,
    );
    await pool.query(
      `INSERT INTO terminals (phone, vehicle_id, terminal_id, maker, model, shipped_on, ship_mode)
       VALUES ('13900000001', 1, 'T0000001', 'M1', 'X1', current_date - 30, 'express'), ('13900000002', 2, NULL, NULL, NULL, NULL, NULL)`,
    );
    // A ticket closed with a satisfaction at service point 1 (its callback, the league's rate), one open.
    await pool.query(
      `INSERT INTO tickets (id, kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, service_point_id,
                            closed_at, close_reason, satisfaction, fault_cause, resolved_at)
       VALUES (1, 'repair', '13900000001', 1, 1, 'closed', 'offline', now() - interval '2 days', now(), now(), 1,
               now() - interval '1 day', 'verified', 5, 'antenna', now() - interval '1 day'),
              (2, 'repair', '13900000002', 2, 1, 'new', 'offline', now(), now() + interval '2 hours', now() + interval '1 day', NULL,
               NULL, NULL, NULL, NULL, NULL)`,
    );
    await pool.query(
      `INSERT INTO owner_contracts (number, kind, enterprise_id, signed_on, starts_on, ends_on, vehicles_covered, fee_per_vehicle_fen, note, created_by)
       VALUES ('HT-1', 'service', 1, current_date - 400, current_date - 400, current_date - 10, 2, 36000, '两年', 'admin'),
              ('HT-2', 'data-service', 1, current_date, current_date, current_date + 365, 1, 12000, NULL, 'admin')`,
    );
    api = await startApiServerFor(pool, [
      { username: 'admin', password: 'admin-secret', role: 'admin' },
      { username: 'desk', password: 'desk-secret', role: 'desk', centerIds: [1] },
    ]);
    // Calls: one with the caller's name, one without.
    for (const callerName of ['王五', undefined]) {
      const call = await api.post('desk', '/api/desk/calls', {
        ...(callerName ? { callerName } : {}),
        callerPhone: '13600000000',
        vehicle: { plate: '豫A54321' },
        description: '不上线',
        category: 'hardware',
        severity: 2,
      });
      expect(call.status).toBeLessThan(202);
    }
    // Complaints: one answered upheld with measures reported done (every column filled), one open.
    const upheld = await api.post('desk', '/api/complaints', {
      ticketId: 1,
      description: '修得慢',
      handler: '赵六',
    });
    expect(upheld.status).toBe(201);
    const answer = await api.post('desk', `/api/complaints/${upheld.body.id}/answer`, {
      finding: 'upheld',
      measures: '培训',
      chargedServicePointId: 1,
      measuresOwner: '站长',
      measuresDue: today,
    });
    expect(answer.status).toBe(200);
    expect(
      (await api.post('desk', `/api/complaints/${upheld.body.id}/measures-done`, { report: '已培训' }))
        .status,
    ).toBe(200);
    expect(
      (await api.post('desk', '/api/complaints', { vehicleId: 2, description: '电话打不通' })).status,
    ).toBe(201);
    // The owners' monthly callbacks (a month filled, no ticket) beside the closed ticket's (ticket, no month).
    expect((await api.post('admin', '/api/callbacks/monthly', { month })).status).toBe(200);
  });
  afterAll(() => closeAll(api, pool, db));

  it('lists calls with and without the caller’s name', async () => {
    const calls = await api.get('desk', '/api/desk/calls');
    expect(calls.status).toBe(200);
    expect(calls.body.map((c: { callerName: string | null }) => c.callerName !== null).sort()).toEqual([
      false,
      true,
    ]);
  });

  it('lists complaints answered (every column filled) and open (their nulls)', async () => {
    const complaints = await api.get('admin', '/api/complaints');
    expect(complaints.status).toBe(200);
    const [answered] = complaints.body.filter((c: { finding: string | null }) => c.finding === 'upheld');
    expect(answered).toMatchObject({
      measuresDue: today,
      measuresDoneBy: 'desk',
      chargedServicePointId: 1,
    });
    expect(complaints.body.some((c: { ticketId: string | null }) => c.ticketId === null)).toBe(true);
  });

  it('lists callbacks of tickets and of months, and their figures', async () => {
    const later = localDay(Date.now() + 40 * 86_400_000);
    const due = await api.get('desk', `/api/callbacks/due?day=${later}`);
    expect(due.status).toBe(200);
    const kinds = new Set(due.body.map((c: { kind: string }) => c.kind));
    expect(kinds).toEqual(new Set(['ticket', 'monthly', 'complaint']));
    const monthly = due.body.find((c: { kind: string }) => c.kind === 'monthly');
    expect(monthly).toMatchObject({ ticketId: null });
    expect(monthly.month).not.toBeNull();
    const done = await api.post('desk', `/api/callbacks/${monthly.id}`, {
      satisfaction: 2,
      reason: '慢',
      comment: '再看',
    });
    expect(done.status).toBe(200);
    const figures = await api.get('admin', `/api/callbacks/figures?from=${month}-01&to=${later}`);
    expect(figures.status).toBe(200);
    expect(figures.body.some((f: { meanSatisfaction: number | null }) => f.meanSatisfaction !== null)).toBe(
      true,
    );
  });

  it('opens a customer with enterprise, vehicles, contracts, timeline and who looked', async () => {
    const found = await api.get('admin', '/api/customers?q=豫A');
    expect(found.status).toBe(200);
    expect(found.body.map((c: { enterprise: string | null }) => c.enterprise)).toEqual(['郑州运输', null]);
    expect(found.body[0].warrantyUntil).not.toBeNull();
    const archive = await api.get('admin', '/api/customers/1?full=true');
    expect(archive.status).toBe(200);
    expect(archive.body.contracts.map((c: { note: string | null }) => c.note)).toEqual([null, '两年']);
    expect(archive.body.timeline.length).toBeGreaterThan(0);
    expect((await api.get('admin', '/api/customers/2')).status).toBe(200);
    const views = await api.get('admin', '/api/customers/1/views');
    expect(views.status).toBe(200);
    expect(views.body[0].fields.length).toBeGreaterThan(0);
  });

  it('answers the warranty rule, the clocks, the league and the reports', async () => {
    const warranty = await api.get(
      'desk',
      '/api/warranty/13900000001?quality=true&exclusions=misuse&exclusions=modification',
    );
    expect(warranty.status).toBe(200);
    expect(warranty.body.rule).toBe('paid-repair');
    expect((await api.get('desk', '/api/desk/tickets/2/clocks')).status).toBe(200);
    const league = await api.get('admin', `/api/service-points/league?from=${month}-01&to=${today}`);
    expect(league.status).toBe(200);
    expect(
      league.body.some((row: { satisfactionRate: number | null }) => row.satisfactionRate === null),
    ).toBe(true);
    expect((await api.get('admin', `/api/reports/service?month=${month}`)).status).toBe(200);
    const periodic = await api.get('admin', `/api/reports/periodic?period=${month}`);
    expect(periodic.status).toBe(200);
    expect(periodic.body.recurringThresholds).toBeDefined();
    expect((await api.get('admin', `/api/reports/periodic?period=${today.slice(0, 4)}-W01`)).status).toBe(
      200,
    );
  });
});
