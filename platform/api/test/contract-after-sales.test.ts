import { type ApiServer, startApiServerFor } from '@jt808/test-support/api-server';
import { closeAll, migratedDatabase, type StoredDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres } from '@jt808/test-support/postgres';
import { seedTwoCenters } from '@jt808/test-support/two-centers';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The after-sales routes on the contract answer what their response schemas list, with the
 * nullable fields filled in as well as empty: every answer in a test is checked against its schema
 * made strict (JT808_STRICT_RESPONSES=1, a mismatch is a 500), so each case asks for a 2xx and
 * for the values it meant to fill. What the other after-sales tests leave null is filled here: a
 * return record with every date, a decided quote, an exchange closed, a patrol reported, an
 * escalation worked off, a delivery's attempts, an endpoint's rotated secret, a calendar day
 * without a name, and both printable sheets with the vehicle, its owner and its terminal.
 */
describe.skipIf(!hasPostgres)(
  'the after-sales contract: answers with every field filled (real PostgreSQL)',
  () => {
    let stored: StoredDatabase | undefined;
    let pool: pg.Pool;
    let api: ApiServer | undefined;
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

    beforeAll(async () => {
      stored = await migratedDatabase('contract_after_sales');
      pool = stored.pool;
      await seedTwoCenters(pool);
      await pool.query(
        `UPDATE service_points SET phone = '0371-1234', address = '郑州市中原路1号' WHERE id = 1`,
      );
      await pool.query(`INSERT INTO enterprises (id, code, name) VALUES (1, 'E1', '郑州运输公司')`);
      await pool.query(
        `INSERT INTO vehicles (id, plate, plate_color, vin, vehicle_type, enterprise_id, center_id, owner_name, owner_phone)
       VALUES (1, '豫A12345', 2, 'LVIN0000000000001', '货车', 1, 1, '张三', '13812345678')`,
      );
      await pool.query(
        `INSERT INTO terminals (phone, terminal_id, maker, model, vehicle_id, warranty_until, registered_at)
       VALUES ('13900000001', 'T0000001', '厂家', 'M1', 1, current_date + 300, now() - interval '30 days')`,
      );
      await pool.query(
        `INSERT INTO terminal_state (phone, online, connected_at, last_fix_time) VALUES ('13900000001', true, now(), now())`,
      );
      await pool.query(
        `INSERT INTO installers (code, name, phone, service_point_id) VALUES ('inst-1', '王师傅', '13700001111', 1)`,
      );
      await pool.query(
        `INSERT INTO tickets (id, kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due,
                            service_point_id, installer, category, severity, appointment_at)
       VALUES (1, 'repair', '13900000001', 1, 1, 'appointed', 'offline', now() - interval '5 hours', now(), now(),
               1, 'inst-1', 'hardware', 2, now() + interval '1 hour')`,
      );
      await pool.query(
        `INSERT INTO installations (id, vehicle_id, terminal_phone, installer, service_point_id, planned_on, done_at, accepted_at, accepted_by, owner_signed_at, notes)
       VALUES (1, 1, '13900000001', 'inst-1', 1, current_date, now(), now(), 'admin', now(), '装在仪表台下')`,
      );
      api = await startApiServerFor(pool, [{ username: 'admin', password: 'admin-secret', role: 'admin' }]);
    }, 60_000);
    afterAll(() => closeAll(api, pool, stored?.db), 30_000);

    it('keeps a return record with every date, quotes a paid repair and records its answer', async () => {
      const empty = await api!.get('admin', '/api/tickets/1/rma');
      expect(empty.status).toBe(200);
      expect(empty.body.record).toBeNull();
      const saved = await api!.put('admin', '/api/tickets/1/rma', {
        formNo: 'RMA-1',
        carrier: '顺丰',
        waybill: 'SF1',
        arrivedAt: hoursAgo(4),
        quality: true,
        exclusions: ['misuse'],
        badlyDamaged: false,
        opened: false,
        advanceShippedAt: hoursAgo(3),
        shippedBackAt: hoursAgo(2),
      });
      expect(saved.status).toBe(200);
      expect(saved.body.record).toMatchObject({ formNo: 'RMA-1', exchangeId: null, updatedBy: 'admin' });
      expect(saved.body.decision).toMatchObject({ rule: 'paid-repair', exclusions: ['misuse'] });
      const quote = await api!.post('admin', '/api/tickets/1/quotes', {
        partsFen: 1000,
        visitFen: 500,
        repairDays: 2,
        note: '换天线',
      });
      expect(quote.status).toBe(201);
      expect(quote.body).toMatchObject({ totalFen: 1500, decision: null, decidedAt: null });
      const decided = await api!.post('admin', `/api/tickets/1/quotes/${quote.body.id}/decision`, {
        decision: 'accepted',
      });
      expect(decided.status).toBe(200);
      expect(decided.body).toMatchObject({ decision: 'accepted', decidedBy: 'admin', note: '换天线' });
      const again = await api!.post('admin', `/api/tickets/1/quotes/${quote.body.id}/decision`, {
        decision: 'refused',
      });
      expect(again.status).toBe(409);
      const full = await api!.get('admin', '/api/tickets/1/rma');
      expect(full.status).toBe(200);
      expect(full.body.quotes).toHaveLength(1);
      expect(full.body.clocks.length).toBeGreaterThan(0);
    });

    it('opens an exchange’s return record and closes the exchange once shipped', async () => {
      await pool.query(
        `INSERT INTO replacement_flags (id, vehicle_id, ticket_id, repairs, flagged_at) VALUES (1, 1, 1, 3, now())`,
      );
      const linked = await api!.post('admin', '/api/vehicles/1/replacement/rma', {});
      expect(linked.status).toBe(200);
      expect(linked.body.ticketId).toBe('1');
      expect(linked.body.flags[0].rma[0]).toMatchObject({ formNo: 'RMA-1', state: 'shipped' });
      expect(linked.body.flags[0].rma[0].arrivedAt).not.toBeNull();
      const done = await api!.post('admin', '/api/vehicles/1/replacement/done', { note: '已更换' });
      expect(done.status).toBe(200);
      expect(done.body.flags[0]).toMatchObject({ state: 'done', doneBy: 'admin', note: '已更换' });
      const read = await api!.get('admin', '/api/vehicles/1/replacement');
      expect(read.status).toBe(200);
      expect(read.body.flagged).toBe(false);
      expect((await api!.post('admin', '/api/vehicles/1/replacement/done', { note: 'x' })).status).toBe(409);
    });

    it('records a patrol of an enterprise and its report', async () => {
      const patrol = await api!.post('admin', '/api/patrols', {
        servicePointId: 1,
        enterpriseId: 1,
        vehicles: 12,
        inspectedAt: hoursAgo(1),
        note: '巡检',
      });
      expect(patrol.status).toBe(201);
      expect(patrol.body).toMatchObject({ enterpriseId: 1, reportedAt: null, late: false });
      const reported = await api!.post('admin', `/api/patrols/${patrol.body.id}/report`, { report: '正常' });
      expect(reported.status).toBe(200);
      expect(reported.body).toMatchObject({ report: '正常', reportedBy: 'admin' });
      const list = await api!.get('admin', '/api/patrols?open=false');
      expect(list.status).toBe(200);
      expect(list.body).toHaveLength(1);
    });

    it('answers the inbox with a read notice and an escalation worked off, and the counts', async () => {
      const admin = await pool.query<{ id: number }>(`SELECT id FROM users WHERE username = 'admin'`);
      await pool.query(
        `INSERT INTO notices (id, key, kind, cause, center_id, ticket_id, vehicle_id, text, detail)
       VALUES (1, 'esc:1', 'escalation', 'satisfaction', 1, 1, 1, '满意度低', '{"satisfaction": 1}'),
              (2, 'dispatch:1', 'dispatch', NULL, 1, 1, 1, '派工', '{}')`,
      );
      await pool.query(`INSERT INTO inbox (notice_id, user_id) VALUES (2, $1)`, [admin.rows[0]!.id]);
      const acknowledged = await api!.post('admin', '/api/escalations/1', {
        action: 'acknowledge',
        note: '已联系',
      });
      expect(acknowledged.status).toBe(200);
      expect(acknowledged.body).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'admin' });
      const resolved = await api!.post('admin', '/api/escalations/1', { action: 'resolve', note: '已解决' });
      expect(resolved.status).toBe(200);
      expect(resolved.body.resolvedBy).toBe('admin');
      expect((await api!.post('admin', '/api/escalations/1', { action: 'resolve', note: 'x' })).status).toBe(
        409,
      );
      expect((await api!.post('admin', '/api/inbox/read', { ids: [2] })).body).toEqual({ read: 1 });
      const inbox = await api!.get('admin', '/api/inbox?open=false');
      expect(inbox.status).toBe(200);
      expect(inbox.body.items.map((item: { id: string }) => item.id)).toEqual(['2', '1']);
      expect(inbox.body.items[0].readAt).not.toBeNull();
      expect((await api!.get('admin', '/api/inbox/count')).body).toEqual({ unread: 0, escalations: 0 });
    });

    it('keeps the endpoints, answers a rotated secret once, and logs the deliveries with their attempts', async () => {
      const made = await api!.post('admin', '/api/notifications/endpoints', {
        name: '短信网关',
        url: 'http://127.0.0.1:9/sms',
        kinds: ['escalation'],
        active: true,
      });
      expect(made.status).toBe(201);
      expect(made.body.secret).toHaveLength(64);
      const rotated = await api!.put('admin', `/api/notifications/endpoints/${made.body.id}`, {
        name: '短信网关',
        url: 'http://127.0.0.1:9/sms',
        kinds: ['escalation', 'exchange'],
        active: false,
        secret: 'a-new-secret-of-enough-length',
      });
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).toBe('a-new-secret-of-enough-length');
      const kept = await api!.put('admin', `/api/notifications/endpoints/${made.body.id}`, {
        name: '短信网关',
        url: 'http://127.0.0.1:9/sms',
        kinds: ['escalation'],
        active: true,
      });
      expect(kept.body.secret).toBeUndefined();
      const endpoints = await api!.get('admin', '/api/notifications/endpoints');
      expect(endpoints.body[0]).toMatchObject({ updatedBy: 'admin' });
      await pool.query(
        `INSERT INTO outbound_messages (id, notice_id, endpoint_id, url, payload, state, attempts, sent_at)
       VALUES (1, 1, $1, 'http://127.0.0.1:9/sms', '{"text": "满意度低"}', 'sent', 2, now())`,
        [made.body.id],
      );
      await pool.query(
        `INSERT INTO outbound_attempts (message_id, at, status, ok, error, ms)
       VALUES (1, now() - interval '1 minute', NULL, false, 'refused', 3), (1, now(), 200, true, NULL, 12)`,
      );
      const deliveries = await api!.get('admin', '/api/notifications/deliveries');
      expect(deliveries.status).toBe(200);
      expect(deliveries.body[0]).toMatchObject({
        cause: 'satisfaction',
        endpoint: '短信网关',
        state: 'sent',
      });
      expect(deliveries.body[0].log).toHaveLength(2);
      const sender = await api!.put('admin', '/api/notifications/sender', { maxAttempts: 3 });
      expect(sender.status).toBe(200);
      expect(sender.body.maxAttempts).toBe(3);
      expect((await api!.get('admin', '/api/notifications/sender')).body).toEqual(sender.body);
    });

    it('keeps calendar days with and without a name, the settings, the on-site hours and the causes', async () => {
      const saved = await api!.put('admin', '/api/calendar', {
        days: [
          { day: '2030-10-01', kind: 'holiday', name: '国庆节' },
          { day: '2030-10-12', kind: 'workday' },
        ],
      });
      expect(saved.body).toEqual({ saved: 2, removed: 0 });
      const days = await api!.get('admin', '/api/calendar?year=2030');
      expect(days.body).toEqual([
        { day: '2030-10-01', kind: 'holiday', name: '国庆节' },
        { day: '2030-10-12', kind: 'workday', name: null },
      ]);
      const settings = await api!.put('admin', '/api/after-sales/settings', { satisfactionTarget: 0.9 });
      expect(settings.status).toBe(200);
      expect(settings.body.satisfactionTarget).toBe(0.9);
      expect((await api!.get('admin', '/api/after-sales/settings')).body).toEqual(settings.body);
      const hours = await api!.put('admin', '/api/centers/1/onsite-hours', {
        local: 6.5,
        nearby: null,
        'other-region': 72,
      });
      expect(hours.body).toEqual({ local: 6.5, nearby: 24, 'other-region': 72 });
      const all = await api!.get('admin', '/api/onsite-hours');
      expect(all.body[0]).toEqual({ centerId: 1, name: '郑州中心', hours: hours.body });
      const cause = await api!.post('admin', '/api/fault-causes', {
        code: 'roof-leak',
        nameZh: '车顶漏水',
        nameEn: 'roof leak',
      });
      expect(cause.status).toBe(201);
      const retired = await api!.put('admin', '/api/fault-causes/roof-leak', { active: false });
      expect(retired.body).toEqual({
        code: 'roof-leak',
        nameZh: '车顶漏水',
        nameEn: 'roof leak',
        active: false,
      });
      const causes = await api!.get('admin', '/api/fault-causes?all=true');
      expect(causes.body).toContainEqual(retired.body);
    });

    it('prints the work order and the acceptance sheet with the vehicle, its owner masked, its terminal', async () => {
      const order = await api!.get('admin', '/api/tickets/1/work-order');
      expect(order.status).toBe(200);
      expect(order.body).toMatchObject({
        plate: '豫A12345',
        vin: 'LVIN0000000000001',
        vehicleType: '货车',
        enterprise: '郑州运输公司',
        servicePointPhone: '0371-1234',
        installerName: '王师傅',
        serial: 'T0000001',
        description: null,
        printedBy: 'admin',
      });
      expect(order.body.ownerPhone).not.toBe('13812345678');
      const sheet = await api!.get('admin', '/api/installations/1/acceptance-sheet');
      expect(sheet.status).toBe(200);
      expect(sheet.body).toMatchObject({ notes: '装在仪表台下', acceptedBy: 'admin', maker: '厂家' });
      for (const field of ['plannedOn', 'warrantyUntil', 'registeredAt', 'connectedAt', 'lastFixTime'])
        expect(sheet.body[field]).not.toBeNull();
    });

    it('answers malformed requests and unknown ids with an ErrorAnswer: 400, 404, 409', async () => {
      for (const [answer, status] of [
        [await api!.get('admin', '/api/tickets/999/rma'), 404],
        [await api!.get('admin', '/api/tickets/0/rma'), 400],
        [await api!.get('admin', '/api/calendar?year=20x0'), 400],
        [await api!.put('admin', '/api/centers/1/onsite-hours', { local: 12 }), 400],
        [
          await api!.put('admin', '/api/centers/9/onsite-hours', { local: 1, nearby: 2, 'other-region': 3 }),
          404,
        ],
        [await api!.post('admin', '/api/fault-causes', { code: 'Bad Code', nameZh: 'x', nameEn: 'x' }), 400],
        [await api!.put('admin', '/api/fault-causes/no-such-cause', { active: false }), 404],
        [await api!.put('admin', '/api/after-sales/settings', { noSuchSetting: 1 }), 400],
        [await api!.post('admin', '/api/tickets/1/quotes/999/decision', { decision: 'maybe' }), 400],
        [await api!.post('admin', '/api/tickets/1/quotes/999/decision', { decision: 'accepted' }), 404],
        [await api!.post('admin', '/api/vehicles/1/replacement/rma', {}), 409],
        [await api!.get('admin', '/api/installations/999/acceptance-sheet'), 404],
      ] as const) {
        expect(answer.status).toBe(status);
        expect(typeof answer.body.error).toBe('string');
      }
    });
  },
);
