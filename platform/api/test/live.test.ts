import { migrate } from '@jt808/storage';
import { closeAll, migratedDatabase } from '@jt808/test-support/platform-database';
import { freshDatabase, hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { sessionCookie } from '@jt808/test-support/session-cookie';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApi } from '../src/app.js';
import { MESSAGE_SHAPE } from '../src/live/client-messages.js';
import { decodeSnapshot, encodeSnapshot } from '../src/live/snapshot.js';
import { saveUser } from '../src/users.js';

describe('fleet snapshot encoding', () => {
  it('round-trips and keeps 400,000 vehicles within a few megabytes', () => {
    const vehicles = Array.from({ length: 400_000 }, (_, i) => ({
      id: i + 1,
      latitude: 31.4 + ((i * 7919) % 50_000) / 10_000,
      longitude: 110.4 + ((i * 104_729) % 60_000) / 10_000,
      status: ['online', 'offline', 'faulty', 'never-seen'][i % 4]!,
    }));
    const bytes = encodeSnapshot(vehicles, 1_800_000_000_000);
    // About 12 bytes a vehicle even for positions scattered at random over the province.
    expect(bytes.length).toBeLessThan(6 * 1024 * 1024);
    const decoded = decodeSnapshot(bytes);
    expect(decoded.vehicles).toHaveLength(400_000);
    expect(decoded.vehicles[12_345]).toEqual({
      ...vehicles[12_345],
      latitude: Math.round(vehicles[12_345]!.latitude * 1e5) / 1e5,
      longitude: Math.round(vehicles[12_345]!.longitude * 1e5) / 1e5,
    });
  });
});

