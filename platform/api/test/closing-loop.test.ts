import { runAfterSalesRound } from '@jt808/after-sales';
import { type ApiServer, startApiServerFor } from '@jt808/test-support/api-server';
import { closeAll, storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { seedTwoCenters } from '@jt808/test-support/two-centers';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewUser } from '../src/users.js';

/**
 * The loop that closes (issue 21, item 4) over HTTP on a real PostgreSQL: escalations in a center's
 * managers' inbox, worked off by them only; reassigning dispatched work within the center; a
 * complaint's follow-up callback and its measures' owner and deadline; the replace-after-three-
 * repairs flag on the vehicle; and the notices of dispatches, reschedules and deadlines 30 minutes
 * away, told once. The outbound sender has its own file (outbound.test.ts).
 */
describe.skipIf(!hasPostgres)(
  'the loop that closes: escalations, reassignment, complaints, replacement',
  () => {
    let db: TestDatabase;
    let pool: pg.Pool;
    let api: ApiServer;

    const ticket = async (id: number, vehicle: number, phone: string, state: string, extra = '') => {
      await pool.query(
        `INSERT INTO tickets (id, kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due,
                            category, severity, service_point_id, installer)
       SELECT $1::int, 'repair', $2, v.id, v.center_id, $3, 'offline', now(), now() + interval '2 hours', now() + interval '1 day',
              'hardware', 2, CASE WHEN $3 IN ('dispatched', 'appointed') THEN (SELECT min(id) FROM service_points WHERE center_id = v.center_id) END,
              CASE WHEN $3 IN ('dispatched', 'appointed') THEN 'W-1' END
         FROM vehicles v WHERE v.id = $4 ${extra}`,
        [id, phone, state, vehicle],
      );
    };
    const inbox = async (user: string, query = '') => (await api.get(user, `/api/inbox${query}`)).body;

    beforeAll(async () => {
      ({ db, pool } = await storedDatabase('closing_loop'));
      await seedTwoCenters(pool, { short: true });
      await pool.query(
        `INSERT INTO service_points (id, code, name, center_id) VALUES (3, 'SP3', '郑州二站', 1)`,
      );
      await pool.query(
        `INSERT INTO vehicles (id, plate, plate_color, center_id, owner_name, owner_phone) VALUES
         (1, '豫A10001', 2, 1, '张三', '13800001111'), (2, '豫C20002', 2, 2, '李四', '13800002222'),
         (3, '豫A10003', 2, 1, NULL, NULL), (4, '豫A10004', 2, 1, NULL, NULL)`,
      );
      await pool.query(
        `INSERT INTO terminals (phone, vehicle_id) VALUES ('13900000001', 1), ('13900000002', 2), ('13900000003', 3), ('13900000004', 4)`,
      );
      await pool.query(
        `INSERT INTO installers (code, name, phone, service_point_id) VALUES
         ('W-1', '王师傅', '13700001111', 1), ('W-2', '洛阳师傅', '13700002222', 2), ('W-3', '赵师傅', '13700003333', 3)`,
      );
      const users: NewUser[] = [
        { username: 'admin', password: 'admin-secret', role: 'admin' },
        { username: 'op1', password: 'op1-secret', role: 'operator', centerIds: [1] },
        { username: 'op2', password: 'op2-secret', role: 'operator', centerIds: [2] },
        { username: 'desk1', password: 'desk1-secret', role: 'desk', centerIds: [1] },
        { username: 'sp1', password: 'sp1-secret', role: 'service', servicePointId: 1 },
        { username: 'sp3', password: 'sp3-secret', role: 'service', servicePointId: 3 },
        { username: 'viewer', password: 'viewer-secret', role: 'viewer', centerIds: [1] },
      ];
      api = await startApiServerFor(pool, users);
    }, 60_000);
    afterAll(() => closeAll(api, pool, db));

    it('escalates satisfaction of 2 to the center’s managers, who alone work it off with a note', async () => {
      await pool.query(
        `INSERT INTO callbacks (id, kind, vehicle_id, month, center_id, due_at) VALUES (1, 'monthly', 1, '2026-12-01', 1, now())`,
      );
      const answer = await api.post('desk1', '/api/callbacks/1', { satisfaction: 2, reason: '维修太慢' });
      expect(answer.body).toEqual({ escalated: true });

      const mine = await inbox('op1');
      expect(mine.escalations).toBe(1);
      expect(mine.items).toMatchObject([
        {
          kind: 'escalation',
          cause: 'satisfaction',
          centerId: 1,
          state: 'open',
          text: '回访满意度2分：维修太慢',
        },
      ]);
      const id = mine.items[0].id;
      expect((await api.get('admin', '/api/inbox/count')).body).toEqual({ unread: 0, escalations: 1 });
      // Another center's manager neither sees it nor reaches it; other roles see none and may not.
      expect(await inbox('op2')).toMatchObject({ items: [], escalations: 0 });
      expect((await api.post('op2', `/api/escalations/${id}`, { action: 'resolve', note: 'x' })).status).toBe(
        404,
      );
      for (const user of ['desk1', 'sp1', 'viewer']) {
        expect((await inbox(user)).escalations, user).toBe(0);
        expect(
          (await api.post(user, `/api/escalations/${id}`, { action: 'resolve', note: 'x' })).status,
          user,
        ).toBe(403);
      }
      for (const bad of [
        { action: 'resolve' },
        { action: 'resolve', note: '   ' },
        { action: 'close', note: 'x' },
      ]) {
        expect((await api.post('op1', `/api/escalations/${id}`, bad)).status, JSON.stringify(bad)).toBe(400);
      }
      expect(
        (await api.post('op1', '/api/escalations/999999', { action: 'resolve', note: 'x' })).status,
      ).toBe(404);

      const acknowledged = await api.post('op1', `/api/escalations/${id}`, {
        action: 'acknowledge',
        note: '已致电车主',
      });
      expect(acknowledged.body).toMatchObject({
        state: 'acknowledged',
        acknowledgedBy: 'op1',
        note: '已致电车主',
      });
      expect(
        (await api.post('op1', `/api/escalations/${id}`, { action: 'acknowledge', note: 'x' })).status,
      ).toBe(409);
      const resolved = await api.post('op1', `/api/escalations/${id}`, {
        action: 'resolve',
        note: '上门复修，车主满意',
      });
      expect(resolved.body).toMatchObject({
        state: 'resolved',
        resolvedBy: 'op1',
        note: '已致电车主\n上门复修，车主满意',
      });
      expect((await api.post('op1', `/api/escalations/${id}`, { action: 'resolve', note: 'x' })).status).toBe(
        409,
      );
      expect((await api.get('op1', '/api/inbox/count')).body).toEqual({ unread: 0, escalations: 0 });
      // Worked off, it leaves the open view and stays in the whole inbox.
      expect((await inbox('op1', '?open=true')).items).toEqual([]);
      expect((await inbox('op1', '?kind=escalation')).items).toHaveLength(1);
    });

    it('escalates a complaint over its time and each breach of a severity-1 ticket, once', async () => {
      await pool.query(
        `INSERT INTO complaints (id, source, vehicle_id, center_id, description, opened_at, due_at, created_by) VALUES
         (1, 'desk', 1, 1, '没人来', now() - interval '30 hours', now() - interval '6 hours', 'desk1'),
         (2, 'desk', 2, 2, '洛阳的', now() - interval '30 hours', now() - interval '6 hours', 'desk1')`,
      );
      await ticket(10, 3, '13900000003', 'new', '');
      await pool.query(`UPDATE tickets SET severity = 1, breaches = '{response}' WHERE id = 10`);
      const round = await runAfterSalesRound(pool, new Date());
      expect(round.escalations).toBe(3);
      expect((await runAfterSalesRound(pool, new Date(Date.now() + 600_000))).escalations).toBe(0);

      const causes = (await inbox('op1', '?open=true')).items.map(
        (i: { cause: string; complaintId: string; ticketId: string }) => [
          i.cause,
          i.complaintId ?? i.ticketId,
        ],
      );
      expect(causes.sort()).toEqual([
        ['complaint-overdue', '1'],
        ['severity1-breach', '10'],
      ]);
      expect((await inbox('op2', '?open=true')).items.map((i: { cause: string }) => i.cause)).toEqual([
        'complaint-overdue',
      ]);
    });

    it('tells a deadline 30 minutes away to those it binds, once per deadline', async () => {
      await ticket(20, 4, '13900000004', 'dispatched');
      await pool.query(`UPDATE tickets SET onsite_due = now() + interval '20 minutes' WHERE id = 20`);
      // Another ticket's response is 40 minutes away: not yet.
      await pool.query(
        `UPDATE tickets SET response_due = now() + interval '40 minutes', breaches = '{}' WHERE id = 10`,
      );
      await pool.query(
        `INSERT INTO complaints (id, source, vehicle_id, center_id, description, opened_at, due_at, created_by)
       VALUES (3, 'desk', 3, 1, '态度差', now(), now() + interval '25 minutes', 'desk1')`,
      );
      expect((await runAfterSalesRound(pool, new Date())).deadlineNotices).toBe(2);
      expect((await runAfterSalesRound(pool, new Date(Date.now() + 60_000))).deadlineNotices).toBe(0);

      const onsite = (await inbox('sp1', '?kind=deadline')).items;
      expect(onsite).toMatchObject([{ cause: 'on-site', ticketId: '20' }]);
      expect(onsite[0].text).toMatch(/^工单#20 豫A10004 到场截止于 /);
      expect((await inbox('sp3', '?kind=deadline')).items).toEqual([]);
      for (const user of ['op1', 'desk1']) {
        expect((await inbox(user, '?kind=deadline')).items, user).toMatchObject([
          { cause: 'complaint', complaintId: '3' },
        ]);
      }
      // The deadline moved (a new visit time) is a new deadline, told again.
      await pool.query(`UPDATE tickets SET onsite_due = now() + interval '25 minutes' WHERE id = 20`);
      expect((await runAfterSalesRound(pool, new Date())).deadlineNotices).toBe(1);
      expect((await api.get('sp1', '/api/inbox/count')).body).toEqual({ unread: 2, escalations: 0 });
      expect((await api.post('sp1', '/api/inbox/read', { all: true })).body).toEqual({ read: 2 });
      expect((await api.get('sp1', '/api/inbox/count')).body).toEqual({ unread: 0, escalations: 0 });
    });

    it('tells the service clocks 30 minutes away, once each: spare parts, the returned unit’s, a patrol report', async () => {
      await ticket(60, 3, '13900000060', 'dispatched');
      await pool.query(
        `INSERT INTO notification_endpoints (name, url, secret, kinds) VALUES ('deadlines', 'http://127.0.0.1:9/', 'deadline-secret-0123', '{deadline}')`,
      );
      await pool.query(
        `INSERT INTO service_clocks (ticket_id, clock, due_at, met_at) VALUES
           (60, 'spare-parts', now() + interval '20 minutes', NULL), (60, 'quote', now() + interval '25 minutes', NULL),
           (60, 'repair-ship', now() + interval '2 days', NULL), (60, 'faulty-return', now() + interval '10 minutes', now())`,
      );
      await pool.query(
        `INSERT INTO patrol_inspections (center_id, service_point_id, vehicles, inspected_at, recorded_by, report_due, reported_at) VALUES
           (1, 3, 5, now() - interval '3 days', 'sp3', now() + interval '15 minutes', NULL),
           (1, 3, 2, now() - interval '3 days', 'sp3', now() + interval '16 minutes', now())`,
      );
      // An advance replacement shipped 3 days less 20 minutes ago, recorded on the RMA form: the
      // faulty unit is due back in 20 minutes (the clock as the RMA record derives it).
      await ticket(61, 3, '13900000061', 'dispatched');
      const advance = await api.put('sp1', '/api/tickets/61/rma', {
        quality: true,
        exclusions: [],
        badlyDamaged: false,
        opened: false,
        advanceShippedAt: new Date(Date.now() - 3 * 86_400_000 + 20 * 60_000).toISOString(),
      });
      expect(advance.body.clocks).toMatchObject([{ clock: 'faulty-return', metAt: null }]);
      const causes = ['spare-parts', 'quote', 'repair-ship', 'faulty-return', 'patrol-report'];
      const told = async (user: string) =>
        (
          (await inbox(user, '?kind=deadline')).items as {
            cause: string;
            ticketId: string | null;
            text: string;
          }[]
        )
          .filter((item) => causes.includes(item.cause))
          .map((item) => [item.cause, item.ticketId]);
      // 40 minutes before the first of them: nothing yet.
      expect((await runAfterSalesRound(pool, new Date(Date.now() - 40 * 60_000))).deadlineNotices).toBe(0);
      // Within 30 minutes: the spare part, the quote, the faulty unit and the patrol report (the met
      // clock, the met report and the clock two days off are not told); told once however many
      // rounds see them.
      expect((await runAfterSalesRound(pool, new Date())).deadlineNotices).toBe(4);
      expect((await runAfterSalesRound(pool, new Date(Date.now() + 60_000))).deadlineNotices).toBe(0);

      // Spare parts: the service point that ships it; the returned unit: it and the center's desk.
      expect((await told('sp1')).sort()).toEqual([
        ['faulty-return', '61'],
        ['quote', '60'],
        ['spare-parts', '60'],
      ]);
      expect((await told('desk1')).sort()).toEqual([
        ['faulty-return', '61'],
        ['quote', '60'],
      ]);
      expect(await told('sp3')).toEqual([['patrol-report', null]]);
      expect(await told('op1')).toEqual([]);
      expect(await told('op2')).toEqual([]);
      const items = (await inbox('sp1', '?kind=deadline')).items as { cause: string; text: string }[];
      expect(items.find((item) => item.cause === 'spare-parts')!.text).toMatch(
        /^工单#60 豫A10003 备件送达截止于 /,
      );
      expect(items.find((item) => item.cause === 'quote')!.text).toMatch(/^工单#60 豫A10003 维修报价截止于 /);
      expect((await inbox('sp3', '?kind=deadline')).items[0].text).toMatch(
        /^巡检#\d+ 郑州二站 巡检报告截止于 /,
      );

      // The same three go out to the endpoint routed deadlines, the installer's phone on the spare part.
      const { rows } = await pool.query(
        `SELECT n.cause, m.payload FROM outbound_messages m JOIN notices n ON n.id = m.notice_id
          WHERE n.kind = 'deadline' AND n.cause = ANY ($1) ORDER BY n.cause`,
        [causes],
      );
      expect(rows.map((row) => [row.cause, row.payload.phones])).toEqual([
        ['faulty-return', []],
        ['patrol-report', []],
        ['quote', []],
        ['spare-parts', [{ to: 'installer', phone: '13700001111' }]],
      ]);
      expect(rows.find((row) => row.cause === 'quote')!.payload.recipients).toEqual([
        { username: 'desk1', role: 'desk' },
        { username: 'sp1', role: 'service' },
      ]);
      await pool.query(`UPDATE notification_endpoints SET active = false`);
    });

    it('tells the service point of a dispatch and a reschedule; reassigns with a reason within the center only', async () => {
      await ticket(30, 1, '13900000001', 'classified');
      const act = (user: string, body: object) => api.post(user, '/api/tickets/30/actions', body);
      expect((await act('op1', { action: 'dispatch', installer: 'W-1', servicePointId: 1 })).status).toBe(
        200,
      );
      expect((await inbox('sp1', '?kind=dispatch')).items).toMatchObject([
        { ticketId: '30', text: '工单#30 豫A10001 已派给 郑州站（安装员 W-1）', readAt: null },
      ]);

      // Reassign: a reason and a target of the ticket's center, by a dispatcher's role.
      for (const bad of [
        { action: 'reassign', servicePointId: 3 },
        { action: 'reassign', reason: '  ', servicePointId: 3 },
        { action: 'reassign', reason: '人手不足' },
        { action: 'reassign', reason: '人手不足', servicePointId: 2 },
        { action: 'reassign', reason: '人手不足', installer: 'W-2' },
        { action: 'reassign', reason: '人手不足', installer: 'nobody' },
        { action: 'reassign', reason: '人手不足', installer: 'W-3', servicePointId: 1 },
        { action: 'reassign', reason: '人手不足', installer: 'W-1' },
        { action: 'reassign', reason: '人手不足', servicePointId: 'three' },
      ]) {
        expect((await act('op1', bad)).status, JSON.stringify(bad)).toBe(400);
      }
      for (const user of ['sp1', 'desk1', 'viewer']) {
        expect((await act(user, { action: 'reassign', reason: 'x', servicePointId: 3 })).status, user).toBe(
          403,
        );
      }
      expect((await act('op2', { action: 'reassign', reason: 'x', servicePointId: 2 })).status).toBe(404);

      await act('sp1', { action: 'appoint', at: new Date(Date.now() + 3_600_000).toISOString() });
      const reassigned = await act('op1', { action: 'reassign', reason: '郑州站人手不足', installer: 'W-3' });
      expect(reassigned.body).toMatchObject({
        state: 'dispatched',
        servicePointId: 3,
        installer: 'W-3',
        appointmentAt: null,
      });
      const { rows: events } = await pool.query(
        `SELECT actor, from_state, to_state, reason, detail FROM ticket_events WHERE ticket_id = 30 AND reason = 'reassign'`,
      );
      expect(events).toEqual([
        {
          actor: 'op1',
          from_state: 'appointed',
          to_state: 'dispatched',
          reason: 'reassign',
          detail: { reason: '郑州站人手不足', installer: 'W-3' },
        },
      ]);
      expect((await inbox('sp3', '?kind=reassign')).items).toMatchObject([
        { text: '工单#30 豫A10001 已改派给 郑州二站（安装员 W-3）：郑州站人手不足' },
      ]);
      // The old service point no longer sees the ticket.
      expect((await api.get('sp1', '/api/tickets/30')).status).toBe(404);

      // A reschedule (an appointment made again, with a reason) is told to the point holding it.
      const at = new Date(Date.now() + 2 * 3_600_000);
      await api.post('sp3', '/api/tickets/30/actions', { action: 'appoint', at: at.toISOString() });
      expect((await inbox('sp3', '?kind=reschedule')).items).toEqual([]);
      const later = new Date(at.getTime() + 86_400_000);
      await api.post('sp3', '/api/tickets/30/actions', {
        action: 'appoint',
        at: later.toISOString(),
        reason: '车主出差',
      });
      expect((await inbox('sp3', '?kind=reschedule')).items).toHaveLength(1);
      expect((await inbox('sp3', '?kind=reschedule')).items[0].text).toMatch(
        /^工单#30 豫A10001 预约改为 .*：车主出差$/,
      );
    });

    it('calls a complainant back once the complaint is answered; upheld measures have an owner and a deadline', async () => {
      const answer = (body: object) => api.post('desk1', '/api/complaints/3/answer', body);
      const upheld = { finding: 'upheld', measures: '加强培训', chargedServicePointId: 1 };
      for (const bad of [
        upheld,
        { ...upheld, measuresOwner: '王站长' },
        { ...upheld, measuresDue: '2026-12-31' },
        { ...upheld, measuresOwner: '王站长', measuresDue: '2026-13-01' },
        { ...upheld, measuresOwner: '王站长', measuresDue: '31/12/2026' },
      ]) {
        expect((await answer(bad)).status, JSON.stringify(bad)).toBe(400);
      }
      expect((await answer({ ...upheld, measuresOwner: '王站长', measuresDue: '2026-12-31' })).status).toBe(
        200,
      );
      const { rows } = await pool.query(
        `SELECT c.measures_owner, to_char(c.measures_due, 'YYYY-MM-DD') AS measures_due, b.kind, b.vehicle_id, b.center_id,
              extract(epoch FROM b.not_before - c.answered_at)::int / 86400 AS from_days,
              extract(epoch FROM b.due_at - c.answered_at)::int / 86400 AS due_days
         FROM complaints c JOIN callbacks b ON b.complaint_id = c.id WHERE c.id = 3`,
      );
      expect(rows).toEqual([
        {
          measures_owner: '王站长',
          measures_due: '2026-12-31',
          kind: 'complaint',
          vehicle_id: '3',
          center_id: 1,
          // The first follow-up window: from 3 days, due by 7 days after the answer.
          from_days: 3,
          due_days: 7,
        },
      ]);
      // A complaint not upheld needs no measures owner, and gets its callback too.
      await pool.query(
        `INSERT INTO complaints (id, source, vehicle_id, center_id, description, opened_at, due_at, created_by)
       VALUES (4, 'desk', 1, 1, '收费不清', now(), now() + interval '1 day', 'desk1')`,
      );
      expect(
        (await api.post('desk1', '/api/complaints/4/answer', { finding: 'not-upheld', measures: '已解释' }))
          .status,
      ).toBe(200);
      const { rows: callbacks } = await pool.query(
        `SELECT complaint_id FROM callbacks WHERE kind = 'complaint' ORDER BY 1`,
      );
      expect(callbacks).toEqual([{ complaint_id: '3' }, { complaint_id: '4' }]);
      const due = await api.get('desk1', `/api/callbacks/due?day=2027-01-31`);
      expect(
        due.body
          .filter((c: { kind: string }) => c.kind === 'complaint')
          .map((c: { complaintId: string }) => c.complaintId),
      ).toEqual(['3', '4']);
    });

    it('flags a vehicle for replacement on its third repair within 12 months, across a terminal swap, and opens an exchange', async () => {
      // Two repairs of vehicle 4 resolved this year, the first on a terminal since swapped out.
      await pool.query(
        `INSERT INTO tickets (id, kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, resolved_at,
                            closed_at, close_reason)
       VALUES (40, 'repair', '13900000099', 4, 1, 'closed', 'offline', now() - interval '200 days', now(), now(),
               now() - interval '199 days', now() - interval '198 days', 'verified'),
              (41, 'repair', '13900000004', 4, 1, 'closed', 'offline', now() - interval '90 days', now(), now(),
               now() - interval '89 days', now() - interval '88 days', 'verified'),
              (42, 'repair', '13900000004', 4, 1, 'closed', 'offline', now() - interval '400 days', now(), now(),
               now() - interval '399 days', now() - interval '398 days', 'verified')`,
      );
      // A paid repair (out of warranty) is no warranty repair: it does not count.
      await pool.query(
        `INSERT INTO tickets (id, kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, resolved_at,
                            closed_at, close_reason, in_warranty)
       VALUES (44, 'repair', '13900000004', 4, 1, 'closed', 'offline', now() - interval '30 days', now(), now(),
               now() - interval '29 days', now() - interval '28 days', 'verified', false)`,
      );
      expect((await api.get('op1', '/api/vehicles/4/replacement')).body).toEqual({
        flagged: false,
        flags: [],
      });
      // The third: ticket 20 (dispatched above) is appointed, reached and resolved.
      await api.post('sp1', '/api/tickets/20/actions', { action: 'appoint', at: new Date().toISOString() });
      await api.post('sp1', '/api/tickets/20/actions', { action: 'arrive' });
      expect(
        (await api.post('sp1', '/api/tickets/20/actions', { action: 'resolve', faultCause: '主机故障' }))
          .status,
      ).toBe(200);

      const flag = (await api.get('op1', '/api/vehicles/4/replacement')).body;
      expect(flag).toMatchObject({ flagged: true, flags: [{ ticketId: '20', repairs: 3, state: 'open' }] });
      // Service-point staff who hold the ticket see the flag on its vehicle too; another center does not.
      expect((await api.get('sp1', '/api/vehicles/4/replacement')).body.flagged).toBe(true);
      expect((await api.get('op2', '/api/vehicles/4/replacement')).status).toBe(404);
      expect((await inbox('op1', '?kind=exchange')).items).toMatchObject([
        { ticketId: '20', vehicleId: '4', text: '车辆 豫A10004 12个月内第3次维修，需更换终端' },
      ]);
      const { rows: audit } = await pool.query(
        `SELECT reason FROM ticket_events WHERE ticket_id = 20 AND actor = 'platform'`,
      );
      expect(audit.map((e) => e.reason)).toEqual([
        'repair 3 of the vehicle within 12 months: replace, exchange opened',
      ]);

      // Working the exchange off: managers of the center only, with a note.
      for (const user of ['desk1', 'sp1', 'viewer'])
        expect((await api.post(user, '/api/vehicles/4/replacement/done', { note: 'x' })).status, user).toBe(
          403,
        );
      expect((await api.post('op2', '/api/vehicles/4/replacement/done', { note: 'x' })).status).toBe(404);
      expect((await api.post('op1', '/api/vehicles/4/replacement/done', { note: ' ' })).status).toBe(400);
      // Not before the replacement has shipped on the exchange's return record.
      const early = await api.post('op1', '/api/vehicles/4/replacement/done', { note: '已换' });
      expect(early.status).toBe(409);
      expect(early.body.error).toMatch(/not been shipped/);

      // The service point opens the exchange's return record: on the flagging repair by default.
      expect((await api.post('viewer', '/api/vehicles/4/replacement/rma', {})).status).toBe(403);
      expect((await api.post('op2', '/api/vehicles/4/replacement/rma', {})).status).toBe(404);
      expect((await api.post('sp3', '/api/vehicles/4/replacement/rma', {})).status).toBe(404);
      expect((await api.post('op1', '/api/vehicles/4/replacement/rma', { ticketId: 10 })).status).toBe(400);
      // Another center's ticket is not there at all; odd spellings of the vehicle are refused.
      await ticket(70, 2, '13900000002', 'new');
      expect((await api.post('op1', '/api/vehicles/4/replacement/rma', { ticketId: 70 })).status).toBe(404);
      expect((await api.post('op1', '/api/vehicles/4abc/replacement/rma', {})).status).toBe(400);
      expect((await api.post('op1', '/api/vehicles/-4/replacement/rma', {})).status).toBe(400);
      expect(
        (await api.post('op1', '/api/vehicles/4/replacement/rma', { ticketId: 20, extra: 1 })).status,
      ).toBe(400);
      expect((await api.post('op1', '/api/vehicles/4/replacement/rma', { ticketId: 'x' })).status).toBe(400);
      expect((await api.post('op1', '/api/vehicles/1/replacement/rma', {})).status).toBe(409);
      const opened = await api.post('sp1', '/api/vehicles/4/replacement/rma', {});
      expect(opened.status).toBe(200);
      expect(opened.body).toMatchObject({
        ticketId: '20',
        flags: [{ state: 'open', rma: [{ ticketId: '20', state: 'recorded', waybill: null }] }],
      });
      expect((await api.get('sp1', '/api/tickets/20/rma')).body.record).toMatchObject({
        exchangeId: flag.flags[0].id,
        quality: true,
      });
      // The shipment recorded on it (the ticket's RMA form): the exchange shows it shipped.
      const arrived = new Date(Date.now() - 3_600_000).toISOString();
      const shipped = await api.put('sp1', '/api/tickets/20/rma', {
        formNo: 'RMA-20',
        carrier: '顺丰',
        waybill: 'SF1234567890',
        arrivedAt: arrived,
        quality: true,
        exclusions: [],
        badlyDamaged: false,
        opened: false,
        shippedBackAt: new Date().toISOString(),
      });
      expect(shipped.status).toBe(200);
      expect(shipped.body.record.exchangeId).toBe(flag.flags[0].id);
      expect((await api.get('op1', '/api/vehicles/4/replacement')).body.flags[0].rma).toMatchObject([
        { ticketId: '20', carrier: '顺丰', waybill: 'SF1234567890', state: 'shipped' },
      ]);
      const done = await api.post('op1', '/api/vehicles/4/replacement/done', {
        note: '已换新机 13900000005',
      });
      expect(done.body).toMatchObject({ flagged: false, flags: [{ state: 'done', doneBy: 'op1' }] });
      expect((await api.post('op1', '/api/vehicles/4/replacement/done', { note: 'again' })).status).toBe(409);

      // After the exchange the count starts again: a fourth repair does not flag at once.
      await pool.query(
        `UPDATE tickets SET state = 'closed', closed_at = now(), close_reason = 'verified' WHERE id = 20`,
      );
      await ticket(43, 4, '13900000004', 'dispatched');
      await api.post('sp1', '/api/tickets/43/actions', { action: 'appoint', at: new Date().toISOString() });
      await api.post('sp1', '/api/tickets/43/actions', { action: 'arrive' });
      await api.post('sp1', '/api/tickets/43/actions', { action: 'resolve', faultCause: '天线' });
      expect((await api.get('op1', '/api/vehicles/4/replacement')).body.flagged).toBe(false);
    });
  },
);
