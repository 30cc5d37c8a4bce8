import type pg from 'pg';
import { ensureStorage, type StorageMode, type StorageOptions } from '../storage/layout.js';
import { migrate } from './migrate.js';

/** The advisory lock every starter takes around the schema and the storage layout ("jt808\0\0\1"). */
const SCHEMA_LOCK = 0x6a74383038000001n;

/**
 * Brings a database up to date for the platform: migrations, then the positions layout. Several
 * platform processes may start together (docker-compose starts four): they take their turn under
 * one advisory lock, or one would fail at the migration lock and others could race to create the
 * same partition.
 */
export async function prepareDatabase(
  databaseUrl: string,
  pool: pg.Pool,
  options: StorageOptions,
): Promise<StorageMode> {
  return withSchemaLock(pool, async () => {
    await migrate(databaseUrl);
    return ensureStorage(pool, options);
  });
}

/** Runs `work` while holding the schema lock on a client of its own (work may use the pool). */
export async function withSchemaLock<T>(pool: pg.Pool, work: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK.toString()]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK.toString()]);
    }
  } finally {
    client.release();
  }
}
