import { localDay } from '@jt808/after-sales';
import { type ApiServer, startApiServer } from '@jt808/test-support/api-server';
import { closeAll, storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { seedTwoCenters } from '@jt808/test-support/two-centers';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NewUser, saveUser, UserError } from '../src/users.js';

/**
 * The installer register, the `installer` role on the phone page, and the installers' contracts
 * (routes/installers.ts, routes/installer.ts) over HTTP on a real PostgreSQL: each within the
 * writer's service points, other roles refused, malformed input refused.
 */
describe.skipIf(!hasPostgres)('installers: the register, their sign-in and their contracts', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: ApiServer;

  const csv = (username: string, text: string | Buffer, type = 'text/csv') =>
    api.postRaw(username, '/api/installer-contracts/import', text, type);

  beforeAll(async () => {
    ({ db, pool } = await storedDatabase('installers'));
    await seedTwoCenters(pool, { short: true });
    await pool.query(
      `INSERT INTO service_points (id, code, name, center_id) VALUES (3, 'SP3', '郑州二站', 1)`,
    );
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A10001', 2, 1), (2, '豫C20002', 2, 2), (3, '豫A10003', 2, 1)`,
    );
    await pool.query(
      `INSERT INTO terminals (phone, vehicle_id, pending) VALUES ('13900000001', 1, true), ('13900000002', 2, true), ('13900000003', 3, true)`,
    );
    // Jobs: vehicle 1 at SP1 (no installer named yet), vehicle 2 at SP2, vehicle 3 at SP3.
    await pool.query(
      `INSERT INTO installations (vehicle_id, service_point_id, planned_on) VALUES (1, 1, current_date), (2, 2, current_date), (3, 3, current_date)`,
    );
    await pool.query(
      `INSERT INTO installers (code, name, phone, service_point_id) VALUES ('W-2', '洛阳师傅', '13700002222', 2)`,
    );
    const users: NewUser[] = [
      { username: 'admin', password: 'admin-secret', role: 'admin' },
      { username: 'desk1', password: 'desk1-secret', role: 'desk', centerIds: [1] },
      { username: 'op1', password: 'op1-secret', role: 'operator', centerIds: [1] },
      { username: 'sp1', password: 'sp1-secret', role: 'service', servicePointId: 1 },
      { username: 'viewer', password: 'viewer-secret', role: 'viewer', centerIds: [1] },
    ];
    for (const user of users) await saveUser(pool, user);
    api = await startApiServer(pool);
    for (const user of users) await api.login(user.username, user.password);
  }, 60_000);
  afterAll(() => closeAll(api, pool, db));

  it('registers an installer at a service point of the desk’s centers, answering the phone masked', async () => {
    const answer = await api.post('desk1', '/api/installers', {
      code: 'W-1',
      name: '王师傅',
      phone: '137-0000 1111',
      certificate: 'DG-2024-001',
      servicePointId: 1,
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      code: 'W-1',
      name: '王师傅',
      phone: '137****1111',
      certificate: 'DG-2024-001',
      servicePointId: 1,
      active: true,
    });
    const stored = await pool.query(
      `SELECT phone, service_point_id, active FROM installers WHERE code = 'W-1'`,
    );
    expect(stored.rows).toEqual([{ phone: '13700001111', service_point_id: 1, active: true }]);
  });

  it('refuses a duplicate, malformed input, another center’s service point and other roles', async () => {
    const body = { code: 'W-9', name: '赵师傅', servicePointId: 1 };
    expect((await api.post('desk1', '/api/installers', { ...body, code: 'W-1' })).status).toBe(409);
    for (const bad of [
      { ...body, phone: 'none' },
      { ...body, name: '  ' },
      { ...body, servicePointId: 'one' },
      { ...body, extra: true },
      { code: 'W-9', name: '赵师傅' },
    ]) {
      expect((await api.post('desk1', '/api/installers', bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await api.post('desk1', '/api/installers', { ...body, servicePointId: 2 })).status).toBe(404);
    for (const user of ['op1', 'sp1', 'viewer']) {
      expect((await api.post(user, '/api/installers', body)).status, user).toBe(403);
    }
    expect((await pool.query(`SELECT 1 FROM installers WHERE code = 'W-9'`)).rows).toEqual([]);
  });

  it('lists the register within scope, phones masked', async () => {
    const codes = async (user: string) =>
      (await api.get(user, '/api/installers')).body.map((i: { code: string; phone: string }) => [
        i.code,
        i.phone,
      ]);
    expect(await codes('desk1')).toEqual([['W-1', '137****1111']]);
    expect(await codes('sp1')).toEqual([['W-1', '137****1111']]);
    expect(await codes('admin')).toEqual([
      ['W-1', '137****1111'],
      ['W-2', '137****2222'],
    ]);
    expect((await api.get('viewer', '/api/installers')).status).toBe(403);
  });

  it('signs an installer in on the phone page only, scoped to their service point’s jobs', async () => {
    await saveUser(pool, { username: 'wang', password: 'wang-secret', role: 'installer', installer: 'W-1' });
    await api.login('wang', 'wang-secret');
    expect((await api.get('wang', '/api/me')).body).toMatchObject({ role: 'installer', servicePointId: 1 });
    const check = await api.get('wang', '/api/installer/豫A10001');
    expect(check.status).toBe(200);
    expect(check.body.phone).toBe('139****0001');
    // Another service point's job, of the same center or another, is no vehicle for them.
    expect((await api.get('wang', '/api/installer/豫A10003')).status).toBe(404);
    expect((await api.get('wang', '/api/installer/豫C20002')).status).toBe(404);
    // Nothing of the monitoring network: no vehicles, tickets, map, register, contracts.
    for (const path of [
      '/api/vehicles',
      '/api/vehicles/1',
      '/api/tickets',
      '/api/centers',
      '/api/installers',
    ]) {
      expect((await api.get('wang', path)).status, path).toBe(403);
    }
  });

  it('lets an installer accept a job when every check is green, and the job becomes theirs', async () => {
    const now = new Date();
    await pool.query(
      `INSERT INTO terminal_state (phone, online, connected_at, last_fix_time, status, satellites, signal_strength, alarm)
       VALUES ('13900000001', true, $1, $1, 2, 9, 20, 0)`,
      [now],
    );
    await pool.query(`UPDATE terminals SET registered_at = $1 WHERE phone = '13900000001'`, [now]);
    const accepted = await api.post('wang', '/api/installer/豫A10001/accept', {});
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const job = await pool.query(`SELECT installer, accepted_by FROM installations WHERE vehicle_id = 1`);
    expect(job.rows).toEqual([{ installer: 'W-1', accepted_by: 'wang' }]);
  });

  it('moves an installer only between the desk’s service points; inactive, they reach nothing', async () => {
    const entry = {
      name: '王师傅',
      phone: '13700001111',
      certificate: null,
      servicePointId: 3,
      active: true,
    };
    expect((await api.put('desk1', '/api/installers/W-1', { ...entry, servicePointId: 2 })).status).toBe(404);
    expect((await api.put('desk1', '/api/installers/W-2', { ...entry, servicePointId: 1 })).status).toBe(404);
    expect((await api.put('desk1', '/api/installers/W-1', { name: '王师傅' })).status).toBe(400);
    expect((await api.put('op1', '/api/installers/W-1', entry)).status).toBe(403);
    expect((await api.put('desk1', '/api/installers/W-1', entry)).status).toBe(200);
    // At once: the installer's scope is the register's service point.
    expect((await api.get('wang', '/api/installer/豫A10003')).status).toBe(200);
    // Made inactive, the installer's account is closed: its session ends and it signs in no more.
    expect((await api.put('desk1', '/api/installers/W-1', { ...entry, active: false })).status).toBe(200);
    expect((await api.get('wang', '/api/installer/豫A10003')).status).toBe(401);
    expect((await api.get('wang', '/api/me')).status).toBe(401);
    await expect(api.login('wang', 'wang-secret')).rejects.toThrow('403');
    // Active again, they sign in anew (the ended session does not come back).
    await api.put('desk1', '/api/installers/W-1', { ...entry, servicePointId: 1 });
    expect((await api.get('wang', '/api/me')).status).toBe(401);
    await api.login('wang', 'wang-secret');
    expect((await api.get('wang', '/api/me')).body).toMatchObject({ servicePointId: 1 });
  });

  it('sets a contract for a registered installer in scope, and the settlement has it', async () => {
    const set = await api.put('desk1', '/api/installer-contracts/W-1', { feeFen: 12000, minPerDay: 3 });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      installer: 'W-1',
      name: '王师傅',
      servicePointId: 1,
      feeFen: 12000,
      minPerDay: 3,
    });
    expect(
      (await api.put('desk1', '/api/installer-contracts/W-2', { feeFen: 1, minPerDay: null })).status,
    ).toBe(404);
    expect(
      (await api.put('desk1', '/api/installer-contracts/W-404', { feeFen: 1, minPerDay: null })).status,
    ).toBe(404);
    for (const bad of [{ feeFen: -1, minPerDay: null }, { feeFen: 1.5, minPerDay: null }, { feeFen: 100 }]) {
      expect((await api.put('desk1', '/api/installer-contracts/W-1', bad)).status, JSON.stringify(bad)).toBe(
        400,
      );
    }
    expect(
      (await api.put('sp1', '/api/installer-contracts/W-1', { feeFen: 1, minPerDay: null })).status,
    ).toBe(403);
    const listed = await api.get('sp1', '/api/installer-contracts');
    expect(listed.body).toEqual([
      {
        installer: 'W-1',
        name: '王师傅',
        servicePointId: 1,
        servicePoint: '郑州站',
        feeFen: 12000,
        minPerDay: 3,
      },
    ]);
    // Settlement periods are local (Asia/Shanghai) dates: after 16:00 UTC it is already tomorrow there.
    const today = localDay(Date.now());
    const settled = await api.get('sp1', `/api/settlements?from=${today}&to=${today}`);
    // Accepted by the installer today, not paid until the owner signs it off.
    expect(settled.body).toMatchObject([
      { installer: 'W-1', feeFen: 12000, notCounted: [{ why: 'no owner sign-off' }] },
    ]);
  });

  it('imports a contracts file, rejecting rows of installers out of the desk’s reach', async () => {
    const report = await csv(
      'desk1',
      '安装人员编号,安装单价（元）,每日最低安装数\nW-1,"1,050.5",\nW-2,80,2\nW-404,80,\nW-1,eighty,\n',
    );
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      encoding: 'utf-8',
      read: 4,
      loaded: 1,
      rejected: [
        { line: 3, reason: '安装人员编号 "W-2": no such installer in the register' },
        { line: 4, reason: '安装人员编号 "W-404": no such installer in the register' },
        {
          line: 5,
          reason: '安装单价（元） "eighty": not an amount in yuan (e.g. 120 or 120.50, at most two decimals)',
        },
      ],
    });
    expect(
      (await pool.query(`SELECT installer, fee_fen, min_per_day FROM installer_contracts`)).rows,
    ).toEqual([{ installer: 'W-1', fee_fen: 105050, min_per_day: null }]);
    // The administrator reaches every installer; the file may be GBK, as spreadsheets save it.
    const { default: iconv } = await import('iconv-lite');
    const gbk = iconv.encode('工号,单价\nW-2,80\n', 'gbk');
    expect((await csv('admin', gbk)).body).toMatchObject({ encoding: 'gbk', loaded: 1, rejected: [] });
    expect((await csv('desk1', 'no header we know\n1\n')).status).toBe(400);
    expect((await csv('desk1', '{"a":1}', 'application/json')).status).toBe(415);
    expect((await csv('op1', '工号,单价\nW-1,1\n')).status).toBe(403);
  });

  it('keeps installer accounts tied to the register', async () => {
    await expect(saveUser(pool, { username: 'x', password: 'x-secret', role: 'installer' })).rejects.toThrow(
      UserError,
    );
    await expect(
      saveUser(pool, {
        username: 'x',
        password: 'x-secret',
        role: 'installer',
        installer: 'W-1',
        centerIds: [1],
      }),
    ).rejects.toThrow(UserError);
    await expect(
      saveUser(pool, { username: 'x', password: 'x-secret', role: 'desk', centerIds: [1], installer: 'W-1' }),
    ).rejects.toThrow(UserError);
    // A code not in the register is refused by the database.
    await expect(
      saveUser(pool, { username: 'x', password: 'x-secret', role: 'installer', installer: 'W-404' }),
    ).rejects.toThrow(/foreign key/);
  });
});
