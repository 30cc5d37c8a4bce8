import { type ApiServer, startApiServer } from '@jt808/test-support/api-server';
import { closeAll, storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { seedTwoCenters } from '@jt808/test-support/two-centers';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveUser } from '../src/users.js';

/**
 * What a ticket's actions may reach beyond the ticket: the terminal a resolution fits to the
 * vehicle, and the service point a dispatch hands the vehicle to. Each must stay inside the
 * ticket's center; over real HTTP against a real server and PostgreSQL.
 */
describe.skipIf(!hasPostgres)('ticket actions stay inside the ticket’s center', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: ApiServer;

  beforeAll(async () => {
    ({ db, pool } = await storedDatabase('ticketguards'));
    await seedTwoCenters(pool);
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES
         (1, '豫A00001', 2, 1), (2, '豫C00002', 2, 2), (3, '豫A00003', 2, 1), (4, '豫C00004', 2, 2)`,
    );
    // Fitted: 1 (center 1), 2 (center 2). Stock: 50 last served center 2, 60 never served, 70 is
    // reserved for vehicle 4's planned installation.
    await pool.query(
      `INSERT INTO terminals (phone, vehicle_id) VALUES ('13900000001', 1), ('13900000002', 2),
         ('13900000050', NULL), ('13900000060', NULL), ('13900000070', NULL)`,
    );
    await pool.query(
      `INSERT INTO tickets (kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, closed_at, close_reason)
       VALUES ('repair', '13900000050', 2, 2, 'closed', 'offline', now() - interval '30 days', now(), now(), now() - interval '29 days', 'cancelled')`,
    );
    await pool.query(
      `INSERT INTO installations (vehicle_id, terminal_phone, service_point_id, planned_on) VALUES (4, '13900000070', 2, current_date + 3)`,
    );
    await saveUser(pool, { username: 'op1', password: 'op1-secret', role: 'operator', centerIds: [1] });
    await saveUser(pool, { username: 'sp1', password: 'sp1-secret', role: 'service', servicePointId: 1 });
    await saveUser(pool, { username: 'sp2', password: 'sp2-secret', role: 'service', servicePointId: 2 });
    api = await startApiServer(pool);
    await api.login('op1', 'op1-secret');
    await api.login('sp1', 'sp1-secret');
    await api.login('sp2', 'sp2-secret');
  }, 120_000);
  afterAll(() => closeAll(api, pool, db));

  /** A center-1 ticket in `state`, held by service point `servicePoint`. */
  async function ticket(
    kind: string,
    phone: string | null,
    vehicle: number,
    state: string,
    servicePoint: number | null,
  ) {
    const { rows } = await pool.query(
      `INSERT INTO tickets (kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, service_point_id)
       VALUES ($1, $2, $3, 1, $4, 'offline', now(), now() + interval '2 hours', now() + interval '1 day', $5) RETURNING id`,
      [kind, phone, vehicle, state, servicePoint],
    );
    return Number(rows[0].id);
  }
  const fittedTo = async (vehicle: number) =>
    (await pool.query('SELECT phone FROM terminals WHERE vehicle_id = $1', [vehicle])).rows.map(
      (r) => r.phone,
    );
  const resolve = (id: number, replacementPhone: string) =>
    api.post('sp1', `/api/tickets/${id}/actions`, {
      action: 'resolve',
      faultCause: '终端损坏',
      replacementPhone,
    });

  it('refuses to fit another vehicle’s terminal, another center’s stock or a reserved unit; fits stock of the center', async () => {
    const repair = await ticket('repair', '13900000001', 1, 'on-site', 1);
    const taken = await resolve(repair, '13900000002');
    expect(taken).toEqual({ status: 409, body: { error: 'terminal 13900000002 is fitted to a vehicle' } });
    expect(await fittedTo(2)).toEqual(['13900000002']);
    // So the service point never reaches center 2's terminal through vehicle 1.
    expect((await api.get('sp1', '/api/vehicles/1')).body.phone).not.toBe('13900000002');

    expect(await resolve(repair, '13900000050')).toEqual({
      status: 409,
      body: { error: "terminal 13900000050 belongs to another center's stock" },
    });
    expect((await resolve(repair, '13900000070')).body).toEqual({
      error: "terminal 13900000070 is reserved for another vehicle's installation",
    });
    expect(await fittedTo(1)).toEqual(['13900000001']);

    const fitted = await resolve(repair, '13900000060');
    expect(fitted.status).toBe(200);
    expect(await fittedTo(1)).toEqual(['13900000060']);
    expect((await pool.query(`SELECT vehicle_id FROM terminals WHERE phone = '13900000001'`)).rows).toEqual([
      { vehicle_id: null },
    ]);
  });

  it('on a ticket without a terminal, naming a fitted one neither moves nor detaches it', async () => {
    const service = await ticket('service', null, 3, 'on-site', 1);
    const answer = await resolve(service, '13900000002');
    expect(answer.status).toBe(409);
    expect(await fittedTo(2)).toEqual(['13900000002']);
    expect(await fittedTo(3)).toEqual([]);
  });

  it('dispatches only to an existing service point of the ticket’s center (400 otherwise)', async () => {
    const install = await ticket('install', null, 3, 'classified', null);
    const dispatch = (servicePointId: number) =>
      api.post('op1', `/api/tickets/${install}/actions`, {
        action: 'dispatch',
        installer: '王师傅',
        servicePointId,
      });
    const foreign = await dispatch(2);
    expect(foreign).toEqual({ status: 400, body: { error: "service point 2 is not one of center 1's" } });
    // Center 2's staff never got the vehicle.
    expect((await api.get('sp2', '/api/vehicles/3')).status).toBe(404);
    expect((await api.get('sp2', `/api/tickets/${install}`)).status).toBe(404);
    expect((await dispatch(999)).status).toBe(400);
    const own = await dispatch(1);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ state: 'dispatched', servicePointId: 1 });
  });
});
