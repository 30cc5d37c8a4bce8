import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importRoster } from '@jt808/roster';
import { type ApiServer, startApiServerFor } from '@jt808/test-support/api-server';
import { closeAll, storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { seedTwoCenters } from '@jt808/test-support/two-centers';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewUser } from '../src/users.js';

interface Entry {
  at: string;
  subject: string;
  field: string;
  old: string | null;
  new: string | null;
  actor: string;
  source: string;
}

/**
 * The change history of the roster's facts (migration 0031, routes/roster-history.ts): a change by
 * the API, by a console form and by an import file each records who, when, old and new; the
 * history is read within the fact's own scope, masked.
 */
describe.skipIf(!hasPostgres)('the change history of the roster', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: ApiServer;
  let dir: string;

  beforeAll(async () => {
    ({ db, pool } = await storedDatabase('roster_history'));
    await seedTwoCenters(pool, { short: true });
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A10001', 2, 1), (2, '豫C20002', 2, 2)`,
    );
    await pool.query(
      `INSERT INTO terminals (phone, vehicle_id) VALUES ('13900000001', 1), ('13900000002', 2)`,
    );
    await pool.query(
      `INSERT INTO installers (code, name, service_point_id) VALUES ('W-1', '王师傅', 1), ('L-1', '李师傅', 2)`,
    );
    const users: Omit<NewUser, 'password'>[] = [
      { username: 'admin', role: 'admin' },
      { username: 'desk1', role: 'desk', centerIds: [1] },
      { username: 'desk2', role: 'desk', centerIds: [2] },
      { username: 'op1', role: 'operator', centerIds: [1] },
      { username: 'sp2', role: 'service', servicePointId: 2 },
      { username: 'viewer', role: 'viewer', centerIds: [1] },
    ];
    api = await startApiServerFor(
      pool,
      users.map((user) => ({ ...user, password: `${user.username}-secret` })),
    );
    dir = await mkdtemp(join(tmpdir(), 'roster-history-'));
  }, 60_000);
  afterAll(async () => {
    await closeAll(api, pool, db);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const history = async (user: string, path: string): Promise<Entry[]> => {
    const answer = await api.get(user, path);
    expect(answer.status, `${user} ${path}`).toBe(200);
    return answer.body.items;
  };
  /** The database's own clock, so the test holds whatever the time zone and time of day. */
  const now = async () => (await pool.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0]!.now;

  it('records an owner changed by the API: who, when, old and new, masked when read', async () => {
    const before = await now();
    expect(
      (
        await api.put('desk1', '/api/vehicles/1/owner', {
          name: '张三丰',
          phone: '13800001111',
          idNumber: null,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await api.put('desk1', '/api/vehicles/1/owner', {
          name: '张三丰',
          phone: '13800002222',
          idNumber: '41010519800101123x',
        })
      ).status,
    ).toBe(200);
    const after = await now();
    const items = await history('desk1', '/api/vehicles/1/history');
    // Newest first; a field saved unchanged records nothing.
    expect(items.map(({ at: _at, ...entry }) => entry)).toEqual([
      {
        subject: 'vehicle',
        field: 'owner_id_number',
        old: null,
        new: '4101**********123X',
        actor: 'desk1',
        source: 'api',
      },
      {
        subject: 'vehicle',
        field: 'owner_phone',
        old: '138****1111',
        new: '138****2222',
        actor: 'desk1',
        source: 'api',
      },
      {
        subject: 'vehicle',
        field: 'owner_phone',
        old: null,
        new: '138****1111',
        actor: 'desk1',
        source: 'api',
      },
      { subject: 'vehicle', field: 'owner_name', old: null, new: '张**', actor: 'desk1', source: 'api' },
    ]);
    for (const { at } of items) {
      expect(new Date(at).getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
      expect(new Date(at).getTime()).toBeLessThanOrEqual(after.getTime() + 1000);
    }
    // Stored whole (the history is the desk's record), masked only when read.
    const { rows } = await pool.query(
      `SELECT new_value FROM roster_history WHERE subject = 'vehicle' AND field = 'owner_id_number'`,
    );
    expect(rows).toEqual([{ new_value: '41010519800101123X' }]);
  });

  it('records a console form’s change as the console’s, and a shipment with the vehicle', async () => {
    const response = await fetch(`${api.base}/api/terminals/13900000001/shipment`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        'x-jt808-client': 'console',
        cookie: await cookieOf('admin'),
      },
      body: JSON.stringify({ shippedOn: '2026-03-05', shipMode: 'express' }),
    });
    expect(response.status).toBe(200);
    const items = await history('desk1', '/api/vehicles/1/history');
    // The same statement's changes share their time; newest first, so the vehicle's come after.
    expect(items.slice(0, 2).map(({ at: _at, ...entry }) => entry)).toEqual(
      expect.arrayContaining([
        {
          subject: 'terminal',
          field: 'shipped_on',
          old: null,
          new: '2026-03-05',
          actor: 'admin',
          source: 'console',
        },
        {
          subject: 'terminal',
          field: 'ship_mode',
          old: null,
          new: 'express',
          actor: 'admin',
          source: 'console',
        },
      ]),
    );
    expect((await history('desk1', '/api/terminals/013900000001/history')).length).toBe(2);
  });

  it('records an import file’s changes with the importer, and an installer’s register and contract', async () => {
    const vehicles = join(dir, 'vehicles.csv');
    await writeFile(
      vehicles,
      'plate,plate_color,center_code,owner_name,owner_phone\n豫C20002,2,C2,赵六,13700003333\n',
    );
    const report = await importRoster(pool, { vehicles }, { actor: 'jt808-roster (ops)' });
    expect(report.files[0]).toMatchObject({ loaded: 1, rejected: [] });
    const items = await history('desk2', '/api/vehicles/2/history');
    expect(
      items.map(({ at: _at, ...entry }) => entry).sort((a, b) => a.field.localeCompare(b.field)),
    ).toEqual([
      {
        subject: 'vehicle',
        field: 'owner_name',
        old: null,
        new: '赵*',
        actor: 'jt808-roster (ops)',
        source: 'import',
      },
      {
        subject: 'vehicle',
        field: 'owner_phone',
        old: null,
        new: '137****3333',
        actor: 'jt808-roster (ops)',
        source: 'import',
      },
    ]);
    // Importing the same file again changes nothing and records nothing.
    await importRoster(pool, { vehicles }, { actor: 'jt808-roster (ops)' });
    expect(await history('desk2', '/api/vehicles/2/history')).toHaveLength(2);

    // The contracts file through the API, the register by its form.
    const contracts = await api.postRaw(
      'desk1',
      '/api/installer-contracts/import',
      '工号,安装单价（元）\nW-1,90\n',
      'text/csv',
    );
    expect(contracts.body).toMatchObject({ loaded: 1 });
    expect(
      (
        await api.put('desk1', '/api/installers/W-1', {
          name: '王师傅',
          phone: '13600001111',
          certificate: null,
          servicePointId: 1,
          active: false,
        })
      ).status,
    ).toBe(200);
    const installer = await history('op1', '/api/installers/W-1/history');
    expect(installer.map(({ at: _at, ...entry }) => entry)).toEqual(
      expect.arrayContaining([
        {
          subject: 'installer-contract',
          field: 'fee_fen',
          old: null,
          new: '9000',
          actor: 'desk1',
          source: 'import',
        },
        {
          subject: 'installer',
          field: 'phone',
          old: null,
          new: '136****1111',
          actor: 'desk1',
          source: 'api',
        },
        { subject: 'installer', field: 'active', old: 'true', new: 'false', actor: 'desk1', source: 'api' },
      ]),
    );
    // Besides the register entry the test's setup wrote by SQL.
    expect(installer.filter((entry) => entry.source !== 'database')).toHaveLength(3);
  });

  it('records a change made in the database directly under its login role', async () => {
    await pool.query(`UPDATE installers SET certificate = 'DG-9' WHERE code = 'L-1'`);
    const items = await history('sp2', '/api/installers/L-1/history');
    // The entry the setup inserted (name, service point, active), then the certificate.
    expect(items).toHaveLength(4);
    expect(items[0]).toMatchObject({ field: 'certificate', old: null, new: 'DG-9', source: 'database' });
    expect(items[0]!.actor).not.toBe('');
  });

  it('keeps another center, another role and odd spellings out of a history', async () => {
    // Another center's vehicle, terminal and installer are none at all.
    for (const path of [
      '/api/vehicles/2/history',
      '/api/terminals/13900000002/history',
      '/api/installers/L-1/history',
      '/api/vehicles/999/history',
      '/api/vehicles/1e3/history',
      '/api/installers/NOBODY/history',
    ]) {
      expect((await api.get('desk1', path)).status, path).toBe(404);
    }
    // A service point reads its own installers, not another point's vehicles.
    expect((await api.get('sp2', '/api/installers/W-1/history')).status).toBe(404);
    expect((await api.get('sp2', '/api/vehicles/1/history')).status).toBe(404);
    for (const path of [
      '/api/vehicles/1/history',
      '/api/installers/W-1/history',
      '/api/terminals/13900000001/history',
    ]) {
      expect((await api.get('viewer', path)).status, path).toBe(403);
    }
    expect((await api.get('desk1', '/api/vehicles/1/history/')).status).not.toBe(200);
    for (const path of [
      '/api/vehicles/abc/history',
      '/api/vehicles/-1/history',
      '/api/terminals/call-me/history',
    ]) {
      expect((await api.get('desk1', path)).status, path).toBe(400);
    }
    expect((await api.get('desk1', '/api/installers/%2557-1/history')).status).toBe(404);
    expect((await api.get('desk1', '/api/installers/W%2D1/history')).status).toBe(200);
    // Another case of the prefix is no API route (the console's page, with no history in it).
    const upper = await fetch(`${api.base}/API/vehicles/1/history`, {
      headers: { cookie: await cookieOf('desk1') },
    });
    expect(await upper.text()).not.toContain('owner_phone');
    // Signed out: nothing.
    expect((await fetch(`${api.base}/api/vehicles/1/history`)).status).toBe(401);
  });

  /** The session cookie of a signed-in user, for a request the helper cannot make (a header of its own). */
  async function cookieOf(username: string): Promise<string> {
    const response = await fetch(`${api.base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: `${username}-secret` }),
    });
    return response.headers
      .getSetCookie()
      .find((c) => c.startsWith('jt808_session='))!
      .split(';')[0]!;
  }
});
