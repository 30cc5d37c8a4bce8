import { ADMIN_URL, freshDatabase, hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/db/migrate.js';
import { prepareDatabase } from '../src/db/prepare.js';
import { ensureStorage } from '../src/storage/layout.js';

/**
 * The least-privilege roles of migration 0021, each signed in as a login user made for this run
 * (roles belong to the whole cluster: unique names, dropped afterwards): the gateway role only calls
 * the gateway_* functions, the application role reads and writes rows but changes no schema.
 */
describe.skipIf(!hasPostgres)('database roles (real PostgreSQL)', () => {
  const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const gatewayUser = `jt808_test_gateway_${suffix}`;
  const appUser = `jt808_test_app_${suffix}`;
  let db: TestDatabase;
  let owner: pg.Pool;
  let gateway: pg.Pool;
  let app: pg.Pool;

  const urlAs = (user: string) => {
    const url = new URL(db.url);
    url.username = user;
    url.password = 'test-only';
    return url.toString();
  };
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => 'allowed',
      (error: { code?: string }) => error.code,
    );

  beforeAll(async () => {
    db = await freshDatabase('roles');
    await migrate(db.url);
    owner = new pg.Pool({ connectionString: db.url, max: 2 });
    await ensureStorage(owner, { retentionDays: 180, allowTimescale: false });
    await owner.query(`CREATE ROLE ${gatewayUser} LOGIN PASSWORD 'test-only' IN ROLE jt808_gateway`);
    await owner.query(`CREATE ROLE ${appUser} LOGIN PASSWORD 'test-only' IN ROLE jt808_app`);
    await owner.query(`INSERT INTO terminals (phone, auth_code_hash) VALUES ('13900000001', '\\x0102')`);
    gateway = new pg.Pool({ connectionString: urlAs(gatewayUser), max: 1 });
    app = new pg.Pool({ connectionString: urlAs(appUser), max: 1 });
  }, 120_000);
  afterAll(async () => {
    await gateway?.end();
    await app?.end();
    await owner?.end();
    await db?.drop();
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${gatewayUser}`);
    await admin.query(`DROP ROLE IF EXISTS ${appUser}`);
    await admin.end();
  });

  it('lets the gateway role call its functions and nothing else', async () => {
    const { rows } = await gateway.query('SELECT phone, auth_code_hash FROM gateway_auth_code_hashes($1)', [
      ['13900000001'],
    ]);
    expect(rows).toEqual([{ phone: '13900000001', auth_code_hash: Buffer.from([1, 2]) }]);
    await gateway.query('SELECT gateway_save_auth_code($1, $2, $3, $4)', [
      '13900000002',
      Buffer.from([3]),
      'T2',
      true,
    ]);
    const facts = await gateway.query('SELECT known, pending FROM gateway_registration_facts($1, $2, $3)', [
      '13900000002',
      '',
      0,
    ]);
    expect(facts.rows).toEqual([{ known: true, pending: true }]);
    for (const sql of [
      'SELECT * FROM terminals',
      'SELECT * FROM vehicles',
      `UPDATE terminals SET auth_code_hash = NULL`,
      'SELECT * FROM users',
    ])
      expect(await refusal(gateway.query(sql)), sql).toBe('42501'); // insufficient_privilege
  });

  it('lets the application role read and write rows but not create, alter or drop tables', async () => {
    await app.query(`INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州中心', '郑州')`);
    expect((await app.query('SELECT count(*)::int AS n FROM terminals')).rows).toEqual([{ n: 2 }]);
    await app.query(`UPDATE terminals SET pending = false WHERE phone = '13900000002'`);
    // A roster change is recorded under the application's role; the history is append-only (0031).
    await app.query(
      `UPDATE terminals SET shipped_on = '2026-01-05', ship_mode = 'express' WHERE phone = '13900000002'`,
    );
    expect(
      (
        await app.query(
          `SELECT field, actor, source FROM roster_history WHERE subject_key = '13900000002' ORDER BY field`,
        )
      ).rows,
    ).toEqual([
      { field: 'ship_mode', actor: appUser, source: 'database' },
      { field: 'shipped_on', actor: appUser, source: 'database' },
    ]);
    for (const sql of [`UPDATE roster_history SET actor = 'someone else'`, 'DELETE FROM roster_history'])
      expect(await refusal(app.query(sql)), sql).toBe('42501');
    for (const sql of [
      'CREATE TABLE intruder (id int)',
      'DROP TABLE tickets',
      'ALTER TABLE users ADD COLUMN intruder text',
      'TRUNCATE sessions',
      `CREATE TABLE positions_p20990101 PARTITION OF positions FOR VALUES FROM ('2099-01-01') TO ('2099-01-02')`,
    ])
      expect(await refusal(app.query(sql)), sql).toBe('42501');
    expect(await refusal(app.query('SELECT * FROM gateway_auth_code_hashes($1)', [['13900000001']]))).toBe(
      '42501',
    );
  });

  it('starts a process under the application role on a prepared database, and refuses one that is behind', async () => {
    const before = await owner.query(
      `SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace`,
    );
    expect(await prepareDatabase(urlAs(appUser), app, { retentionDays: 180, allowTimescale: false })).toBe(
      'partitions',
    );
    const after = await owner.query(
      `SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace`,
    );
    expect(after.rows).toEqual(before.rows);
    await owner.query(`DELETE FROM schema_migrations WHERE name = '0021_least_privilege'`);
    await expect(prepareDatabase(urlAs(appUser), app, { retentionDays: 180 })).rejects.toThrow(
      `the database lacks migrations 0021_least_privilege: run \`jt808-platform migrate\` as the schema's owner first (${appUser} may not change the schema)`,
    );
  });
});
