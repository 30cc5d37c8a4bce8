import type pg from 'pg';
import { withSchemaLock } from '../db/schema-lock.js';
import {
  applyPartitionLayout,
  dropExpiredPartitions,
  dropOldTrackIndexes,
  ensurePartitions,
  refreshPartitionRollup,
} from './partitions.js';
import { applyTimescaleLayout, refreshTimescaleRollup } from './timescale.js';

export type StorageMode = 'timescaledb' | 'partitions';

export interface StorageOptions {
  /** Days of positions kept (regulation asks for at least six months). */
  retentionDays: number;
  /** Use TimescaleDB when the server has it (default); false forces plain partitions. */
  allowTimescale?: boolean;
}

/** Whether the server can load TimescaleDB (installed and in shared_preload_libraries). */
export async function timescaleAvailable(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ available: boolean; preloaded: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AS available,
            current_setting('shared_preload_libraries') ~ 'timescaledb' AS preloaded`,
  );
  return Boolean(rows[0]?.available && rows[0]?.preloaded);
}

/**
 * Creates the positions storage and the hourly rollup, once, in the mode the database allows, and
 * remembers the mode: a database that started without TimescaleDB stays on partitions (moving a
 * populated table into a hypertable is an operator's decision, not a start-up side effect).
 */
export async function ensureStorage(pool: pg.Pool, options: StorageOptions): Promise<StorageMode> {
  await pool.query('CREATE TABLE IF NOT EXISTS storage_settings (key text PRIMARY KEY, value text NOT NULL)');
  const stored = await pool.query<{ value: string }>(`SELECT value FROM storage_settings WHERE key = 'mode'`);
  let mode = stored.rows[0]?.value as StorageMode | undefined;
  if (mode === undefined) {
    mode =
      options.allowTimescale !== false && (await timescaleAvailable(pool)) ? 'timescaledb' : 'partitions';
  }
  if (mode === 'timescaledb') await applyTimescaleLayout(pool, options.retentionDays);
  else {
    await applyPartitionLayout(pool);
    await ensurePartitions(pool, new Date());
  }
  await pool.query(
    `INSERT INTO storage_settings (key, value) VALUES ('mode', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [mode],
  );
  return mode;
}

/** The periodic upkeep of each mode; TimescaleDB's own jobs do it there, so this is for partitions. */
export async function maintainStorage(
  pool: pg.Pool,
  mode: StorageMode,
  retentionDays: number,
  now = new Date(),
): Promise<void> {
  if (mode !== 'partitions') return;
  // Under the schema lock: several ingest workers keep the same partitions, and a process starting
  // meanwhile lays them out too (see db/prepare.ts).
  await withSchemaLock(pool, async () => {
    await ensurePartitions(pool, now);
    await dropExpiredPartitions(pool, now, retentionDays);
    await dropOldTrackIndexes(pool, now);
  });
}

const HOUR_MS = 3_600_000;

/**
 * Brings the hourly rollup up to date for every hour that [from, to) touches. The window is widened
 * to whole hours first: a partial hour would overwrite that hour's row with a partial count
 * (partitions) or be refused as covering no whole bucket (TimescaleDB).
 */
export async function refreshRollup(pool: pg.Pool, mode: StorageMode, from: Date, to: Date): Promise<void> {
  const start = new Date(Math.floor(from.getTime() / HOUR_MS) * HOUR_MS);
  const end = new Date(Math.ceil(to.getTime() / HOUR_MS) * HOUR_MS);
  if (end.getTime() <= start.getTime()) return;
  if (mode === 'timescaledb') await refreshTimescaleRollup(pool, start, end);
  else await refreshPartitionRollup(pool, start, end);
}
