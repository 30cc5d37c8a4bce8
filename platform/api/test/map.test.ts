import { gunzipSync } from 'node:zlib';
import { closeAll, migratedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { sessionCookie } from '@jt808/test-support/session-cookie';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../src/app.js';
import { MAP_STATUS, NO_POSITION } from '../src/map/fleet-columns.js';
import { saveUser } from '../src/users.js';

/** Reads the map snapshot's columns (the console's reader is console/src/map/fleet-columns.ts). */
function readSnapshot(bytes: Buffer) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(4, true);
  const at = (column: number, i: number) => 16 + 4 * n * column + 4 * i;
  return Array.from({ length: n }, (_, i) => ({
    id: view.getUint32(at(0, i), true),
    lat: view.getInt32(at(1, i), true),
    lon: view.getInt32(at(2, i), true),
    center: view.getUint32(at(3, i), true),
    status: bytes[16 + 16 * n + i],
  }));
}

describe.skipIf(!hasPostgres)('map routes (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: FastifyInstance;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    ({ db, pool } = await migratedDatabase('map'));
    await pool.query(
      `INSERT INTO centers (id, code, name, region, latitude, longitude) VALUES (1, 'C1', '郑州', '郑州', 34.75, 113.65), (2, 'C2', '洛阳', '洛阳', NULL, NULL)`,
    );
    await pool.query(
      `INSERT INTO service_points (id, code, name, center_id) VALUES (1, 'SP1', '郑州服务站', 1)`,
    );
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A1', 2, 1), (2, '豫A2', 2, 1), (3, '豫C3', 2, 2)`,
    );
    await pool.query(
      `INSERT INTO terminals (phone, vehicle_id) VALUES ('1001', 1), ('1002', 2), ('1003', 3)`,
    );
    await pool.query(
      `INSERT INTO terminal_state (phone, latitude, longitude, speed, updated_at) VALUES ('1001', 34.7, 113.6, 40, now() - interval '1 hour')`,
    );
    await pool.query(`INSERT INTO terminal_status (phone, status, health) VALUES ('1001', 'online', '{}')`);
    await pool.query(
      `INSERT INTO tickets (kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, service_point_id)
       VALUES ('repair', '1002', 2, 1, 'new', 'offline', now(), now() + interval '2 hours', now() + interval '1 day', 1)`,
    );
    await saveUser(pool, { username: 'admin', password: 'admin-secret', role: 'admin' });
    await saveUser(pool, { username: 'op2', password: 'op2-secret', role: 'operator', centerIds: [2] });
    await saveUser(pool, { username: 'sp1', password: 'sp1-secret', role: 'service', servicePointId: 1 });
    api = await buildApi({ pool, secureCookies: false, liveIntervalMs: 100 });
    for (const [username, password] of [
      ['admin', 'admin-secret'],
      ['op2', 'op2-secret'],
      ['sp1', 'sp1-secret'],
    ] as const) {
      cookies[username] = await sessionCookie(api, username, password);
    }
  });
  afterAll(() => closeAll(api, pool, db));

  const fleetOf = async (user: string) => {
    const response = await api.inject({
      method: 'GET',
      url: '/api/map/fleet',
      headers: { cookie: cookies[user]! },
    });
    expect(response.statusCode).toBe(200);
    return readSnapshot(response.rawPayload);
  };

  it('needs a session', async () => {
    expect((await api.inject({ method: 'GET', url: '/api/map/fleet' })).statusCode).toBe(401);
    expect((await api.inject({ method: 'GET', url: '/api/map/config' })).statusCode).toBe(401);
  });

  it("sends every vehicle in scope: never-located ones at their center's position, or none", async () => {
    expect(await fleetOf('admin')).toEqual([
      { id: 1, lat: 3_470_000, lon: 11_360_000, center: 1, status: MAP_STATUS.moving },
      { id: 2, lat: 3_475_000, lon: 11_365_000, center: 1, status: MAP_STATUS['never-seen'] },
      { id: 3, lat: NO_POSITION, lon: NO_POSITION, center: 2, status: MAP_STATUS['never-seen'] },
    ]);
    expect((await fleetOf('op2')).map((v) => v.id)).toEqual([3]);
    // Service staff: the vehicles on their service point's tickets.
    expect((await fleetOf('sp1')).map((v) => v.id)).toEqual([2]);
  });

  it('compresses when asked and says where the tiles come from', async () => {
    const response = await api.inject({
      method: 'GET',
      url: '/api/map/fleet',
      headers: { cookie: cookies.admin!, 'accept-encoding': 'gzip' },
    });
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(readSnapshot(gunzipSync(response.rawPayload))).toHaveLength(3);
    const config = await api.inject({
      method: 'GET',
      url: '/api/map/config',
      headers: { cookie: cookies.admin! },
    });
    expect(config.json()).toEqual({
      tileUrl: process.env.MAP_TILE_URL ?? null,
      tileAttribution: process.env.MAP_TILE_ATTRIBUTION ?? null,
    });
  });

  it('keeps its fleet index current from the live feed', async () => {
    await fleetOf('admin'); // the index is loaded
    await pool.query(
      `UPDATE terminal_state SET latitude = 34.8, longitude = 113.7, speed = 0, last_fix_time = now(), updated_at = now() WHERE phone = '1001'`,
    );
    await pool.query(
      `INSERT INTO terminal_state (phone, latitude, longitude, speed, last_fix_time, updated_at) VALUES ('1003', 34.6, 112.4, 30, now(), now())`,
    );
    await pool.query(
      `INSERT INTO status_transitions (phone, at, from_status, to_status, reasons) VALUES ('1001', now(), 'online', 'faulty', '{power-cut}'), ('1003', now(), 'never-seen', 'online', '{}')`,
    );
    await expect
      .poll(async () => (await fleetOf('admin')).filter((v) => v.id !== 2), { timeout: 5000 })
      .toEqual([
        { id: 1, lat: 3_480_000, lon: 11_370_000, center: 1, status: MAP_STATUS.faulty },
        { id: 3, lat: 3_460_000, lon: 11_240_000, center: 2, status: MAP_STATUS.moving },
      ]);
  });
});

