import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type ApiServer, startApiServer } from '@jt808/test-support/api-server';
import { closeAll, migratedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The real command as operators run it: node on the committed shim, which imports the compiled dist/.
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = 'platform/server/bin/jt808-platform.js';

/** A user's scope is said, never assumed: the province only with CENTERS=ALL. */
describe.skipIf(!hasPostgres)('jt808-platform user-add', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: ApiServer;

  beforeAll(async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-b', 'platform/server/tsconfig.build.json'], {
      cwd: ROOT,
      stdio: 'pipe',
    });
    ({ db, pool } = await migratedDatabase('useradd', 2));
    await pool.query(
      `INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州中心', '郑州'), (2, 'C2', '洛阳中心', '洛阳')`,
    );
    await pool.query(
      `INSERT INTO service_points (id, code, name, center_id) VALUES (1, 'SP1', '郑州服务站', 1)`,
    );
    api = await startApiServer(pool);
  }, 180_000);
  afterAll(() => closeAll(api, pool, db));

  const userAdd = (username: string, role: string, more: Record<string, string> = {}) =>
    spawnSync(process.execPath, [BIN, 'user-add'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        DATABASE_URL: db.url,
        USERNAME: username,
        PASSWORD: 'secret-1',
        ROLE: role,
        ...more,
      },
    });

  it('refuses a scoped role without its scope, and the province for an operator or a listed admin', async () => {
    for (const [username, role, more, why] of [
      ['viewer0', 'viewer', {}, 'a viewer needs CENTERS: center ids, or ALL for the province'],
      ['desk0', 'desk', { CENTERS: '' }, 'a desk needs CENTERS'],
      ['op0', 'operator', {}, 'an operator needs CENTERS: center ids'],
      ['op0', 'operator', { CENTERS: 'ALL' }, 'an operator runs centers'],
      ['op0', 'operator', { CENTERS: '1,x' }, 'CENTERS is ALL or comma-separated center ids'],
      ['admin0', 'admin', { CENTERS: '1' }, 'an admin sees the whole province'],
      ['sp0', 'service', {}, 'service-point staff need SERVICE_POINT'],
    ] as const) {
      const run = userAdd(username, role, more);
      expect(run.stderr, `${role} ${JSON.stringify(more)}`).toContain(why);
      expect(run.status).toBe(2);
    }
    const { rows } = await pool.query('SELECT username FROM users');
    expect(rows).toEqual([]);
  }, 180_000);

  it('gives the province only to CENTERS=ALL (and to admins); listed centers otherwise', async () => {
    expect(userAdd('province', 'viewer', { CENTERS: 'ALL' }).status).toBe(0);
    expect(userAdd('viewer1', 'viewer', { CENTERS: '1' }).status).toBe(0);
    expect(userAdd('desk2', 'desk', { CENTERS: 'all' }).status).toBe(0);
    expect(userAdd('boss', 'admin').status).toBe(0);
    for (const [username, centers] of [
      ['province', [1, 2]],
      ['viewer1', [1]],
      ['desk2', [1, 2]],
      ['boss', [1, 2]],
    ] as const) {
      await api.login(username, 'secret-1');
      const answer = await api.get(username, '/api/centers');
      expect(answer.body.map((center: { id: number }) => center.id).sort(), username).toEqual(centers);
    }
  }, 180_000);
});
