import { type Answer, type ApiServer, startApiServer } from '@jt808/test-support/api-server';
import { closeAll, storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { seedOneCenter } from '@jt808/test-support/two-centers';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveUser } from '../src/users.js';

const SIM = '13900000001';
const NEW_SIM = '13900000060';
const CALLER = '13812345678';
const SECOND_CALLER = '13687654321';

/**
 * One masking policy (platform/after-sales/src/masking.ts) for every list, timeline and history,
 * and SIMs in full only on one vehicle's or ticket's detail for the roles that command terminals.
 * Over real HTTP against PostgreSQL, following a desk call through repair to the complaint review.
 */
describe.skipIf(!hasPostgres)('personal data stays masked outside the detail views that need it', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: ApiServer;
  let ticketId: number;
  /** The service point's answer to its resolution. */
  let resolved: Answer;

  beforeAll(async () => {
    ({ db, pool } = await storedDatabase('personal'));
    await seedOneCenter(pool);
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id, owner_name, owner_phone) VALUES (1, '豫A00001', 2, 1, '张三丰', '13800001111')`,
    );
    await pool.query(`INSERT INTO terminals (phone, vehicle_id) VALUES ($1, 1)`, [SIM]);
    await saveUser(pool, { username: 'admin', password: 'admin-secret', role: 'admin' });
    await saveUser(pool, { username: 'op1', password: 'op1-secret', role: 'operator', centerIds: [1] });
    await saveUser(pool, { username: 'desk1', password: 'desk-secret', role: 'desk', centerIds: [1] });
    await saveUser(pool, { username: 'sp1', password: 'sp1-secret', role: 'service', servicePointId: 1 });
    api = await startApiServer(pool);
    for (const [user, password] of [
      ['admin', 'admin-secret'],
      ['op1', 'op1-secret'],
      ['desk1', 'desk-secret'],
      ['sp1', 'sp1-secret'],
    ] as const)
      await api.login(user, password);

    const call = (callerPhone: string) =>
      api.post('desk1', '/api/desk/calls', {
        callerPhone,
        vehicle: { plate: '豫A00001' },
        description: '终端不上线',
        category: 'hardware',
        severity: 2,
      });
    const opened = await call(CALLER);
    expect(opened.status).toBe(201);
    ticketId = Number(opened.body.ticketId);
    expect((await call(SECOND_CALLER)).body).toMatchObject({ attached: true });
    const act = (user: string, body: object) => api.post(user, `/api/tickets/${ticketId}/actions`, body);
    expect((await act('op1', { action: 'dispatch', installer: 'inst-a', servicePointId: 1 })).status).toBe(
      200,
    );
    expect((await act('sp1', { action: 'appoint', at: new Date().toISOString() })).status).toBe(200);
    expect((await act('sp1', { action: 'arrive' })).status).toBe(200);
    resolved = await act('sp1', { action: 'resolve', faultCause: '天线', replacementPhone: NEW_SIM });
    expect(resolved.status).toBe(200);
  }, 120_000);
  afterAll(() => closeAll(api, pool, db));

  it('keeps callers’ numbers and SIMs out of a ticket’s history, for every role', async () => {
    // A history written before calls were audited by id still answers masked.
    await pool.query(
      `INSERT INTO ticket_events (ticket_id, actor, from_state, to_state, reason, detail)
       VALUES ($1, 'desk1', 'resolved', 'resolved', 'desk call attached', '{"callerPhone": "13711112222"}')`,
      [ticketId],
    );
    for (const user of ['admin', 'op1', 'sp1']) {
      const { body } = await api.get(user, `/api/tickets/${ticketId}`);
      const history = JSON.stringify(body.history);
      for (const secret of [CALLER, SECOND_CALLER, '13711112222', NEW_SIM])
        expect(history, user).not.toContain(secret);
      expect(body.history.at(-1).detail, user).toEqual({ callerPhone: '137****2222' });
    }
    const { rows } = await pool.query(
      'SELECT detail FROM ticket_events WHERE ticket_id = $1 AND actor = $2',
      [ticketId, 'desk1'],
    );
    expect(JSON.stringify(rows.slice(0, 2))).not.toMatch(/138123|136876/);
    expect(rows[1].detail).toEqual({ callId: expect.any(String) });
  });

  it('masks SIMs in the vehicle and ticket lists; one vehicle’s or ticket’s SIM in full only for those who command it', async () => {
    for (const user of ['admin', 'op1', 'sp1']) {
      const tickets = await api.get(user, '/api/tickets');
      expect(tickets.body.items[0], user).toMatchObject({
        phone: '139****0001',
        replacementPhone: '139****0060',
      });
      const vehicles = await api.get(user, '/api/vehicles');
      expect(vehicles.body.items[0], user).toMatchObject({ id: '1', phone: '139****0060' });
    }
    expect((await api.get('op1', `/api/tickets/${ticketId}`)).body).toMatchObject({
      phone: SIM,
      replacementPhone: NEW_SIM,
    });
    expect((await api.get('op1', '/api/vehicles/1')).body.phone).toBe(NEW_SIM);
    expect((await api.get('sp1', `/api/tickets/${ticketId}`)).body).toMatchObject({
      phone: '139****0001',
      replacementPhone: '139****0060',
    });
    expect((await api.get('sp1', '/api/vehicles/1')).body.phone).toBe('139****0060');
    expect(resolved.body).toMatchObject({ phone: '139****0001', replacementPhone: '139****0060' });
    const track = await api.get(
      'sp1',
      '/api/vehicles/1/track?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z',
    );
    expect(track.body.phone).toBe('139****0060');
  });

  it('names no SIM in the customer timeline or in the complaints the platform raises', async () => {
    const customer = await api.get('desk1', '/api/customers/1?full=true');
    expect(customer.body.timeline).toContainEqual(
      expect.objectContaining({ what: 'exchange', ref: String(ticketId), summary: 'terminal replaced' }),
    );
    expect(JSON.stringify(customer.body.timeline)).not.toContain(NEW_SIM);

    // The same cause was repaired on this terminal a month ago: a repeat fault.
    await pool.query(
      `INSERT INTO tickets (kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, fault_cause,
                            resolved_at, closed_at, close_reason, service_point_id)
       VALUES ('repair', $1, 1, 1, 'closed', 'offline', now() - interval '40 days', now(), now(), '天线',
               now() - interval '39 days', now() - interval '38 days', 'verified', 1)`,
      [SIM],
    );
    expect((await api.post('admin', '/api/complaints/review', { days: 1 })).body).toEqual({ raised: 1 });
    const complaints = await api.get('op1', '/api/complaints');
    expect(complaints.body).toHaveLength(1);
    expect(JSON.stringify(complaints.body)).not.toContain(SIM);
    expect(complaints.body[0].description).toContain(`工单${ticketId}`);
  });
});
