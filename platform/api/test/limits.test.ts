import { closeAll, storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { sessionCookie } from '@jt808/test-support/session-cookie';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi, CONNECTION_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from '../src/app.js';
import { saveUser } from '../src/users.js';

describe.skipIf(!hasPostgres)('request limits, error answers and headers (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: FastifyInstance;
  let cookie: string;

  beforeAll(async () => {
    ({ db, pool } = await storedDatabase('limits'));
    await pool.query(`INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州', '郑州')`);
    await pool.query(`INSERT INTO service_points (id, code, name, center_id) VALUES (1, 'SP1', '郑州站', 1)`);
    await pool.query(`INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A10001', 2, 1)`);
    await pool.query(`INSERT INTO terminals (phone, vehicle_id) VALUES ('13900000001', 1)`);
    await pool.query(
      `INSERT INTO tickets (id, kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, service_point_id)
       VALUES (1, 'repair', '13900000001', 1, 1, 'on-site', 'offline', now(), now(), now(), 1)`,
    );
    await saveUser(pool, { username: 'admin', password: 'admin-secret', role: 'admin' });
    api = await buildApi({ pool, secureCookies: true });
    cookie = await sessionCookie(api, 'admin', 'admin-secret');
  }, 60_000);
  afterAll(() => closeAll(api, pool, db));

  const get = (url: string) => api.inject({ method: 'GET', url, headers: { cookie } });

  it('caps pages: a page beyond any list is a 400, not a database error', async () => {
    for (const url of ['/api/vehicles?page=1e300', '/api/tickets?page=1e300', '/api/vehicles?page=10001']) {
      const answer = await get(url);
      expect(answer.statusCode, url).toBe(400);
      expect(answer.json().error, url).toMatch(/page must be <= 10000/);
    }
    expect((await get('/api/vehicles?page=10000')).statusCode).toBe(200);
    expect((await get('/api/tickets?pageSize=501')).statusCode).toBe(400);
  });

  it('caps periods at 400 days on every route that takes one', async () => {
    const instants = 'from=1970-01-01T00:00:00Z&to=2100-01-01T00:00:00Z';
    const days = 'from=1970-01-01&to=2100-01-01';
    for (const url of [
      `/api/kpis?${instants}`,
      `/api/centers/hourly?${instants}`,
      `/api/vehicles/1/track?${instants}`,
      `/api/callbacks/figures?${days}`,
      `/api/service-points/league?${days}`,
      `/api/settlements?${days}`,
    ]) {
      const answer = await get(url);
      expect(answer.statusCode, url).toBe(400);
      expect(answer.json(), url).toEqual({ error: 'a period is at most 400 days' });
    }
    expect((await get('/api/kpis?from=2026-01-01T00:00:00Z&to=2027-02-04T00:00:00Z')).statusCode).toBe(200);
    expect((await get('/api/callbacks/figures?from=2026-01-01&to=2026-12-31')).statusCode).toBe(200);
  });

  it("requires each ticket action's own fields", async () => {
    const act = (payload: object) =>
      api.inject({ method: 'POST', url: '/api/tickets/1/actions', headers: { cookie }, payload });
    for (const payload of [
      { action: 'resolve' },
      { action: 'classify', category: 'hardware' },
      { action: 'dispatch' },
      { action: 'appoint' },
      { action: 'cancel' },
      { action: 'callback' },
    ]) {
      const answer = await act(payload);
      expect(answer.statusCode, payload.action).toBe(400);
      expect(answer.json().error, payload.action).toMatch(/must have required property/);
    }
    expect((await act({ action: 'resolve', faultCause: 'antenna' })).json()).toMatchObject({
      state: 'resolved',
    });
  });

  it('answers an internal error with a request id and nothing of the error', async () => {
    await pool.query('ALTER TABLE service_points RENAME TO service_points_away');
    try {
      const answer = await get('/api/service-points');
      expect(answer.statusCode).toBe(500);
      expect(answer.json()).toEqual({ error: 'internal error', requestId: expect.any(String) });
      expect(answer.body).not.toMatch(/service_points|relation|select/i);
      expect(answer.json().requestId).not.toBe((await get('/api/service-points')).json().requestId);
    } finally {
      await pool.query('ALTER TABLE service_points_away RENAME TO service_points');
    }
  });

  it('gives a request and a silent connection a time limit', () => {
    expect(api.server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
    expect(api.server.timeout).toBe(CONNECTION_TIMEOUT_MS);
    expect(CONNECTION_TIMEOUT_MS).toBeGreaterThan(120_000); // a downlink command may wait 120 s
  });

  it('sends the security headers on the console, the API and its errors', async () => {
    for (const answer of [
      await api.inject({ method: 'GET', url: '/' }),
      await get('/api/me'),
      await api.inject({ method: 'GET', url: '/api/me' }),
      await api.inject({ method: 'GET', url: '/docs' }),
    ]) {
      const csp = String(answer.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("worker-src 'self' blob:");
      expect(csp).toContain("img-src 'self' data: blob:");
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('same-origin');
      expect(answer.headers['x-frame-options']).toBe('DENY');
      expect(answer.headers['strict-transport-security']).toBe('max-age=15552000');
    }
  });
});
