import { LiveDelta, LiveError } from '@jt808/api-contract';
import { type ApiServer, startApiServerFor } from '@jt808/test-support/api-server';
import { closeAll, storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { seedTwoCenters } from '@jt808/test-support/two-centers';
import { Ajv } from 'ajv';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const PASSWORD = 'pw-contract-vehicles';
const HOUR = 3_600_000;

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
/** The live messages' schemas, each object closed: a field the contract lacks fails too. */
const closed = (schema: object): object =>
  JSON.parse(JSON.stringify(schema), (_key, value) =>
    value && typeof value === 'object' && 'properties' in value
      ? { ...value, additionalProperties: false }
      : value,
  );
const isDeltas = ajv.compile({ type: 'array', items: closed(LiveDelta) });
const isLiveError = ajv.compile(closed(LiveError));

/**
 * The vehicle routes, the sign-in and the sign-out on the contract (api-contract/src/vehicles.ts,
 * auth.ts): their answers with every nullable column filled and with it empty, and their error
 * answers. The strict response check (JT808_STRICT_RESPONSES=1) turns an answer its schema does not
 * describe into a 500, so each 200 here says the schema fits.
 */
describe.skipIf(!hasPostgres)(
  'the vehicle and sign-in routes answer by their contract (real PostgreSQL)',
  () => {
    let db: TestDatabase;
    let pool: pg.Pool;
    let api: ApiServer;
    const from = new Date(Math.floor(Date.now() / HOUR) * HOUR - HOUR);
    const to = new Date(from.getTime() + HOUR);
    const period = `from=${from.toISOString()}&to=${to.toISOString()}`;

    beforeAll(async () => {
      ({ db, pool } = await storedDatabase('contract_vehicles'));
      await seedTwoCenters(pool);
      // 1: everything filled in; 2: a vehicle without a terminal (every terminal column null);
      // 3: another center's vehicle, with a terminal that never reported (no state, no status).
      await pool.query(
        `INSERT INTO vehicles (id, plate, plate_color, vin, center_id, owner_name, owner_phone, owner_id_number) VALUES
        (1, '豫A11111', 2, 'LVIN0000000000001', 1, '张三丰', '13812345678', '410101199001011234'),
        (2, '豫A22222', 1, NULL, 1, NULL, NULL, NULL),
        (3, '豫C33333', 2, NULL, 2, NULL, NULL, NULL)`,
      );
      await pool.query(
        `INSERT INTO terminals (phone, terminal_id, maker, model, vehicle_id, shipped_on, ship_mode) VALUES
        ('13900000001', 'T0000001', 'M1', 'X1', 1, '2026-05-01', 'express'),
        ('13900000003', NULL, NULL, NULL, 3, NULL, NULL)`,
      );
      await pool.query(
        `INSERT INTO terminal_state (phone, online, last_seen_at, last_fix_time, latitude, longitude, speed, direction,
         alarm, satellites, signal_strength) VALUES ('13900000001', true, now(), now(), 34.7, 113.6, 42.5, 90, 1, 9, 21)`,
      );
      await pool.query(
        `INSERT INTO terminal_status (phone, status, reasons, since, health)
       VALUES ('13900000001', 'faulty', '{no-fix}', now(), '{}')`,
      );
      await pool.query(
        `INSERT INTO terminal_events (phone, at, kind, detail, source) VALUES
        ('13900000001', now(), 'connected', '{"gateway": "g1"}', 's1'),
        ('13900000001', now(), 'disconnected', NULL, 's2')`,
      );
      // One fix with its speed and direction, one without (both nullable).
      await pool.query(
        `INSERT INTO positions (phone, gps_time, received_at, latitude, longitude, speed, direction, alarm, status) VALUES
        ('13900000001', $1::timestamptz + interval '1 minute', now(), 34.7, 113.6, 30.5, 180, 0, 3),
        ('13900000001', $1::timestamptz + interval '2 minutes', now(), 34.7, 113.61, NULL, NULL, 4, 3)`,
        [from],
      );
      api = await startApiServerFor(pool, [
        { username: 'admin', password: PASSWORD, role: 'admin' },
        { username: 'op1', password: PASSWORD, role: 'operator', centerIds: [1] },
        { username: 'viewer', password: PASSWORD, role: 'viewer', centerIds: 'all' },
      ]);
    });
    afterAll(() => closeAll(api, pool, db));

    it('lists vehicles with their state filled in and empty, the SIM masked', async () => {
      const answer = await api.get('admin', '/api/vehicles');
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ page: 1, pageSize: 50 });
      expect(answer.body.items.map((v: { id: string }) => v.id)).toEqual(['1', '2', '3']);
      expect(answer.body.items[0]).toMatchObject({
        phone: '139****0001',
        status: 'faulty',
        reasons: ['no-fix'],
        online: true,
        speed: 42.5,
        direction: 90,
        alarm: '1',
      });
      expect(answer.body.items[1]).toMatchObject({
        phone: null,
        status: 'never-seen',
        reasons: [],
        online: null,
      });
      expect(answer.body.items[2]).toMatchObject({ phone: '139****0003', terminalId: null, latitude: null });
    });

    it("gives one vehicle's detail, owner masked, with events and commands or without a terminal", async () => {
      const full = await api.get('admin', '/api/vehicles/1');
      expect(full.status).toBe(200);
      expect(full.body).toMatchObject({
        phone: '13900000001',
        ownerName: '张**',
        shippedOn: '2026-05-01',
        shipMode: 'express',
      });
      expect(full.body.events).toHaveLength(2);
      expect(full.body.commands.length).toBeGreaterThan(0);
      const bare = await api.get('admin', '/api/vehicles/2');
      expect(bare.status).toBe(200);
      expect(bare.body).toMatchObject({
        phone: null,
        shipMode: null,
        shippedOn: null,
        events: [],
        commands: [],
      });
      expect((await api.get('viewer', '/api/vehicles/1')).body.phone).toBe('139****0001');
    });

    it("gives a track's fixes with and without speed and direction", async () => {
      const answer = await api.get('admin', `/api/vehicles/1/track?${period}`);
      expect(answer.status).toBe(200);
      expect(answer.body.phone).toBe('13900000001');
      expect(answer.body.points).toMatchObject([
        { speed: 30.5, direction: 180, alarm: '0' },
        { speed: null, direction: null, alarm: '4' },
      ]);
      const thinned = await api.get('viewer', `/api/vehicles/1/track?${period}&maxPoints=2`);
      expect(thinned.body).toMatchObject({ phone: '139****0001' });
    });

    it("answers another center's vehicle, a missing one and a vehicle without a terminal's track as missing", async () => {
      for (const path of ['/api/vehicles/3', '/api/vehicles/99', `/api/vehicles/3/track?${period}`]) {
        expect(await api.get('op1', path), path).toEqual({ status: 404, body: { error: 'no such vehicle' } });
      }
      expect((await api.get('admin', `/api/vehicles/2/track?${period}`)).status).toBe(404);
    });

    it('refuses odd ids, queries and periods with a 400 of the error shape', async () => {
      for (const path of [
        '/api/vehicles/abc',
        '/api/vehicles/0',
        '/api/vehicles?q=a&unknown=1',
        `/api/vehicles?q=${'x'.repeat(33)}`,
        '/api/vehicles/1/track',
        `/api/vehicles/1/track?${period}&maxPoints=1`,
        '/api/vehicles/1/track?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      ]) {
        const answer = await api.get('admin', path);
        expect(answer.status, path).toBe(400);
        expect(Object.keys(answer.body), path).toEqual(['error']);
      }
    });

    it('signs in and out by the contract, and refuses a wrong password or a malformed body', async () => {
      const login = (body: object) =>
        fetch(`${api.base}/api/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const ok = await login({ username: 'op1', password: PASSWORD });
      expect([ok.status, await ok.json()]).toEqual([200, { ok: true }]);
      const wrong = await login({ username: 'op1', password: 'not it' });
      expect([wrong.status, await wrong.json()]).toEqual([401, { error: 'wrong username or password' }]);
      const malformed = await login({ username: 'op1' });
      expect(malformed.status).toBe(400);
      expect(Object.keys((await malformed.json()) as object)).toEqual(['error']);
      const logout = await fetch(`${api.base}/api/logout`, { method: 'POST' });
      expect([logout.status, await logout.json()]).toEqual([200, { ok: true }]);
    });

    it("sends live deltas and refusals that are the contract's live messages", async () => {
      const signIn = await fetch(`${api.base}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'op1', password: PASSWORD }),
      });
      const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
      const socket = new WebSocket(`${api.base.replace('http', 'ws')}/api/live`, { headers: { cookie } });
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      const texts: unknown[] = [];
      socket.on('message', (data: Buffer, binary: boolean) => {
        if (!binary) texts.push(JSON.parse(data.toString()));
      });
      // The feed takes the socket on its next tick: the changes come after it.
      await new Promise((resolve) => setTimeout(resolve, 150));
      await pool.query(
        `UPDATE terminal_state SET latitude = latitude + 0.01, updated_at = now() WHERE phone = '13900000001'`,
      );
      await pool.query(
        `INSERT INTO status_transitions (phone, at, from_status, to_status, reasons) VALUES ('13900000001', now(), 'faulty', 'online', '{}')`,
      );
      socket.send('not json');
      const deltas = () => texts.filter(Array.isArray).flat() as { t: string }[];
      const arrived = () =>
        deltas().some((d) => d.t === 'pos') && deltas().some((d) => d.t === 'status') && texts.length > 1;
      const deadline = Date.now() + 10_000;
      while (!arrived()) {
        if (Date.now() > deadline) throw new Error(`not all arrived in time: ${JSON.stringify(texts)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      socket.close();
      for (const text of texts) {
        const check = Array.isArray(text) ? isDeltas : isLiveError;
        expect(check(text), JSON.stringify({ text, errors: check.errors })).toBe(true);
      }
      expect(texts.filter((text) => !Array.isArray(text))).toHaveLength(1);
    });
  },
);