describe.skipIf(!hasPostgres)('live feed over WebSocket (real PostgreSQL, real socket)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: FastifyInstance;
  let base: string;
  let cookie: string;

  beforeAll(async () => {
    ({ db, pool } = await migratedDatabase('live'));
    await pool.query(
      `INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州', '郑州'), (2, 'C2', '洛阳', '洛阳')`,
    );
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A1', 2, 1), (2, '豫C2', 2, 2)`,
    );
    await pool.query(`INSERT INTO terminals (phone, vehicle_id) VALUES ('1001', 1), ('1002', 2)`);
    await pool.query(
      `INSERT INTO terminal_state (phone, latitude, longitude, last_fix_time, updated_at) VALUES ('1001', 34.7, 113.6, now(), now() - interval '1 hour'), ('1002', 34.6, 112.4, now(), now() - interval '1 hour')`,
    );
    await pool.query(
      `INSERT INTO terminal_status (phone, status, health) VALUES ('1001', 'online', '{}'), ('1002', 'offline', '{}')`,
    );
    await saveUser(pool, { username: 'op1', password: 'op1-secret', role: 'operator', centerIds: [1] });
    await saveUser(pool, { username: 'desk', password: 'desk-secret', role: 'desk', centerIds: 'all' });
    await pool.query(
      `INSERT INTO service_points (id, code, name, center_id) VALUES (1, 'SP1', '郑州一站', 1)`,
    );
    await saveUser(pool, { username: 'sp1', password: 'sp1-secret', role: 'service', servicePointId: 1 });
    api = await buildApi({ pool, secureCookies: false, liveIntervalMs: 100 });
    await api.listen({ port: 0, host: '127.0.0.1' });
    const address = api.server.address();
    base = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    cookie = await sessionCookie(api, 'op1', 'op1-secret');
  });
  afterAll(() => closeAll(api, pool, db));

  function connect(headers: Record<string, string> = { cookie }): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://${base}/api/live`, { headers });
      socket.once('open', () => resolve(socket));
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`HTTP ${response.statusCode}`)),
      );
      socket.once('error', reject);
    });
  }

  /** The deltas (the JSON messages) the socket receives from now on, as they come. */
  function deltasOn<Delta>(socket: WebSocket): Delta[] {
    const received: Delta[] = [];
    socket.on('message', (data: Buffer, binary: boolean) => {
      if (!binary) received.push(...(JSON.parse(data.toString()) as Delta[]));
    });
    return received;
  }

  it('refuses a connection without a session', async () => {
    await expect(connect({})).rejects.toThrow(/401/);
  });

  it("sends the snapshot and the deltas of the operator's own center only, within the viewport", async () => {
    const socket = await connect();
    const received: unknown[] = [];
    let snapshot: ReturnType<typeof decodeSnapshot> | undefined;
    socket.on('message', (data: Buffer, binary: boolean) => {
      if (binary) snapshot = decodeSnapshot(new Uint8Array(data));
      else received.push(...(JSON.parse(data.toString()) as unknown[]));
    });
    socket.send(JSON.stringify({ snapshot: true }));
    await until(() => snapshot !== undefined);
    expect(snapshot!.vehicles).toEqual([{ id: 1, latitude: 34.7, longitude: 113.6, status: 'online' }]);

    await pool.query(`UPDATE terminal_state SET latitude = latitude + 0.01, updated_at = now()`);
    await pool.query(
      `INSERT INTO status_transitions (phone, at, from_status, to_status, reasons) VALUES ('1001', now(), 'online', 'faulty', '{power-cut}'), ('1002', now(), 'offline', 'online', '{}')`,
    );
    await until(() => received.length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toEqual([
      expect.objectContaining({ t: 'pos', v: 1, c: 1, lat: 34.71 }),
      expect.objectContaining({ t: 'status', v: 1, c: 1, s: 'faulty', r: ['power-cut'] }),
    ]);

    // A viewport over Luoyang hides Zhengzhou's positions.
    received.length = 0;
    socket.send(JSON.stringify({ bbox: [111, 34, 113, 35] }));
    await new Promise((r) => setTimeout(r, 150));
    await pool.query(`UPDATE terminal_state SET latitude = latitude + 0.01, updated_at = now()`);
    await new Promise((r) => setTimeout(r, 400));
    expect(received).toEqual([]);
    socket.close();
  });

  it('sends a province-wide desk user the deltas of every center', async () => {
    const socket = await connect({ cookie: await sessionCookie(api, 'desk', 'desk-secret') });
    const received = deltasOn<{ t: string; c: number }>(socket);
    await new Promise((r) => setTimeout(r, 150));
    await pool.query(
      `INSERT INTO status_transitions (phone, at, from_status, to_status, reasons) VALUES ('1002', now(), 'online', 'offline', '{}')`,
    );
    await until(() => received.some((d) => d.t === 'status' && d.c === 2));
    socket.close();
  });

  it('sends changes whose transactions committed out of order, and nothing for a terminal only heard from', async () => {
    const socket = await connect({ cookie: await sessionCookie(api, 'desk', 'desk-secret') });
    const received = deltasOn<{ t: string; v: number; lat?: number }>(socket);
    await new Promise((r) => setTimeout(r, 150));
    // A polling cursor on updated_at missed the first: it took its timestamp first, committed last.
    const first = await pool.connect();
    const second = await pool.connect();
    try {
      await first.query('BEGIN');
      await first.query(
        `UPDATE terminal_state SET latitude = 34.75, updated_at = now() WHERE phone = '1001'`,
      );
      await second.query('BEGIN');
      await second.query(
        `UPDATE terminal_state SET latitude = 34.65, updated_at = now() WHERE phone = '1002'`,
      );
      await second.query('COMMIT');
      await new Promise((r) => setTimeout(r, 300));
      await first.query('COMMIT');
    } finally {
      first.release();
      second.release();
    }
    await until(() => received.filter((d) => d.t === 'pos').length >= 2);
    expect(received.filter((d) => d.t === 'pos').map((d) => [d.v, d.lat])).toEqual([
      [2, 34.65],
      [1, 34.75],
    ]);
    // Heartbeats move last_seen_at only: no position goes out.
    received.length = 0;
    await pool.query(`UPDATE terminal_state SET last_seen_at = now(), updated_at = now()`);
    await new Promise((r) => setTimeout(r, 400));
    expect(received).toEqual([]);
    socket.close();
  });

  it('answers a message of any other shape with an error and goes on serving (it used to stop the process)', async () => {
    const socket = await connect();
    const texts: unknown[] = [];
    let snapshots = 0;
    socket.on('message', (data: Buffer, binary: boolean) => {
      if (binary) snapshots++;
      else texts.push(JSON.parse(data.toString()));
    });
    const odd = [
      'null',
      '1',
      '"x"',
      '[]',
      'true',
      '{}',
      '{"bbox": "x"}',
      '{"bbox": [1, 2, 3]}',
      '{"snapshot": 1}',
      '{"other": 1}',
      'not json',
    ];
    for (const message of odd) socket.send(message);
    await until(() => texts.length === odd.length);
    expect(texts).toEqual(odd.map(() => ({ error: MESSAGE_SHAPE })));
    socket.send(JSON.stringify({ snapshot: true }));
    await until(() => snapshots === 1);
    socket.close();
  });

  it('answers a snapshot that fails with an internal error and goes on serving', async () => {
    const socket = await connect({ cookie: await sessionCookie(api, 'sp1', 'sp1-secret') });
    const texts: { error?: string; requestId?: string }[] = [];
    let snapshots = 0;
    socket.on('message', (data: Buffer, binary: boolean) => {
      if (binary) snapshots++;
      else texts.push(JSON.parse(data.toString()));
    });
    // A service point's scope (its tickets' vehicles) is asked of the database at every snapshot
    // (the states come from memory).
    await pool.query('ALTER TABLE vehicles RENAME TO vehicles_away');
    try {
      socket.send(JSON.stringify({ snapshot: true }));
      await until(() => texts.length === 1);
      expect(texts[0]).toEqual({ error: 'internal error', requestId: expect.any(String) });
    } finally {
      await pool.query('ALTER TABLE vehicles_away RENAME TO vehicles');
    }
    socket.send(JSON.stringify({ snapshot: true }));
    await until(() => snapshots === 1);
    socket.close();
  });

  it('answers what a client asks the moment its socket opens, and shows nothing outside its scope meanwhile', async () => {
    const cookie = await sessionCookie(api, 'sp1', 'sp1-secret');
    // Everything the province sees, to know when the feed has sent a change.
    const control = await connect({ cookie: await sessionCookie(api, 'desk', 'desk-secret') });
    const controlSeen = deltasOn(control);
    // A service point's scope is read from its tickets when its socket opens: hold that read up.
    const blocker = await pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE tickets IN ACCESS EXCLUSIVE MODE');
    const snapshots: ReturnType<typeof decodeSnapshot>[] = [];
    const seen: unknown[] = [];
    let socket: WebSocket | undefined;
    try {
      socket = await connect({ cookie });
      socket.on('message', (data: Buffer, binary: boolean) => {
        if (binary) snapshots.push(decodeSnapshot(new Uint8Array(data)));
        else seen.push(...(JSON.parse(data.toString()) as unknown[]));
      });
      socket.send(JSON.stringify({ snapshot: true }));
      // Changes of vehicles not on its tickets, announced before its scope is known.
      await pool.query(`UPDATE terminal_state SET latitude = latitude + 0.01, updated_at = now()`);
      await until(() => controlSeen.length >= 2);
      await new Promise((r) => setTimeout(r, 300));
      expect(snapshots).toEqual([]);
      expect(seen).toEqual([]);
    } finally {
      await blocker.query('COMMIT');
      blocker.release();
    }
    await until(() => snapshots.length === 1);
    // Its service point has no tickets yet: an empty snapshot, and no change of another's vehicle.
    expect(snapshots[0]!.vehicles).toEqual([]);
    controlSeen.length = 0;
    await pool.query(`UPDATE terminal_state SET latitude = latitude + 0.01, updated_at = now()`);
    await until(() => controlSeen.length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual([]);
    socket.close();
    control.close();
  });

  it('works on one snapshot at a time per socket', async () => {
    const socket = await connect();
    let snapshots = 0;
    socket.on('message', (_data: Buffer, binary: boolean) => {
      if (binary) snapshots++;
    });
    for (let i = 0; i < 10; i++) socket.send(JSON.stringify({ snapshot: true }));
    await until(() => snapshots >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(snapshots).toBe(1);
    socket.close();
  });

  it('sends a position whose GNSS time was unusable, stamped with when it was stored', async () => {
    const socket = await connect();
    const received: { t: string; v: number; at: string }[] = [];
    socket.on('message', (data: Buffer, binary: boolean) => {
      if (!binary) received.push(...(JSON.parse(data.toString()) as typeof received));
    });
    await new Promise((r) => setTimeout(r, 150));
    await pool.query(
      `UPDATE terminal_state SET latitude = latitude + 0.01, last_fix_time = NULL, updated_at = now() WHERE phone = '1001'`,
    );
    await until(() => received.some((d) => d.t === 'pos'));
    const position = received.find((d) => d.t === 'pos')!;
    expect(position.v).toBe(1);
    expect(Math.abs(Date.parse(position.at) - Date.now())).toBeLessThan(60_000);
    socket.close();
  });
});

describe.skipIf(!hasPostgres)('two API processes on one database (real PostgreSQL, real sockets)', () => {
  let db: TestDatabase;
  const pools: pg.Pool[] = [];
  const apis: FastifyInstance[] = [];

  beforeAll(async () => {
    db = await freshDatabase('live_two');
    await migrate(db.url);
    const setup = new pg.Pool({ connectionString: db.url, max: 2 });
    pools.push(setup);
    await setup.query(
      `INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州', '郑州'), (2, 'C2', '洛阳', '洛阳')`,
    );
    await setup.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A1', 2, 1), (2, '豫C2', 2, 2)`,
    );
    await setup.query(`INSERT INTO terminals (phone, vehicle_id) VALUES ('1001', 1), ('1002', 2)`);
    await setup.query(
      `INSERT INTO terminal_state (phone, latitude, longitude, last_fix_time, updated_at) VALUES ('1001', 34.7, 113.6, now(), now()), ('1002', 34.6, 112.4, now(), now())`,
    );
    await saveUser(setup, { username: 'op1', password: 'op1-secret', role: 'operator', centerIds: [1] });
    // Each API with its own pool, as two processes behind a balancer have.
    for (let i = 0; i < 2; i++) {
      const pool = new pg.Pool({ connectionString: db.url, max: 4 });
      pools.push(pool);
      const api = await buildApi({ pool, secureCookies: false, liveIntervalMs: 100 });
      await api.listen({ port: 0, host: '127.0.0.1' });
      apis.push(api);
    }
  });
  afterAll(async () => {
    for (const api of apis) await api.close();
    for (const pool of pools) await pool.end();
    await db?.drop();
  });

  it("each follows the database's changes by itself: its live clients and its fleet index", async () => {
    const received: { t: string; v: number; lat: number }[][] = [[], []];
    const sockets = await Promise.all(
      apis.map(async (api, i) => {
        const cookie = await sessionCookie(api, 'op1', 'op1-secret');
        const address = api.server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        const socket = new WebSocket(`ws://127.0.0.1:${port}/api/live`, { headers: { cookie } });
        await new Promise((resolve, reject) => {
          socket.once('open', resolve);
          socket.once('error', reject);
        });
        socket.on('message', (data: Buffer, binary: boolean) => {
          if (!binary) received[i]!.push(...JSON.parse(data.toString()));
        });
        return { socket, cookie };
      }),
    );
    await new Promise((r) => setTimeout(r, 150));
    await pools[0]!.query(`UPDATE terminal_state SET latitude = 34.75, updated_at = now()`);
    // Both processes' operators of center 1 get vehicle 1's move, and neither gets center 2's.
    for (const deltas of received) {
      await until(() => deltas.some((d) => d.t === 'pos'));
      await new Promise((r) => setTimeout(r, 200));
      expect(deltas).toEqual([expect.objectContaining({ t: 'pos', v: 1, lat: 34.75 })]);
    }
    // Both processes' snapshots, from their own fleet index, hold the new position.
    for (const [i, { socket }] of sockets.entries()) {
      let snapshot: ReturnType<typeof decodeSnapshot> | undefined;
      socket.on('message', (data: Buffer, binary: boolean) => {
        if (binary) snapshot = decodeSnapshot(new Uint8Array(data));
      });
      socket.send(JSON.stringify({ snapshot: true }));
      await until(() => snapshot !== undefined);
      expect(snapshot!.vehicles, `API ${i + 1}`).toEqual([
        { id: 1, latitude: 34.75, longitude: 113.6, status: 'never-seen' },
      ]);
      socket.close();
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
