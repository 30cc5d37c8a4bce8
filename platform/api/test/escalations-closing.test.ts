import { runAfterSalesRound } from '@jt808/after-sales';
import { type ApiServer, startApiServerFor } from '@jt808/test-support/api-server';
import { closeAll, storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { seedTwoCenters } from '@jt808/test-support/two-centers';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewUser } from '../src/users.js';

/**
 * The escalations' other half (issue 21, item 4; docs/after-sales.md "Escalations and
 * notifications"): improvement measures past their deadline escalated once, and escalations
 * closed by the platform when their cause is gone, saying why.
 */
describe.skipIf(!hasPostgres)('escalations raised for measures and closed by themselves', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: ApiServer;

  /** The local date `days` from today in Asia/Shanghai, as SQL (never a UTC date). */
  const localDate = (days: number) => `((now() AT TIME ZONE 'Asia/Shanghai')::date + ${days})`;
  /** An answered complaint with measures owned and due `dueIn` local days from today. */
  const answered = async (id: number, center: number, dueIn: number) =>
    pool.query(
      `INSERT INTO complaints (id, source, vehicle_id, center_id, description, opened_at, due_at, created_by,
                               answered_at, finding, measures, charged_service_point_id, measures_owner, measures_due)
       VALUES ($1, 'desk', $2::int, $2::int, '装错线', now() - interval '20 days', now() - interval '19 days', 'desk1',
               now() - interval '19 days', 'upheld', '培训安装工', $2::int, '王经理', ${localDate(dueIn)})`,
      [id, center],
    );
  const escalations = async (user: string, query = '') =>
    (await api.get(user, `/api/inbox?kind=escalation${query}`)).body.items as Record<string, unknown>[];
  const ofComplaint = async (id: number) =>
    (await escalations('admin')).filter((e) => e.complaintId === String(id));
  const round = () => runAfterSalesRound(pool, new Date());

  beforeAll(async () => {
    ({ db, pool } = await storedDatabase('escalations_closing'));
    await seedTwoCenters(pool, { short: true });
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A10001', 2, 1), (2, '豫C20002', 2, 2),
       (10, '豫A10010', 2, 1), (11, '豫A10011', 2, 1), (12, '豫A10012', 2, 1)`,
    );
    await pool.query(
      `INSERT INTO terminals (phone, vehicle_id) VALUES ('13900000001', 1), ('13900000002', 2),
       ('13900000010', 10), ('13900000011', 11), ('13900000012', 12)`,
    );
    const users: NewUser[] = [
      { username: 'admin', password: 'admin-secret', role: 'admin' },
      { username: 'op1', password: 'op1-secret', role: 'operator', centerIds: [1] },
      { username: 'op2', password: 'op2-secret', role: 'operator', centerIds: [2] },
      { username: 'desk1', password: 'desk1-secret', role: 'desk', centerIds: [1] },
      { username: 'sp1', password: 'sp1-secret', role: 'service', servicePointId: 1 },
    ];
    api = await startApiServerFor(pool, users);
  }, 60_000);
  afterAll(() => closeAll(api, pool, db));

  it('escalates measures past their deadline once, and closes it when they are reported done', async () => {
    await answered(1, 1, -1); // the deadline was yesterday
    await answered(2, 1, 0); // due today: not past yet
    const first = await round();
    expect(first.escalations).toBe(1);
    expect((await round()).escalations).toBe(0); // once, not every round
    const [raised] = await ofComplaint(1);
    expect(raised).toMatchObject({ cause: 'measures-overdue', state: 'open', centerId: 1 });
    expect(raised!.text).toContain('王经理');
    expect(await ofComplaint(2)).toEqual([]);
    expect((await api.get('op1', '/api/inbox/count')).body).toEqual({ unread: 0, escalations: 1 });
    expect((await api.get('op2', '/api/inbox/count')).body.escalations).toBe(0);

    // Reported done (late): the next round closes the escalation, and says it was the platform.
    const done = await api.post('desk1', '/api/complaints/1/measures-done', { report: '已培训全部安装工' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ late: true });
    expect((await api.post('desk1', '/api/complaints/1/measures-done', { report: 'again' })).status).toBe(
      409,
    );
    expect((await round()).escalationsClosed).toBe(1);
    const [closed] = await ofComplaint(1);
    expect(closed).toMatchObject({
      state: 'resolved',
      resolvedBy: null,
      resolvedReason: 'measures-done',
      note: '系统自动关闭 / closed by the system: 整改措施已完成 / the measures were reported done',
    });
    expect((await api.get('op1', '/api/inbox/count')).body.escalations).toBe(0);
    expect(await escalations('op1', '&open=true')).toEqual([]);
    // Resolved, it is not raised again, however late the measures stay.
    expect((await round()).escalations).toBe(0);
  });

  it('does not raise again measures a manager resolved by hand', async () => {
    await answered(3, 2, -3);
    expect((await round()).escalations).toBe(1);
    const [raised] = await ofComplaint(3);
    const resolved = await api.post('op2', `/api/escalations/${raised!.id}`, {
      action: 'resolve',
      note: '延期至月底',
    });
    expect(resolved.body).toMatchObject({ resolvedBy: 'op2', resolvedReason: null });
    expect((await round()).escalations).toBe(0);
  });

  it('guards the measures report: scope, role, input, and measures that exist', async () => {
    await answered(4, 2, 5);
    expect((await api.post('op1', '/api/complaints/4/measures-done', { report: 'x' })).status).toBe(404);
    expect((await api.post('sp1', '/api/complaints/1/measures-done', { report: 'x' })).status).toBe(403);
    for (const bad of [{}, { report: '' }, { report: '   ' }, { report: 'x', extra: 1 }]) {
      expect(
        (await api.post('op2', '/api/complaints/4/measures-done', bad)).status,
        JSON.stringify(bad),
      ).toBe(400);
    }
    expect((await api.post('op2', '/api/complaints/abc/measures-done', { report: 'x' })).status).toBe(400);
    // A complaint without measures has none to report.
    await pool.query(
      `INSERT INTO complaints (id, source, vehicle_id, center_id, description, opened_at, due_at, created_by)
       VALUES (5, 'desk', 2, 2, '没人来', now(), now() + interval '1 day', 'desk1')`,
    );
    expect((await api.post('op2', '/api/complaints/5/measures-done', { report: 'x' })).status).toBe(409);
    const early = await api.post('op2', '/api/complaints/4/measures-done', { report: '已整改' });
    expect(early.body).toMatchObject({ late: false });
  });

  it('closes an overdue complaint’s escalation once it is answered', async () => {
    await pool.query(
      `INSERT INTO complaints (id, source, vehicle_id, center_id, description, opened_at, due_at, created_by)
       VALUES (6, 'desk', 1, 1, '电话不通', now() - interval '30 hours', now() - interval '6 hours', 'desk1')`,
    );
    await round();
    expect((await ofComplaint(6))[0]).toMatchObject({ cause: 'complaint-overdue', state: 'open' });
    expect(
      (await api.post('desk1', '/api/complaints/6/answer', { finding: 'not-upheld', measures: '已解释' }))
        .status,
    ).toBe(200);
    await round();
    expect((await ofComplaint(6))[0]).toMatchObject({
      state: 'resolved',
      resolvedReason: 'complaint-answered',
    });
  });

  it('closes a severity-1 breach once the late step is done, whether open or acknowledged', async () => {
    await pool.query(
      `INSERT INTO tickets (id, kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due,
                            category, severity, breaches)
       VALUES (10, 'repair', '13900000010', 10, 1, 'classified', 'offline', now() - interval '3 hours', now() - interval '2 hours',
               now() + interval '9 hours', 'hardware', 1, '{response}'),
              (11, 'repair', '13900000011', 11, 1, 'appointed', 'offline', now() - interval '20 hours', now() - interval '19 hours',
               now() - interval '8 hours', 'hardware', 1, '{on-site}'),
              (12, 'repair', '13900000012', 12, 1, 'appointed', 'offline', now() - interval '20 hours', now() - interval '19 hours',
               now() - interval '8 hours', 'hardware', 1, '{on-site}')`,
    );
    await round();
    const breach = async (ticket: number) =>
      (await escalations('op1')).find((e) => e.ticketId === String(ticket) && e.cause === 'severity1-breach');
    expect((await breach(10))!.state).toBe('open');
    await api.post('op1', `/api/escalations/${(await breach(11))!.id}`, {
      action: 'acknowledge',
      note: '催促中',
    });
    // Nothing changed yet: a round closes nothing.
    expect((await round()).escalationsClosed).toBe(0);
    await pool.query(`UPDATE tickets SET state = 'dispatched', service_point_id = 1 WHERE id = 10`);
    await pool.query(`UPDATE tickets SET state = 'on-site', arrived_at = now() WHERE id = 11`);
    await pool.query(
      `UPDATE tickets SET state = 'closed', closed_at = now(), close_reason = 'cancelled' WHERE id = 12`,
    );
    expect((await round()).escalationsClosed).toBe(3);
    expect(await breach(10)).toMatchObject({ state: 'resolved', resolvedReason: 'ticket-dispatched' });
    expect(await breach(11)).toMatchObject({
      state: 'resolved',
      resolvedReason: 'ticket-arrived',
      acknowledgedBy: 'op1',
      note: '催促中\n系统自动关闭 / closed by the system: 已到场 / someone arrived on site',
    });
    expect(await breach(12)).toMatchObject({ resolvedReason: 'ticket-closed' });
  });

  it('leaves a satisfaction escalation to a person, whatever became of the ticket', async () => {
    await pool.query(
      `INSERT INTO callbacks (id, kind, vehicle_id, month, center_id, due_at) VALUES (100, 'monthly', 1, '2026-12-01', 1, now())`,
    );
    expect(
      (await api.post('desk1', '/api/callbacks/100', { satisfaction: 1, reason: '态度差' })).body,
    ).toEqual({
      escalated: true,
    });
    await round();
    const [unhappy] = (await escalations('op1')).filter((e) => e.cause === 'satisfaction');
    expect(unhappy).toMatchObject({ state: 'open', resolvedReason: null });
  });
});
