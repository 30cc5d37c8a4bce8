import { ensureStorage, migrate } from '@jt808/storage';
import { freshDatabase, type TestDatabase } from '@jt808/test-support/postgres';
import pg from 'pg';

/** A test file's own database and a pool on it, for the caller to end before `db.drop()`. */
export interface StoredDatabase {
  db: TestDatabase;
  pool: pg.Pool;
}

/** A fresh database for one test file, migrated, with a pool of `max` on it. */
export async function migratedDatabase(label: string, max = 4): Promise<StoredDatabase> {
  const db = await freshDatabase(label);
  await migrate(db.url);
  return { db, pool: new pg.Pool({ connectionString: db.url, max }) };
}

/**
 * A migrated database laid out as the platform lays it out at start (180 days kept, plain
 * PostgreSQL tables even where TimescaleDB is installed): for tests that store positions.
 */
export async function storedDatabase(label: string, max = 4): Promise<StoredDatabase> {
  const stored = await migratedDatabase(label, max);
  await ensureStorage(stored.pool, { retentionDays: 180, allowTimescale: false });
  return stored;
}

/**
 * Closes a test file's API, ends its pool and drops its database, in that order (the pool before the
 * drop, so that the drop need not force connections); each may be missing when `beforeAll` failed
 * part-way.
 */
export async function closeAll(
  api: { close(): Promise<unknown> } | undefined,
  pool: pg.Pool | undefined,
  db: TestDatabase | undefined,
): Promise<void> {
  await api?.close();
  await pool?.end();
  await db?.drop();
}
