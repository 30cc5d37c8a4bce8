import { closeAll, storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { seedTwoCenters } from '@jt808/test-support/two-centers';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../src/app.js';
import { saveUser } from '../src/users.js';

describe.skipIf(!hasPostgres)('HTTP API: sign-in and scoping (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: FastifyInstance;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    ({ db, pool } = await storedDatabase('api'));
    await seedTwoCenters(pool);
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id, vin) VALUES (1, '豫A11111', 2, 1, 'VIN00000000000001'), (2, '豫C22222', 2, 2, 'VIN00000000000002')`,
    );
    await pool.query(
      `INSERT INTO terminals (phone, vehicle_id) VALUES ('13900000001', 1), ('13900000002', 2)`,
    );
    await pool.query(
      `INSERT INTO terminal_status (phone, status, health) VALUES ('13900000001', 'online', '{}'), ('13900000002', 'offline', '{}')`,
    );
    await pool.query(
      `INSERT INTO positions (phone, gps_time, received_at, latitude, longitude, alarm, status)
       SELECT phone, now() - make_interval(secs => g * 30), now(), 34.7, 113.6, 0, 3
         FROM (VALUES ('13900000001'), ('13900000002')) p(phone), generate_series(1, 100) g`,
    );
    for (const [id, phone, vehicle, center, sp] of [
      [1, '13900000001', 1, 1, 1],
      [2, '13900000002', 2, 2, 2],
    ]) {
      await pool.query(
        `INSERT INTO tickets (id, kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, service_point_id)
         VALUES ($1, 'repair', $2, $3, $4, 'new', 'offline', now(), now() + interval '2 hours', now() + interval '1 day', $5)`,
        [id, phone, vehicle, center, sp],
      );
    }
    await pool.query(`SELECT setval('tickets_id_seq', 10)`);
    await saveUser(pool, { username: 'admin', password: 'admin-secret', role: 'admin' });
    await saveUser(pool, { username: 'op1', password: 'op1-secret', role: 'operator', centerIds: [1] });
    await saveUser(pool, { username: 'sp1', password: 'sp1-secret', role: 'service', servicePointId: 1 });
    api = await buildApi({ pool, secureCookies: false });
    for (const [user, password] of [
      ['admin', 'admin-secret'],
      ['op1', 'op1-secret'],
      ['sp1', 'sp1-secret'],
    ]) {
      const response = await api.inject({
        method: 'POST',
        url: '/api/login',
        payload: { username: user, password },
      });
      expect(response.statusCode).toBe(200);
      const cookie = response.cookies.find((c) => c.name === 'jt808_session')!;
      expect(cookie.httpOnly).toBe(true);
      cookies[user!] = `jt808_session=${cookie.value}`;
    }
  });
  afterAll(() => closeAll(api, pool, db));

  const get = (user: string, url: string) =>
    api.inject({ method: 'GET', url, headers: { cookie: cookies[user]! } });

  it('refuses every route without a session', async () => {
    for (const url of [
      '/api/me',
      '/api/centers',
      '/api/vehicles',
      '/api/vehicles/1',
      '/api/tickets',
      '/api/tickets/1',
    ]) {
      expect((await api.inject({ method: 'GET', url })).statusCode, url).toBe(401);
    }
  });

  it('refuses a wrong password and limits guesses', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const response = await api.inject({
        method: 'POST',
        url: '/api/login',
        payload: { username: 'op1', password: `guess-${i}` },
        remoteAddress: '10.9.9.9',
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it('validates input against the schema', async () => {
    const response = await get('admin', '/api/vehicles?pageSize=100000');
    expect(response.statusCode).toBe(400);
    expect((await get('admin', '/api/vehicles/abc')).statusCode).toBe(400);
  });

  it("keeps an operator to the own center's vehicles, tracks, tickets and figures on every route", async () => {
    const centers = (await get('op1', '/api/centers')).json();
    expect(centers.map((c: { id: number }) => c.id)).toEqual([1]);
    expect(centers[0]).toMatchObject({ vehicles: 1, online: 1, onlineRate: 1 });
    const search = (await get('op1', '/api/vehicles?q=')).json();
    expect(search.items.map((v: { plate: string }) => v.plate)).toEqual(['豫A11111']);
    expect((await get('op1', '/api/vehicles?q=豫C')).json().items).toEqual([]);
    expect((await get('op1', '/api/vehicles?q=13900000002')).json().items).toEqual([]);
    expect((await get('op1', '/api/vehicles/1')).statusCode).toBe(200);
    expect((await get('op1', '/api/vehicles/2')).statusCode).toBe(404);
    const range = `from=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;
    expect((await get('op1', `/api/vehicles/1/track?${range}`)).json().points).toHaveLength(100);
    expect((await get('op1', `/api/vehicles/2/track?${range}`)).statusCode).toBe(404);
    expect((await get('op1', '/api/tickets')).json().items.map((t: { id: string }) => t.id)).toEqual(['1']);
    expect((await get('op1', '/api/tickets/2')).statusCode).toBe(404);
    const action = await api.inject({
      method: 'POST',
      url: '/api/tickets/2/actions',
      headers: { cookie: cookies.op1! },
      payload: { action: 'classify', category: 'hardware', severity: 2 },
    });
    expect(action.statusCode).toBe(404);
  });

  it('lets the administrator see everything and thins long tracks', async () => {
    expect((await get('admin', '/api/centers')).json()).toHaveLength(2);
    const range = `from=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;
    const thin = (await get('admin', `/api/vehicles/2/track?${range}&maxPoints=10`)).json();
    const all = (await get('admin', `/api/vehicles/2/track?${range}`)).json();
    expect(all.points).toHaveLength(100);
    // Every 11th of the 100 fixes (0, 11, …, 99): at most maxPoints, first and last kept.
    expect(thin.points).toEqual(all.points.filter((_: unknown, i: number) => i % 11 === 0));
  });

  it('tells each user the ticket actions and downlink commands their role allows, and the plate', async () => {
    const opTickets = (await get('op1', '/api/tickets')).json().items;
    expect(opTickets).toMatchObject([
      { id: '1', plate: '豫A11111', plateColor: 2, actions: ['classify', 'cancel'] },
    ]);
    const spTicket = (await get('sp1', '/api/tickets/1')).json();
    expect(spTicket).toMatchObject({ plate: '豫A11111', actions: [] });
    expect((await get('admin', '/api/tickets/2')).json().actions).toEqual(['classify', 'cancel']);
    expect((await get('op1', '/api/vehicles/1')).json().commands).toEqual([
      'locationQuery',
      'queryParameters',
      'setParameters',
      'textMessage',
    ]);
    expect((await get('sp1', '/api/vehicles/1')).json().commands).toEqual([
      'locationQuery',
      'queryParameters',
    ]);
    const refused = await api.inject({
      method: 'POST',
      url: '/api/vehicles/1/commands',
      headers: { cookie: cookies.sp1! },
      payload: { command: 'setParameters', parameters: [{ id: 1, value: 30 }] },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toBe('a service may not send setParameters commands');
  });

  it('runs the workflow by role: service staff cannot classify, the operator can; mistakes are 409', async () => {
    const post = (user: string, payload: object) =>
      api.inject({
        method: 'POST',
        url: '/api/tickets/1/actions',
        headers: { cookie: cookies[user]! },
        payload,
      });
    expect((await post('sp1', { action: 'classify', category: 'hardware', severity: 2 })).statusCode).toBe(
      403,
    );
    expect((await post('op1', { action: 'arrive' })).statusCode).toBe(403);
    const classified = await post('op1', { action: 'classify', category: 'hardware', severity: 2 });
    expect(classified.statusCode).toBe(200);
    expect(classified.json()).toMatchObject({
      state: 'classified',
      category: 'hardware',
      severity: 2,
      actions: ['dispatch', 'cancel'],
    });
    expect((await post('op1', { action: 'classify', category: 'hardware', severity: 2 })).statusCode).toBe(
      409,
    );
    const detail = (await get('sp1', '/api/tickets/1')).json();
    expect(detail.history.map((h: { toState: string; actor: string }) => [h.toState, h.actor])).toEqual([
      ['classified', 'op1'],
    ]);
    expect((await get('sp1', '/api/tickets/2')).statusCode).toBe(404);
  });

  it('shows the installer a live checklist and accepts the installation only when all is green', async () => {
    await pool.query(
      `INSERT INTO terminal_state (phone, online, connected_at, last_fix_time, status, alarm, satellites, signal_strength, latitude, longitude)
       VALUES ('13900000001', true, now(), now(), 3, 32, 9, 20, 34.7, 113.6)
       ON CONFLICT (phone) DO UPDATE SET online = true, connected_at = now(), last_fix_time = now(), status = 3, alarm = 32,
         satellites = 9, signal_strength = 20`,
    );
    await pool.query(`UPDATE terminals SET registered_at = now() WHERE phone = '13900000001'`);
    await pool.query(`INSERT INTO installations (vehicle_id, planned_on) VALUES (1, current_date)`);
    await pool.query(
      `INSERT INTO tickets (kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due)
       VALUES ('install', '13900000001', 1, 1, 'new', 'never-authenticated', now(), now(), now())`,
    );
    const check = (await get('op1', `/api/installer/${encodeURIComponent('豫A11111')}`)).json();
    expect(check.checks.find((c: { name: string }) => c.name === 'no-alarms')).toMatchObject({
      ok: false,
      detail: ['gnssAntennaOpen'],
    });
    expect(check.allGreen).toBe(false);
    expect((await get('op1', '/api/installer/13900000002')).statusCode).toBe(404);
    const accept = (user: string) =>
      api.inject({
        method: 'POST',
        url: '/api/installer/13900000001/accept',
        headers: { cookie: cookies[user]! },
      });
    expect((await accept('op1')).statusCode).toBe(403);
    expect((await accept('sp1')).statusCode).toBe(409);
    await pool.query(`UPDATE terminal_state SET alarm = 0 WHERE phone = '13900000001'`);
    const accepted = await accept('sp1');
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().allGreen).toBe(true);
    const installation = await pool.query(
      'SELECT accepted_by, done_at IS NOT NULL AS done FROM installations WHERE vehicle_id = 1',
    );
    expect(installation.rows).toEqual([{ accepted_by: 'sp1', done: true }]);
    const ticket = await pool.query(`SELECT state, close_reason FROM tickets WHERE kind = 'install'`);
    expect(ticket.rows).toEqual([{ state: 'closed', close_reason: 'verified' }]);
  });

  it('shows service-point SLA figures within scope', async () => {
    const points = (await get('op1', '/api/service-points')).json();
    expect(points.map((p: { code: string }) => p.code)).toEqual(['SP1']);
    expect(points[0]).toMatchObject({ tickets: 1, openTickets: 1, responseBreaches: 0 });
    expect((await get('sp1', '/api/service-points')).json().map((p: { id: number }) => p.id)).toEqual([1]);
    expect((await get('admin', '/api/service-points')).json()).toHaveLength(2);
  });

  it('serves the OpenAPI document at /docs', async () => {
    const docs = (await api.inject({ method: 'GET', url: '/docs' })).json();
    expect(docs.openapi).toMatch(/^3\./);
    expect(Object.keys(docs.paths)).toEqual(
      expect.arrayContaining([
        '/api/login',
        '/api/centers',
        '/api/vehicles/{id}/track',
        '/api/tickets/{id}/actions',
      ]),
    );
  });
});
