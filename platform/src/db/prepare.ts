import type pg from 'pg';
import { ensureStorage, type StorageMode, type StorageOptions } from '../storage/layout.js';
import { migrate } from './migrate.js';
import { withSchemaLock } from './schema-lock.js';

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
