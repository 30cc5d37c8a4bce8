import { platformMove } from '@jt808/after-sales';
import { ensureStorage, migrate } from '@jt808/storage';
import { closeAll } from '@jt808/test-support/platform-database';
import { freshDatabase, hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { seedTwoCenters } from '@jt808/test-support/two-centers';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../src/app.js';
import { saveUser } from '../src/users.js';

/**
 * The longest period the API answers for (400 days), ending a month ahead: everything the tests
 * made, the follow-up calls due up to three weeks after a close included.
 */
const LAST_400_DAYS = `from=${new Date(Date.now() - 369 * 86_400_000).toISOString().slice(0, 10)}&to=${new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)}`;

/** An instant given as Asia/Shanghai wall-clock time. */
const at = (local: string) => new Date(`${local}:00+08:00`);

describe.skipIf(!hasPostgres)('after-sales operations through the API (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: FastifyInstance;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    db = await freshDatabase('after_sales');
    await migrate(db.url);
    expect(await migrate(db.url)).toEqual([]); // up to date: running again changes nothing
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await ensureStorage(pool, { retentionDays: 180, allowTimescale: false });
    await seedTwoCenters(pool);
    await pool.query(
      `INSERT INTO enterprises (id, code, name, contact, phone) VALUES (1, 'E1', '郑州物流', '李四', '037112345678')`,
    );
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id, enterprise_id, owner_name, owner_phone, owner_id_number) VALUES
         (1, '豫A10001', 2, 1, 1, '张三丰', '13800001111', '410101199001011234'),
         (2, '豫A10002', 2, 1, 1, '王五', '13800002222', NULL),
         (3, '豫C30003', 2, 2, NULL, '赵六', '13800003333', NULL)`,
    );
    await pool.query(
      `INSERT INTO terminals (phone, vehicle_id, maker, model, installed_at, warranty_until, shipped_on, ship_mode) VALUES
         ('13900000001', 1, 'M1', 'X1', '2026-02-01T10:00:00+08:00', '2027-01-12', '2026-01-10', 'express'),
         ('13900000002', 2, 'M1', 'X2', '2026-02-01T10:00:00+08:00', '2027-01-31', NULL, NULL),
         ('13900000003', 3, 'M2', 'Y1', '2026-02-01T10:00:00+08:00', '2027-01-31', '2026-01-10', 'freight')`,
    );
    await saveUser(pool, { username: 'admin', password: 'admin-secret', role: 'admin' });
    await saveUser(pool, { username: 'desk', password: 'desk-secret', role: 'desk', centerIds: 'all' });
    await saveUser(pool, { username: 'op1', password: 'op1-secret', role: 'operator', centerIds: [1] });
    await saveUser(pool, { username: 'sp1', password: 'sp1-secret', role: 'service', servicePointId: 1 });
    api = await buildApi({ pool, secureCookies: false });
    for (const [user, password] of [
      ['admin', 'admin-secret'],
      ['desk', 'desk-secret'],
      ['op1', 'op1-secret'],
      ['sp1', 'sp1-secret'],
    ] as const) {
      const response = await api.inject({
        method: 'POST',
        url: '/api/login',
        payload: { username: user, password },
      });
      expect(response.statusCode).toBe(200);
      cookies[user] = `jt808_session=${response.cookies.find((c) => c.name === 'jt808_session')!.value}`;
    }
  });
  afterAll(() => closeAll(api, pool, db));

  const get = (user: string, url: string) =>
    api.inject({ method: 'GET', url, headers: { cookie: cookies[user]! } });
  const send = (user: string, method: 'POST' | 'PUT', url: string, payload: object) =>
    api.inject({ method, url, payload, headers: { cookie: cookies[user]! } });

  it('intake → ticket → closed → callback, with the desk clocks', async () => {
    // A consultation answered on the call closes at once.
    const consult = await send('desk', 'POST', '/api/desk/calls', {
      receivedAt: at('2026-11-27T15:00').toISOString(),
      callerName: '张三丰',
      callerPhone: '13800001111',
      vehicle: { plate: '豫A10001' },
      description: '怎么查看轨迹回放',
      category: 'consultation',
      severity: 3,
      answeredOnCall: true,
    });
    expect(consult.statusCode).toBe(201);
    expect(consult.json()).toMatchObject({ attached: false, state: 'closed' });
    expect(consult.json().clocks[0]).toMatchObject({
      clock: 'first-answer',
      metAt: at('2026-11-27T15:00').toISOString(),
    });

    // A severity-1 hardware fault on a Friday afternoon: answer in 10 min, parts in 4 h, on site in
    // 12 h (the standard's local visit; the ticket's on-site deadline is the visit clock).
    const fault = await send('desk', 'POST', '/api/desk/calls', {
      receivedAt: at('2026-11-27T15:00').toISOString(),
      callerPhone: '13800002222',
      vehicle: { terminal: '013900000002' },
      description: '屏幕不亮',
      category: 'hardware',
      severity: 1,
    });
    expect(fault.statusCode).toBe(201);
    const ticketId = fault.json().ticketId;
    expect(fault.json().clocks).toEqual([
      { clock: 'first-answer', dueAt: at('2026-11-27T15:10').toISOString(), metAt: null },
      { clock: 'visit', dueAt: at('2026-11-28T03:00').toISOString(), metAt: null },
      { clock: 'spare-parts', dueAt: at('2026-11-27T19:00').toISOString(), metAt: null },
    ]);
    // The same response and on-site deadlines as a platform ticket: a dispatch within 1 h
    // (severity 1), on site within 12 h; the first answer is a clock of its own.
    expect((await get('op1', `/api/tickets/${ticketId}`)).json()).toMatchObject({
      responseDue: at('2026-11-27T16:00').toISOString(),
      onsiteDue: at('2026-11-28T03:00').toISOString(),
    });
    const ticket = (await get('op1', `/api/tickets/${ticketId}`)).json();
    expect(ticket).toMatchObject({
      kind: 'repair',
      state: 'classified',
      category: 'hardware',
      severity: 1,
      source: 'desk',
    });

    // A second caller about the same vehicle (by the owner's phone) joins the open ticket.
    const again = await send('desk', 'POST', '/api/desk/calls', {
      callerPhone: '13600000000',
      vehicle: { ownerPhone: '13800002222' },
      description: '还是不亮',
      category: 'hardware',
      severity: 2,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ attached: true, ticketId });

    // Bad input and scope.
    const refused = await send('desk', 'POST', '/api/desk/calls', {
      callerPhone: '1380000',
      vehicle: { plate: '豫A10002' },
      description: 'x',
      category: 'hardware',
      severity: 2,
      answeredOnCall: true,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatch(/not closed on the call/);
    const outOfScope = await send('op1', 'POST', '/api/desk/calls', {
      callerPhone: '1380000',
      vehicle: { plate: '豫C30003' },
      description: 'x',
      category: 'guidance',
      severity: 3,
    });
    expect(outOfScope.statusCode).toBe(404);
    // A role the route does not allow is refused before its input is even looked at.
    expect((await send('sp1', 'POST', '/api/desk/calls', {})).statusCode).toBe(403);
    expect((await send('desk', 'POST', '/api/desk/calls', {})).statusCode).toBe(400);
    expect(
      (
        await send('sp1', 'POST', '/api/desk/calls', {
          callerPhone: '1380000',
          vehicle: { plate: '豫A10002' },
          description: 'x',
          category: 'guidance',
          severity: 3,
        })
      ).statusCode,
    ).toBe(403);

    // The desk answers, the workflow runs, the platform verifies and closes.
    expect((await send('desk', 'POST', `/api/desk/tickets/${ticketId}/answer`, {})).json()).toEqual({
      state: 'classified',
    });
    expect(
      (await send('desk', 'POST', `/api/desk/tickets/${ticketId}/answer`, { settled: true })).statusCode,
    ).toBe(409);
    const act = (user: string, body: object) => send(user, 'POST', `/api/tickets/${ticketId}/actions`, body);
    expect(
      (await act('op1', { action: 'dispatch', installer: 'inst-a', servicePointId: 1 })).statusCode,
    ).toBe(200);
    expect((await act('sp1', { action: 'appoint', at: new Date().toISOString() })).statusCode).toBe(200);
    expect((await act('sp1', { action: 'arrive' })).statusCode).toBe(200);
    // Arriving met the visit clock.
    const visit = (await get('sp1', `/api/desk/tickets/${ticketId}/clocks`))
      .json()
      .find((c: { clock: string }) => c.clock === 'visit');
    expect(visit.metAt).not.toBeNull();
    expect(
      (await act('sp1', { action: 'resolve', faultCauseCode: 'display', faultCause: '屏幕排线松动' }))
        .statusCode,
    ).toBe(200);
    expect(await platformMove(pool, ticketId, 'verified', 'test: online and healthy', new Date())).toBe(true);
    expect(await platformMove(pool, ticketId, 'close-verified', 'verified by the platform', new Date())).toBe(
      true,
    );

    // Both closed tickets have their two follow-up calls; the list masks the owners.
    const due = await get('desk', '/api/callbacks/due?day=2099-12-31');
    expect(due.statusCode).toBe(200);
    const tasks = due.json() as {
      id: string;
      ticketId: string;
      round: number;
      ownerPhone: string;
      ownerName: string;
    }[];
    expect(tasks.map((t) => `${t.ticketId}/${t.round}`).sort()).toEqual(
      [consult.json().ticketId, ticketId].flatMap((id) => [`${id}/1`, `${id}/2`]).sort(),
    );
    expect(tasks.find((t) => t.ticketId === ticketId)).toMatchObject({
      ownerPhone: '138****2222',
      ownerName: '王*',
    });
    const task = tasks.find((t) => t.ticketId === ticketId && t.round === 1)!;
    const unhappy = await send('desk', 'POST', `/api/callbacks/${task.id}`, { satisfaction: 2 });
    expect(unhappy.statusCode).toBe(400);
    expect(unhappy.json().error).toMatch(/reason/);
    const recorded = await send('desk', 'POST', `/api/callbacks/${task.id}`, {
      satisfaction: 2,
      reason: '等了三天',
      comment: '希望更快',
    });
    expect(recorded.json()).toEqual({ escalated: true });
    expect((await send('desk', 'POST', `/api/callbacks/${task.id}`, { satisfaction: 5 })).statusCode).toBe(
      409,
    );
    const { rows: events } = await pool.query(`SELECT kind, center_id, detail FROM after_sales_events`);
    expect(events).toEqual([
      {
        kind: 'escalation',
        center_id: 1,
        detail: expect.objectContaining({ ticketId, satisfaction: 2, reason: '等了三天' }),
      },
    ]);
    expect((await get('op1', `/api/tickets/${ticketId}`)).json()).toMatchObject({
      satisfaction: 2,
      state: 'closed',
    });

    const figures = (await get('op1', `/api/callbacks/figures?${LAST_400_DAYS}`)).json();
    expect(figures).toContainEqual(
      expect.objectContaining({
        level: 'center',
        id: 1,
        due: 4,
        done: 1,
        callbackRate: 0.25,
        satisfactionRate: 0,
        escalations: 1,
      }),
    );
    expect(figures).toContainEqual(
      expect.objectContaining({ level: 'service-point', id: 1, due: 2, done: 1 }),
    );
  });

  it('records, answers and charges complaints; raises the automatic ones once', async () => {
    const { rows } = await pool.query(`SELECT id FROM tickets WHERE phone = '13900000002'`);
    const created = await send('desk', 'POST', '/api/complaints', {
      ticketId: Number(rows[0].id),
      description: '维修太慢',
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect(Date.parse(created.json().dueAt) - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const unfair = await send('desk', 'POST', `/api/complaints/${id}/answer`, {
      finding: 'upheld',
      measures: '约谈',
    });
    expect(unfair.statusCode).toBe(400);
    const answered = await send('desk', 'POST', `/api/complaints/${id}/answer`, {
      finding: 'upheld',
      measures: '约谈服务站，限期整改',
      chargedServicePointId: 1,
      measuresOwner: '王站长',
      measuresDue: '2026-12-31',
    });
    expect(answered.json()).toMatchObject({ late: false });
    const listed = (await get('op1', '/api/complaints')).json();
    expect(listed[0]).toMatchObject({ finding: 'upheld', chargedServicePointId: 1, phone: '139****0002' });

    // The same fault back after a repair, and a second kind of fault on terminal 3.
    await pool.query(
      `INSERT INTO tickets (kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, fault_cause,
                            resolved_at, closed_at, close_reason, service_point_id, installer)
       VALUES ('repair', '13900000003', 3, 2, 'closed', 'antenna-open', now() - interval '60 days', now(), now(), 'antenna',
               now() - interval '58 days', now() - interval '57 days', 'verified', 2, 'inst-b'),
              ('repair', '13900000003', 3, 2, 'closed', 'antenna-open', now() - interval '20 days', now(), now(), 'antenna',
               now() - interval '19 days', now() - interval '18 days', 'verified', 2, 'inst-b'),
              ('repair', '13900000003', 3, 2, 'new', 'power-cut', now() - interval '1 hour', now(), now(), NULL, NULL, NULL, NULL, NULL, NULL)`,
    );
    expect((await send('desk', 'POST', '/api/complaints/review', { days: 90 })).statusCode).toBe(403);
    const review = await send('admin', 'POST', '/api/complaints/review', { days: 90 });
    expect(review.json()).toEqual({ raised: 2 });
    expect((await send('admin', 'POST', '/api/complaints/review', { days: 90 })).json()).toEqual({
      raised: 0,
    });
    const { rows: auto } = await pool.query(
      `SELECT source, service_point_id, installer FROM complaints WHERE created_by = 'platform' ORDER BY id`,
    );
    expect(auto).toEqual([
      { source: 'repeat-fault', service_point_id: 2, installer: 'inst-b' },
      { source: 'multiple-faults', service_point_id: null, installer: null },
    ]);
    // The operator of center 1 does not see center 2's complaints.
    expect((await get('op1', '/api/complaints')).json()).toHaveLength(1);
  });

  it('settles an installer for a month with delays and upheld complaints, to the fen', async () => {
    await pool.query(
      `INSERT INTO installers (code, name, service_point_id) VALUES ('inst-a', '安装队甲', 1)`,
    );
    await pool.query(
      `INSERT INTO installer_contracts (installer, name, service_point_id, fee_fen) VALUES ('inst-a', '安装队甲', 1, 12399)`,
    );
    await pool.query(
      `INSERT INTO installations (vehicle_id, terminal_phone, installer, service_point_id, planned_on, done_at, accepted_at, owner_signed_at) VALUES
         (1, '13900000001', 'inst-a', 1, '2026-11-02', '2026-11-02T10:00:00+08', '2026-11-02T10:00:00+08', '2026-11-02T10:05:00+08'),
         (1, '13900000001', 'inst-a', 1, '2026-11-02', '2026-11-04T10:00:00+08', '2026-11-04T10:00:00+08', '2026-11-04T10:05:00+08'),
         (2, '13900000002', 'inst-a', 1, '2026-11-03', '2026-11-04T11:00:00+08', '2026-11-04T11:00:00+08', '2026-11-04T11:05:00+08'),
         (2, '13900000002', 'inst-a', 1, '2026-11-10', '2026-11-10T11:00:00+08', '2026-11-10T11:00:00+08', NULL),
         (2, '13900000002', 'inst-a', 1, '2026-12-01', '2026-12-01T00:30:00+08', '2026-12-01T00:30:00+08', '2026-12-01T00:35:00+08'),
         (2, '13900000002', 'inst-a', 1, '2026-11-01', '2026-11-01T00:30:00+08', '2026-11-01T00:30:00+08', '2026-11-01T00:35:00+08')`,
    );
    await pool.query(
      `INSERT INTO complaints (source, vehicle_id, center_id, description, opened_at, due_at, answered_at, finding, measures,
                               charged_installer, created_by) VALUES
         ('desk', 1, 1, '安装不规范', '2026-11-20T09:00:00+08', '2026-11-21T09:00:00+08', '2026-11-20T15:00:00+08', 'upheld', '返工', 'inst-a', 'desk'),
         ('desk', 1, 1, '态度不好', '2026-11-21T09:00:00+08', '2026-11-22T09:00:00+08', '2026-11-21T15:00:00+08', 'not-upheld', '核实无此事', NULL, 'desk'),
         ('desk', 1, 1, '线路松动', '2026-11-30T09:00:00+08', '2026-12-01T09:00:00+08', '2026-12-01T09:00:00+08', 'upheld', '返工', 'inst-a', 'desk')`,
    );
    // The owner signs off the one accepted on 10 November after all; then it is taken back for this test.
    const { rows: unsigned } = await pool.query('SELECT id FROM installations WHERE owner_signed_at IS NULL');
    const signoff = await send('sp1', 'POST', `/api/installations/${unsigned[0].id}/owner-signoff`, {});
    expect(signoff.json().ownerSignedAt).not.toBeNull();
    expect(
      (await send('op1', 'POST', `/api/installations/${unsigned[0].id}/owner-signoff`, {})).statusCode,
    ).toBe(403);
    await pool.query('UPDATE installations SET owner_signed_at = NULL WHERE id = $1', [unsigned[0].id]);
    const response = await get('op1', '/api/settlements?from=2026-11-01&to=2026-11-30');
    expect(response.statusCode).toBe(200);
    const [settlement] = response.json();
    expect(settlement).toMatchObject({
      installer: 'inst-a',
      accepted: 4,
      grossFen: 49_596,
      deductionsFen: 7_440,
      netFen: 42_156,
      workingDays: 21,
      contracted: 420,
      capped: false,
    });
    expect(settlement.notCounted).toHaveLength(1);
    expect(
      settlement.deductions.map((d: { kind: string; day: string; amountFen: number }) => [
        d.kind,
        d.day,
        d.amountFen,
      ]),
    ).toEqual([
      ['delay', '2026-11-03', 2_480],
      ['delay', '2026-11-04', 2_480],
      ['complaint', '2026-11-20', 2_480],
    ]);
    const csv = await get('sp1', '/api/settlements?from=2026-11-01&to=2026-11-30&format=csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toContain('inst-a,net,,,,,42156,421.56,');
    // Meant for installers: no SIM numbers, owners or contacts.
    expect(csv.body).not.toMatch(/139000000|1380000|张三丰/);
    expect((await get('desk', '/api/settlements?from=2026-11-01&to=2026-11-30')).statusCode).toBe(403);
    expect((await get('op1', '/api/settlements?from=2026-11-30&to=2026-11-01')).statusCode).toBe(400);
  });

  it('masks personal data in lists and by role; a full view is recorded', async () => {
    const list = (await get('desk', `/api/customers?q=${encodeURIComponent('豫A1000')}`)).json();
    expect(list[0]).toMatchObject({
      plate: '豫A10001',
      ownerName: '张**',
      ownerPhone: '138****1111',
      ownerIdNumber: '4101**********1234',
      phone: '139****0001',
      enterpriseContact: '李*',
    });
    const masked = (await get('desk', '/api/customers/1')).json();
    expect(masked).toMatchObject({ full: false, ownerPhone: '138****1111' });
    expect(masked.timeline.map((e: { what: string }) => e.what)).toEqual(
      expect.arrayContaining(['call', 'ticket', 'installation', 'callback']),
    );
    const { rows: before } = await pool.query('SELECT count(*)::int AS n FROM personal_data_views');
    expect(before[0].n).toBe(0);
    const full = (await get('desk', '/api/customers/1?full=true')).json();
    expect(full).toMatchObject({
      full: true,
      ownerPhone: '13800001111',
      ownerIdNumber: '410101199001011234',
    });
    expect((await get('sp1', '/api/customers/1?full=true')).statusCode).toBe(403);
    expect((await get('op1', '/api/customers/3?full=true')).statusCode).toBe(404);
    const views = (await get('admin', '/api/customers/1/views')).json();
    expect(views).toEqual([
      expect.objectContaining({ username: 'desk', fields: expect.arrayContaining(['owner_id_number']) }),
    ]);
    expect((await get('desk', '/api/customers/1/views')).statusCode).toBe(403);
    const calls = (await get('desk', '/api/desk/calls?q=13800001111')).json();
    expect(calls[0]).toMatchObject({
      callerPhone: '138****1111',
      callerName: '张**',
      phone: '139****0001',
    });
  });

  it('keeps contracts with the enterprise and the private owner, in the archive and its timeline', async () => {
    const contract = {
      number: 'HT-2026-001',
      kind: 'data-service',
      party: 'enterprise',
      signedOn: '2025-01-05',
      startsOn: '2025-01-10',
      endsOn: '2025-12-31',
      vehiclesCovered: 2,
      feePerVehicleFen: 36_000,
    };
    const created = await send('desk', 'POST', '/api/customers/2/contracts', contract);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ party: 'enterprise', status: 'expired', totalFen: 72_000 });
    // The number is unique; a vehicle without an enterprise only has contracts with its owner.
    expect((await send('admin', 'POST', '/api/customers/2/contracts', contract)).statusCode).toBe(409);
    const owner = {
      ...contract,
      party: 'owner',
      kind: 'service',
      startsOn: '2026-01-01',
      endsOn: '2099-12-31',
    };
    expect(
      (await send('admin', 'POST', '/api/customers/3/contracts', { ...owner, party: 'enterprise' }))
        .statusCode,
    ).toBe(400);
    const ownerContract = await send('admin', 'POST', '/api/customers/3/contracts', {
      ...owner,
      number: 'HT-2026-002',
    });
    expect(ownerContract.json()).toMatchObject({ party: 'owner', status: 'active', kind: 'service' });
    expect(
      (
        await send('admin', 'POST', '/api/customers/1/contracts', {
          ...owner,
          number: 'HT-X',
          endsOn: '2025-12-31',
        })
      ).statusCode,
    ).toBe(400);
    // Operators read but do not sign; nobody reaches a customer outside their scope.
    expect(
      (await send('op1', 'POST', '/api/customers/1/contracts', { ...owner, number: 'HT-Y' })).statusCode,
    ).toBe(403);
    expect((await get('op1', '/api/customers/3/contracts')).statusCode).toBe(404);
    expect((await get('op1', '/api/customers/1/contracts')).json()).toEqual([
      expect.objectContaining({ number: 'HT-2026-001', vehiclesCovered: 2, feePerVehicleFen: 36_000 }),
    ]);

    // The archive of vehicle 1 is its enterprise's: both vehicles with terminals (SIM masked), the
    // enterprise contract (not vehicle 3's owner's), signed and ended in the timeline.
    const archive = (await get('desk', '/api/customers/1')).json();
    expect(archive.vehicles).toEqual([
      { id: '1', plate: '豫A10001', maker: 'M1', model: 'X1', serial: null, phone: '139****0001' },
      { id: '2', plate: '豫A10002', maker: 'M1', model: 'X2', serial: null, phone: '139****0002' },
    ]);
    expect(archive.contracts.map((c: { number: string }) => c.number)).toEqual(['HT-2026-001']);
    const contractEvents = archive.timeline.filter((e: { what: string }) => e.what === 'contract');
    expect(contractEvents.map((e: { summary: string; at: string }) => [e.summary, e.at])).toEqual([
      ['HT-2026-001 data-service ended', at('2026-01-01T00:00').toISOString()],
      ['HT-2026-001 data-service signed', at('2025-01-05T00:00').toISOString()],
    ]);
    const times = archive.timeline.map((e: { at: string }) => e.at);
    expect(times).toEqual([...times].sort().reverse());
    expect(new Set(archive.timeline.map((e: { vehicleId: string | null }) => e.vehicleId))).toContain('2');
    const full = (await get('desk', '/api/customers/1?full=true')).json();
    expect(full.vehicles[0].phone).toBe('13900000001');
    // A private owner's archive: their vehicle, their contract; a contract not yet ended has no end event.
    const private3 = (await get('desk', '/api/customers/3')).json();
    expect(private3.vehicles.map((v: { plate: string }) => v.plate)).toEqual(['豫C30003']);
    expect(private3.contracts.map((c: { number: string }) => c.number)).toEqual(['HT-2026-002']);
    expect(
      private3.timeline
        .filter((e: { what: string }) => e.what === 'contract')
        .map((e: { summary: string }) => e.summary),
    ).toEqual(['HT-2026-002 service signed']);
  });

  it('says which warranty rule applies, for both shipment modes and for installation only', async () => {
    const express = (await get('desk', '/api/warranty/13900000001?today=2026-02-10&quality=true')).json();
    expect(express).toMatchObject({ rule: 'return', warranty: { start: '2026-01-13', basis: 'express' } });
    // The roster states 2027-01-31 for this unit; the standard's ship-date rule is the one source.
    const freight = (await get('admin', '/api/warranty/13900000003?today=2027-02-01')).json();
    expect(freight).toMatchObject({
      rule: 'paid-repair',
      warranty: { start: '2026-01-15', until: '2027-01-14', basis: 'freight' },
    });
    const installed = (await get('desk', '/api/warranty/13900000002?today=2026-06-01')).json();
    expect(installed).toMatchObject({
      rule: 'free-repair',
      warranty: { start: '2026-02-01', basis: 'installation' },
    });
    expect(installed.reason.zh).toContain('免费维修');
    expect((await get('op1', '/api/warranty/13900000003')).statusCode).toBe(404);
    expect((await get('desk', '/api/warranty/13900000001?today=2025-01-01')).statusCode).toBe(400);
  });

  it('keeps the calendar and settings, administrators only', async () => {
    const holiday = { days: [{ day: '2026-12-31', kind: 'holiday', name: '测试假日' }] };
    expect((await send('desk', 'PUT', '/api/calendar', holiday)).statusCode).toBe(403);
    expect((await send('admin', 'PUT', '/api/calendar', holiday)).statusCode).toBe(200);
    expect(
      (await send('admin', 'PUT', '/api/calendar', { days: [{ day: '2026-02-30', kind: 'holiday' }] }))
        .statusCode,
    ).toBe(400);
    expect((await get('desk', '/api/calendar?year=2026')).json()).toEqual([
      { day: '2026-12-31', kind: 'holiday', name: '测试假日' },
    ]);
    expect(
      (await send('admin', 'PUT', '/api/after-sales/settings', { visitWorkingDays: 2.5 })).statusCode,
    ).toBe(400);
    const saved = await send('admin', 'PUT', '/api/after-sales/settings', { visitWorkingDays: 2 });
    expect(saved.json()).toMatchObject({ visitWorkingDays: 2, firstAnswerMinutes: 30 });
    const call = await send('desk', 'POST', '/api/desk/calls', {
      receivedAt: at('2026-12-30T10:00').toISOString(),
      callerPhone: '13800001111',
      vehicle: { plate: '豫A10001' },
      description: '怎样导出报表',
      category: 'guidance',
      severity: 2,
    });
    // A question that needs no visit is settled within visitWorkingDays: two working days from
    // Wednesday 30 December, skipping the holiday on the 31st: Friday 1 January (no holiday in this
    // test calendar) and Monday 4 January.
    expect((await get('desk', `/api/tickets/${call.json().ticketId}`)).json()).toMatchObject({
      kind: 'service',
      onsiteDue: at('2027-01-04T10:00').toISOString(),
    });
    await send('admin', 'PUT', '/api/after-sales/settings', { visitWorkingDays: 3 });
  });

  it('reports the month per center and for the province, and ranks the service points', async () => {
    const report = await get('op1', '/api/reports/service?month=2026-11');
    expect(report.statusCode).toBe(200);
    const { centers, faults, targets } = report.json();
    expect(targets).toEqual({ callbackRate: 1, satisfactionRate: 0.98 });
    expect(centers.map((c: { center: unknown }) => c.center)).toEqual([1, 'province']);
    const center1 = centers[0];
    expect(center1).toMatchObject({ tickets: 2, installationsAccepted: 4, installationsContracted: 420 });
    expect(center1.meanHoursToRespond).toBeGreaterThan(0);
    expect(faults).toContainEqual({
      center: 1,
      maker: 'M1',
      model: 'X2',
      cause: 'display',
      causeZh: '显示屏或调度屏故障',
      causeEn: 'Display fault',
      repairs: 1,
    });
    const csv = await get('admin', '/api/reports/service?month=2026-11&format=csv');
    expect(csv.body.split('\r\n')[0]).toMatch(/^\uFEFFmonth,center,tickets,breached,slaCompliance/);
    expect((await get('admin', '/api/reports/service?month=2026-11&format=csv&part=faults')).body).toContain(
      'display',
    );
    expect((await get('admin', '/api/reports/service?month=2026-13')).statusCode).toBe(400);
    const league = (await get('admin', `/api/service-points/league?${LAST_400_DAYS}`)).json();
    expect(league.map((p: { rank: number; code: string }) => [p.rank, p.code])).toHaveLength(2);
    expect(league.find((p: { code: string }) => p.code === 'SP2')).toMatchObject({ repeatFaults: 1 });
  });
});
