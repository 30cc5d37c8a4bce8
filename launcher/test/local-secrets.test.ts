import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPasswordOf, saveUser } from '@jt808/api';
import { migrate } from '@jt808/storage';
import { freePort } from '@jt808/test-support/ports';
import { freshDatabase, hasPostgres } from '@jt808/test-support/postgres';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/database.js';
import { localAdmin } from '../src/local-admin.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'jt808-secrets-'));
  dirs.push(dir);
  return dir;
};

/** Whether `password` signs in as postgres at `url`. */
async function signsIn(url: string, password: string): Promise<boolean> {
  const at = new URL(url);
  at.password = password;
  const client = new pg.Client({ connectionString: at.toString() });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

describe('the one-command start’s secrets', () => {
  it('gives the embedded PostgreSQL a password of its own, kept in the data directory, and moves an older cluster off the fixed one', async () => {
    const dir = dataDir();
    const port = await freePort();
    const first = await openDatabase(undefined, dir, port);
    const directory = /in (\S+)$/.exec(first.description)![1]!;
    if (!directory.startsWith(dir)) dirs.push(directory);
    try {
      const password = readFileSync(join(dir, 'postgres-password'), 'utf8').trim();
      expect(statSync(join(dir, 'postgres-password')).mode & 0o077).toBe(0);
      expect(password).toHaveLength(24);
      expect(new URL(first.url).password).toBe(password);
      expect(await signsIn(first.url, password)).toBe(true);
      expect(await signsIn(first.url, 'jt808')).toBe(false);
      // A cluster made before each got its own password: the fixed one, and no file.
      const client = new pg.Client({ connectionString: first.url });
      await client.connect();
      await client.query(`ALTER ROLE postgres PASSWORD 'jt808'`);
      await client.end();
    } finally {
      await first.stop();
    }
    unlinkSync(join(dir, 'postgres-password'));
    const again = await openDatabase(undefined, dir, port);
    try {
      const password = readFileSync(join(dir, 'postgres-password'), 'utf8').trim();
      expect(await signsIn(again.url, 'jt808')).toBe(false);
      expect(await signsIn(again.url, password)).toBe(true);
    } finally {
      await again.stop();
    }
  }, 180_000);

  it.skipIf(!hasPostgres)(
    'makes the local admin once: a password changed since survives the next start',
    async () => {
      const db = await freshDatabase('localadmin');
      const pool = new pg.Pool({ connectionString: db.url, max: 2 });
      try {
        await migrate(db.url);
        const dir = dataDir();
        const banner = await localAdmin(pool, dir);
        const password = readFileSync(join(dir, 'admin-password'), 'utf8').trim();
        expect(banner).toBe(`user admin, password ${password}`);
        expect(await localAdmin(pool, dir)).toBe(banner);
        // The administrator changes the password (user-add), then the platform restarts.
        await saveUser(pool, { username: 'admin', password: 'chosen-by-the-admin', role: 'admin' });
        expect(await localAdmin(pool, dir)).toBe(
          'user admin (its password was changed since the first start)',
        );
        const { rows } = await pool.query(`SELECT count(*)::int AS n FROM users`);
        expect(rows).toEqual([{ n: 1 }]);
        expect(await isPasswordOf(pool, 'admin', 'chosen-by-the-admin')).toBe(true);
      } finally {
        await pool.end();
        await db.drop();
      }
    },
    60_000,
  );
});