describe.skipIf(!hasPostgres)('the fleet index follows the roster (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: FastifyInstance;
  let cookie: string;
  let operatorCookie: string;

  beforeAll(async () => {
    ({ db, pool } = await migratedDatabase('map_roster'));
    await pool.query(
      `INSERT INTO centers (id, code, name, region, latitude, longitude) VALUES (1, 'C1', '郑州', '郑州', 34.75, 113.65), (2, 'C2', '洛阳', '洛阳', 34.62, 112.45)`,
    );
    await pool.query(`INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A1', 2, 1)`);
    await saveUser(pool, { username: 'admin', password: 'admin-secret', role: 'admin' });
    await saveUser(pool, { username: 'op1', password: 'op1-secret', role: 'operator', centerIds: [1] });
    api = await buildApi({ pool, secureCookies: false, liveIntervalMs: 100 });
    const login = (username: string, password: string) => sessionCookie(api, username, password);
    cookie = await login('admin', 'admin-secret');
    operatorCookie = await login('op1', 'op1-secret');
  });
  afterAll(() => closeAll(api, pool, db));

  const fleet = async (as = cookie) =>
    readSnapshot(
      (await api.inject({ method: 'GET', url: '/api/map/fleet', headers: { cookie: as } })).rawPayload,
    ).map((v) => ({ id: v.id, center: v.center }));

  it('shows a vehicle added, moved or removed after the API started within seconds', async () => {
    await expect.poll(fleet, { timeout: 5000 }).toEqual([{ id: 1, center: 1 }]);
    await pool.query(`INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (2, '豫C2', 2, 2)`);
    await expect.poll(fleet, { timeout: 5000 }).toEqual([
      { id: 1, center: 1 },
      { id: 2, center: 2 },
    ]);
    // Center 1's operator sees vehicle 1 until it moves to center 2, and never center 2's.
    expect(await fleet(operatorCookie)).toEqual([{ id: 1, center: 1 }]);
    await pool.query(`UPDATE vehicles SET center_id = 2 WHERE id = 1`);
    await expect.poll(fleet, { timeout: 5000 }).toEqual([
      { id: 1, center: 2 },
      { id: 2, center: 2 },
    ]);
    expect(await fleet(operatorCookie)).toEqual([]);
    await pool.query(`DELETE FROM vehicles WHERE id = 2`);
    await expect.poll(fleet, { timeout: 5000 }).toEqual([{ id: 1, center: 2 }]);
  });

  it('reads the roster again after its listening connection was lost, for what was announced meanwhile', async () => {
    await expect.poll(fleet, { timeout: 5000 }).toEqual([{ id: 1, center: 2 }]);
    // The feed's listening connection dies; a vehicle added before it listens again is announced
    // to no one.
    await pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`,
    );
    await pool.query(`INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (3, '豫A3', 2, 1)`);
    await expect.poll(fleet, { timeout: 5000 }).toEqual([
      { id: 1, center: 2 },
      { id: 3, center: 1 },
    ]);
  });
});
