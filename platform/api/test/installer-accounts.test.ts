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

/**
 * An installer's sign-in account made from the register (routes/installer-accounts.ts): by whoever
 * keeps that installer, of the installer role only, with a typed or a generated one-time password;
 * reset; closed with its sessions when the installer is made inactive, by the form or a file.
 */
describe.skipIf(!hasPostgres)('installer accounts made from the register', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: ApiServer;
  let dir: string;

  beforeAll(async () => {
    ({ db, pool } = await storedDatabase('installer_accounts'));
    await seedTwoCenters(pool, { short: true });
    await pool.query(
      `INSERT INTO installers (code, name, service_point_id) VALUES ('W-1', '王师傅', 1), ('W-2', '吴师傅', 1), ('L-1', '李师傅', 2)`,
    );
    const users: Omit<NewUser, 'password'>[] = [
      { username: 'admin', role: 'admin' },
      { username: 'desk1', role: 'desk', centerIds: [1] },
      { username: 'op1', role: 'operator', centerIds: [1] },
      { username: 'sp1', role: 'service', servicePointId: 1 },
      { username: 'sp2', role: 'service', servicePointId: 2 },
      { username: 'viewer', role: 'viewer', centerIds: [1] },
    ];
    api = await startApiServerFor(
      pool,
      users.map((user) => ({ ...user, password: `${user.username}-secret` })),
    );
    dir = await mkdtemp(join(tmpdir(), 'installer-accounts-'));
  }, 60_000);
  afterAll(async () => {
    await closeAll(api, pool, db);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const stored = async (username: string) =>
    (
      await pool.query(
        'SELECT role, installer, center_ids, service_point_id FROM users WHERE username = $1',
        [username],
      )
    ).rows;

  it('makes an installer account with a generated one-time password that signs in on the phone page', async () => {
    const made = await api.post('desk1', '/api/installers/W-1/account', { username: 'wang.shifu' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ installer: 'W-1', username: 'wang.shifu' });
    expect(made.body.generated).toMatch(/^[a-zA-Z2-9]{14}$/);
    expect(await stored('wang.shifu')).toEqual([
      { role: 'installer', installer: 'W-1', center_ids: [], service_point_id: null },
    ]);
    await api.login('wang.shifu', made.body.generated);
    expect((await api.get('wang.shifu', '/api/me')).body).toMatchObject({
      role: 'installer',
      servicePointId: 1,
    });
    // The register lists the account by its username; the password is nowhere to be read again.
    const listed = await api.get('desk1', '/api/installers');
    expect(listed.body.find((row: { code: string }) => row.code === 'W-1')).toMatchObject({
      account: 'wang.shifu',
    });
    expect(JSON.stringify(listed.body)).not.toContain(made.body.generated);
  });

  it('takes a typed password, and refuses a taken username or a second account clearly', async () => {
    const made = await api.post('admin', '/api/installers/W-2/account', {
      username: 'wu.shifu',
      password: 'typed-secret',
    });
    expect(made.status).toBe(201);
    expect(made.body).toEqual({ installer: 'W-2', username: 'wu.shifu' });
    await api.login('wu.shifu', 'typed-secret');
    // Another installer under a name someone has (a desk clerk's): 409, that user untouched.
    await pool.query(`INSERT INTO installers (code, name, service_point_id) VALUES ('W-3', '赵师傅', 1)`);
    const taken = await api.post('desk1', '/api/installers/W-3/account', {
      username: 'desk1',
      password: 'whatever-1',
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toBe('the username desk1 is taken');
    expect(await stored('desk1')).toEqual([
      { role: 'desk', installer: null, center_ids: [1], service_point_id: null },
    ]);
    await api.login('desk1', 'desk1-secret');
    const second = await api.post('desk1', '/api/installers/W-1/account', { username: 'wang2' });
    expect(second.status).toBe(409);
    expect(second.body.error).toContain('has an account already (wang.shifu)');
  });

  it('makes installer accounts only, for installers in scope, by those who keep the register', async () => {
    // No role can be asked for; malformed usernames and short passwords are refused.
    for (const body of [
      { username: 'boss1', role: 'admin' },
      { username: 'boss2', centerIds: 'all' },
      { username: 'ab' },
      { username: 'has space' },
      { username: '-dash' },
      { username: 'short-pw', password: 'short' },
      {},
    ]) {
      expect(
        (await api.post('desk1', '/api/installers/W-3/account', body)).status,
        JSON.stringify(body),
      ).toBe(400);
    }
    expect(
      (await pool.query(`SELECT count(*)::int AS n FROM users WHERE role <> 'installer'`)).rows[0].n,
    ).toBe(6);
    // Another center's installer is no installer for this desk; the other roles may not.
    expect((await api.post('desk1', '/api/installers/L-1/account', { username: 'li.shifu' })).status).toBe(
      404,
    );
    expect((await api.post('desk1', '/api/installers/NOBODY/account', { username: 'li.shifu' })).status).toBe(
      404,
    );
    for (const user of ['op1', 'sp1', 'sp2', 'viewer', 'wang.shifu']) {
      expect(
        (await api.post(user, '/api/installers/L-1/account', { username: `x-${user}` })).status,
        user,
      ).toBe(403);
      expect((await api.post(user, '/api/installers/W-3/account/password', {})).status, user).toBe(403);
    }
    expect((await api.post('desk1', '/api/installers/L-1/account/password', {})).status).toBe(404);
    // Odd spellings: an encoded code is the same code, a trailing part is no route.
    expect((await api.post('desk1', '/api/installers/L%2D1/account', { username: 'li.shifu' })).status).toBe(
      404,
    );
    expect((await api.post('desk1', '/api/installers/L-1/account/', { username: 'li.shifu' })).status).toBe(
      404,
    );
    expect((await api.post('desk1', '/api/installers/W-1/account/role', { role: 'admin' })).status).toBe(404);
    expect(await stored('li.shifu')).toEqual([]);
  });

  it('resets a password: the old one and its sessions end, the new one signs in', async () => {
    expect((await api.post('desk1', '/api/installers/W-3/account/password', {})).status).toBe(404);
    const reset = await api.post('desk1', '/api/installers/W-2/account/password', {});
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ installer: 'W-2', username: 'wu.shifu' });
    expect((await api.get('wu.shifu', '/api/me')).status).toBe(401);
    await expect(api.login('wu.shifu', 'typed-secret')).rejects.toThrow('401');
    await api.login('wu.shifu', reset.body.generated);
    expect((await api.get('wu.shifu', '/api/me')).status).toBe(200);
    expect((await api.post('desk1', '/api/installers/W-2/account/password', { password: 'x' })).status).toBe(
      400,
    );
  });

  it('closes the account of an installer made inactive, by the form and by a roster file', async () => {
    const entry = { name: '王师傅', phone: null, certificate: null, servicePointId: 1 };
    expect((await api.put('desk1', '/api/installers/W-1', { ...entry, active: false })).status).toBe(200);
    expect((await api.get('wang.shifu', '/api/me')).status).toBe(401);
    expect(
      (
        await pool.query(
          `SELECT count(*)::int AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'wang.shifu'`,
        )
      ).rows[0].n,
    ).toBe(0);
    // No new account for an inactive installer either.
    expect((await api.post('desk1', '/api/installers/W-1/account', { username: 'wang3' })).status).toBe(409);

    const file = join(dir, 'installers.csv');
    await writeFile(file, 'code,name,service_point_code,active\nW-2,吴师傅,SP1,否\n');
    const report = await importRoster(pool, { installers: file }, { actor: 'test' });
    expect(report.files[0]).toMatchObject({ loaded: 1, rejected: [] });
    expect((await api.get('wu.shifu', '/api/me')).status).toBe(401);
    const refused = await fetch(`${api.base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'wu.shifu', password: 'not-the-password' }),
    });
    // A wrong password says nothing of the account.
    expect(refused.status).toBe(401);
  });
});
