import { ensureStorage, migrate, refreshRollup } from '@jt808/storage';
import { freshDatabase, hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { sessionCookie } from '@jt808/test-support/session-cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../src/app.js';
import { checkResponses, type ResponseMismatch } from '../src/response-check.js';
import { saveUser } from '../src/users.js';

const HOUR = 3_600_000;

/**
 * Every route on the contract (@jt808/api-contract) answers exactly what its response schema
 * lists: fastify serializes through the schema and would drop a field it lacks, so each route's
 * real answer, with every kind of value filled in (nulls and numbers, a ticket closed with a
 * satisfaction), is checked against its schema made strict before serializing (response-check.ts).
 */
describe.skipIf(!hasPostgres)(
  'the API contract: answers match their response schemas (real PostgreSQL)',
  () => {
    let db: TestDatabase;
    let pool: pg.Pool;
    let api: FastifyInstance;
    let cookie: string;
    const mismatches: ResponseMismatch[] = [];
    const from = new Date(Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR);
    const to = new Date(from.getTime() + 2 * HOUR);

    beforeAll(async () => {
      db = await freshDatabase('contract');
      await migrate(db.url);
      pool = new pg.Pool({ connectionString: db.url, max: 4 });
      await ensureStorage(pool, { retentionDays: 180, allowTimescale: false });
      await pool.query(
        `INSERT INTO centers (id, code, name, region, latitude, longitude) VALUES (1, 'C1', '郑州中心', '郑州', 34.7, 113.6), (2, 'C2', '洛阳中心', '洛阳', NULL, NULL)`,
      );
      await pool.query(
        `INSERT INTO service_points (id, code, name, center_id) VALUES (1, 'SP1', '郑州服务站', 1), (2, 'SP2', '洛阳服务站', 2)`,
      );
      await pool.query(
        `INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A11111', 2, 1), (2, '豫C22222', 2, 2)`,
      );
      await pool.query(
        `INSERT INTO terminals (phone, vehicle_id) VALUES ('13900000001', 1), ('13900000002', 2)`,
      );
      await pool.query(
        `INSERT INTO positions (phone, gps_time, received_at, latitude, longitude, alarm, status)
       SELECT '13900000001', $1::timestamptz + make_interval(secs => g * 60), now(), 34.7, 113.6 + g * 0.001, 0, 3
         FROM generate_series(0, 59) g`,
        [from],
      );
      await pool.query(`INSERT INTO terminal_activity_hourly (hour, phone) VALUES ($1, '13900000001')`, [
        from,
      ]);
      await refreshRollup(pool, 'partitions', from, to);
      // One ticket verified with a satisfaction, a coded cause, parts and clocks (the medians, the
      // average and every nullable column filled), one new (its nulls).
      await pool.query(
        `INSERT INTO tickets (id, kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, service_point_id,
                              closed_at, close_reason, satisfaction, category, severity, installer, appointment_at, arrived_at,
                              fault_cause, fault_cause_code, parts_replaced, replacement_phone, in_warranty, resolved_at, verified_at, callback_comment, callback_at)
         VALUES (1, 'repair', '13900000001', 1, 1, 'closed', 'offline', now() - interval '5 hours', now(), now(), 1,
                 now(), 'verified', 4, 'hardware', 2, '王师傅', now() - interval '4 hours', now() - interval '3 hours',
                 'antenna', 'gnss-antenna', '{antenna}', '13900000009', true, now() - interval '2 hours', now() - interval '1 hour', 'fine', now())`,
      );
      await pool.query(
        `INSERT INTO tickets (id, kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, service_point_id)
         VALUES (2, 'repair', '13900000002', 2, 2, 'new', 'offline', now(), now() + interval '2 hours', now() + interval '1 day', 2)`,
      );
      await pool.query(
        `INSERT INTO ticket_events (ticket_id, at, actor, from_state, to_state, reason, detail)
         VALUES (1, now() - interval '3 hours', 'x', 'appointed', 'on-site', NULL, NULL),
                (1, now() - interval '2 hours', 'x', 'on-site', 'resolved', 'fixed', '{"replacementPhone": "13900000009"}')`,
      );
      await pool.query(
        `INSERT INTO service_clocks (ticket_id, clock, due_at, met_at) VALUES (1, 'first-answer', now(), now()), (1, 'visit', now(), NULL)`,
      );
      await saveUser(pool, { username: 'admin', password: 'admin-secret', role: 'admin' });
      api = await buildApi({
        pool,
        secureCookies: false,
        onResponseMismatch: (mismatch) => mismatches.push(mismatch),
      });
      cookie = await sessionCookie(api, 'admin', 'admin-secret');
    });
    afterAll(async () => {
      await api?.close();
      await pool?.end();
      await db?.drop();
    });

    const period = `from=${from.toISOString()}&to=${to.toISOString()}`;
    it.each([
      ['/api/me', (body: { username: string }) => body.username === 'admin'],
      ['/api/centers', (body: unknown[]) => body.length === 2],
      [`/api/centers/hourly?${period}`, (body: unknown[]) => body.length > 0],
      [`/api/kpis?${period}`, (body: { kpis: unknown[] }) => body.kpis.length === 3],
      ['/api/map/config', () => true],
      ['/api/service-points', (body: { satisfaction: number | null }[]) => body[0]?.satisfaction === 4],
      ['/api/tickets', (body: { items: unknown[] }) => body.items.length === 2],
      [
        '/api/tickets/1',
        (body: { clocks: unknown[]; history: unknown[] }) =>
          body.clocks.length === 2 && body.history.length === 2,
      ],
      ['/api/tickets/2', (body: { state: string }) => body.state === 'new'],
      ['POST /api/tickets/2/actions', (body: { state: string }) => body.state === 'classified'],
    ] as [string, (body: never) => boolean][])('%s', async (route, filled) => {
      const [method, url] = route.startsWith('POST ') ? ['POST', route.slice(5)] : ['GET', route];
      const answer = await api.inject({
        method: method as 'GET' | 'POST',
        url,
        headers: { cookie },
        ...(method === 'POST' ? { payload: { action: 'classify', category: 'hardware', severity: 2 } } : {}),
      });
      expect(answer.statusCode).toBe(200);
      // The answer holds the values the check is meant to see (not an empty list that fits anything).
      expect(filled(answer.json() as never)).toBe(true);
      expect(mismatches.filter((m) => m.url === url)).toEqual([]);
    });
  },
);

describe('the response check', () => {
  it('reports a field the schema lacks, which serializing drops, and a value serialized otherwise', async () => {
    const app = Fastify();
    const found: ResponseMismatch[] = [];
    checkResponses(app, (mismatch) => found.push(mismatch));
    const schema = {
      response: { 200: Type.Object({ a: Type.Integer(), c: Type.Object({ d: Type.String() }) }) },
    };
    app.get('/extra', { schema }, async () => ({ a: 1, b: 2, c: { d: 'x', e: 3 } }));
    app.get('/exact', { schema }, async () => ({ a: 1, c: { d: 'x' } }));
    // A value the schema's serializer sends otherwise than JSON.stringify (1.6 as the integer 1).
    app.get('/rounded', { schema }, async () => ({ a: 1.6, c: { d: 'x' } }));
    expect((await app.inject({ url: '/extra' })).json()).toEqual({ a: 1, c: { d: 'x' } });
    expect((await app.inject({ url: '/exact' })).json()).toEqual({ a: 1, c: { d: 'x' } });
    await app.inject({ url: '/rounded' });
    // Each is told twice: by the strict schema, then by what was sent.
    expect(found.map((m) => m.url)).toEqual(['/extra', '/extra', '/rounded', '/rounded']);
    expect(found[1]!.errors[0]).toBe('serialized as {"a":1,"c":{"d":"x"}}');
    expect(found[2]!.errors.join('\n')).toMatch(/must be integer/);
    expect(found[3]!.errors[0]).toBe('serialized as {"a":1,"c":{"d":"x"}}');
    expect(found[0]!.errors.join('\n')).toMatch(/additionalProperty":"b"/);
    expect(found[0]!.errors.join('\n')).toMatch(/additionalProperty":"e"/);
    await app.close();
  });
});
