import { readdir } from 'node:fs/promises';
import type pg from 'pg';
import { ensureStorage, type StorageMode, type StorageOptions } from '../storage/layout.js';
import { MIGRATIONS_DIR, migrate } from './migrate.js';
import { withSchemaLock } from './schema-lock.js';

/**
 * Brings a database up to date for the platform: migrations, then the positions layout. Several
 * platform processes may start together (docker-compose starts four): they take their turn under
 * one advisory lock, or one would fail at the migration lock and others could race to create the
 * same partition.
 *
 * A role that may not change the schema (jt808_app, migration 0021) does neither: it checks that
 * the schema's owner has prepared the database (`jt808-platform migrate`) and reads the storage
 * mode, and refuses to start on a database that is behind.
 */
export async function prepareDatabase(
  databaseUrl: string,
  pool: pg.Pool,
  options: StorageOptions,
): Promise<StorageMode> {
  if (!(await mayChangeSchema(pool))) return preparedMode(pool);
  return withSchemaLock(pool, async () => {
    await migrate(databaseUrl);
    return ensureStorage(pool, options);
  });
}

/** Whether the connected role may create in the schema: the owner (or a superuser) may, jt808_app may not. */
export async function mayChangeSchema(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ may: boolean }>(
    `SELECT has_schema_privilege('public', 'CREATE') AS may`,
  );
  return rows[0]!.may;
}

async function preparedMode(pool: pg.Pool): Promise<StorageMode> {
  const shipped = (await readdir(MIGRATIONS_DIR))
    .filter((file) => file.endsWith('.sql'))
    .map((file) => file.slice(0, -'.sql'.length));
  const { rows: role } = await pool.query<{ name: string }>('SELECT current_user AS name');
  const refuse = (what: string) =>
    new Error(
      `${what}: run \`jt808-platform migrate\` as the schema's owner first (${role[0]!.name} may not change the schema)`,
    );
  const applied = new Set(
    (await rowsIfTable<{ name: string }>(pool, 'SELECT name FROM schema_migrations')).map((r) => r.name),
  );
  const missing = shipped.filter((name) => !applied.has(name));
  if (missing.length > 0) throw refuse(`the database lacks migrations ${missing.join(', ')}`);
  const [mode] = await rowsIfTable<{ value: StorageMode }>(
    pool,
    `SELECT value FROM storage_settings WHERE key = 'mode'`,
  );
  if (!mode) throw refuse('the positions storage is not laid out');
  return mode.value;
}

/** The rows of a query on a table that may not exist yet (no rows then). */
async function rowsIfTable<R extends pg.QueryResultRow>(pool: pg.Pool, sql: string): Promise<R[]> {
  try {
    return (await pool.query<R>(sql)).rows;
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return []; // undefined_table
    throw error;
  }
}
