import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

/**
 * The benchmark's own database on the shared server: created at the start, dropped at the end, and
 * the few queries the run needs (sizes, counts, the baseline COPY).
 */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Server settings that decide how fast rows become durable, for the record. */
export async function serverSettings(pool: pg.Pool): Promise<Record<string, string>> {
  const names = [
    'server_version',
    'shared_buffers',
    'synchronous_commit',
    'fsync',
    'full_page_writes',
    'wal_compression',
    'max_wal_size',
    'checkpoint_timeout',
    'wal_buffers',
    'work_mem',
    'maintenance_work_mem',
    'autovacuum',
  ];
  const { rows } = await pool.query<{ name: string; setting: string }>(
    `SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1)`,
    [names],
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
}

export interface PositionsSize {
  rows: number;
  partitions: number;
  /** All partitions: heap + indexes + TOAST (pg_total_relation_size). */
  total: number;
  heap: number;
  indexes: number;
  toast: number;
}

export async function positionsSize(pool: pg.Pool): Promise<PositionsSize> {
  const { rows } = await pool.query<{
    partitions: string;
    total: string;
    heap: string;
    indexes: string;
    toast: string;
  }>(
    `SELECT count(*) FILTER (WHERE isleaf) AS partitions,
            sum(pg_total_relation_size(relid)) AS total,
            sum(pg_relation_size(relid)) AS heap,
            sum(pg_indexes_size(relid)) AS indexes,
            sum(pg_total_relation_size(relid) - pg_relation_size(relid) - pg_indexes_size(relid)) AS toast
       FROM pg_partition_tree('positions')`,
  );
  const count = await pool.query<{ n: string }>('SELECT count(*) AS n FROM positions');
  const r = rows[0]!;
  return {
    rows: Number(count.rows[0]!.n),
    partitions: Number(r.partitions),
    total: Number(r.total),
    heap: Number(r.heap),
    indexes: Number(r.indexes),
    toast: Number(r.toast),
  };
}

/** Writes up to `limit` stored rows, in the order they arrived, to a COPY text file. */
export async function dumpPositions(pool: pg.Pool, file: string, limit: number): Promise<number> {
  const client = await pool.connect();
  try {
    await pipeline(
      client.query(
        copyTo(`COPY (SELECT * FROM positions ORDER BY received_at, phone LIMIT ${limit}) TO STDOUT`),
      ),
      createWriteStream(file),
    );
  } finally {
    client.release();
  }
  return statSync(file).size;
}

/** The baseline: one COPY of the file straight into positions; seconds from the first byte to the commit. */
export async function copyIntoPositions(
  pool: pg.Pool,
  file: string,
): Promise<{ seconds: number; rows: number }> {
  const client = await pool.connect();
  try {
    const started = performance.now();
    const stream = client.query(copyFrom('COPY positions FROM STDIN'));
    await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), stream);
    const seconds = (performance.now() - started) / 1000;
    return { seconds, rows: Number(stream.rowCount) };
  } finally {
    client.release();
  }
}

/**
 * The same rows through the ingest path's position statements alone (COPY into a temporary staging
 * table, INSERT ... SELECT ... ON CONFLICT DO NOTHING into positions), in transactions of `batch`
 * rows as the worker commits them: what idempotence and per-batch commits cost over the raw COPY.
 */
export async function stagedInsert(
  pool: pg.Pool,
  file: string,
  batch: number,
): Promise<{ seconds: number; rows: number }> {
  const client = await pool.connect();
  try {
    const started = performance.now();
    let inserted = 0;
    let lines: string[] = [];
    const flush = async () => {
      const text = `${lines.join('\n')}\n`;
      lines = [];
      await client.query('BEGIN');
      await client.query(
        'CREATE TEMP TABLE IF NOT EXISTS positions_staging (LIKE positions INCLUDING DEFAULTS) ON COMMIT DELETE ROWS',
      );
      await pipeline(Readable.from([text]), client.query(copyFrom('COPY positions_staging FROM STDIN')));
      const result = await client.query(
        'INSERT INTO positions SELECT * FROM positions_staging ON CONFLICT (phone, gps_time) DO NOTHING',
      );
      inserted += result.rowCount ?? 0;
      await client.query('COMMIT');
    };
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      lines.push(line);
      if (lines.length === batch) await flush();
    }
    if (lines.length > 0) await flush();
    return { seconds: (performance.now() - started) / 1000, rows: inserted };
  } finally {
    client.release();
  }
}

/** Size and update churn of the small tables ingest updates on every batch. */
export async function stateTables(pool: pg.Pool): Promise<Record<string, Record<string, number>>> {
  const { rows } = await pool.query<{
    relname: string;
    live: string;
    dead: string;
    updates: string;
    hot: string;
    bytes: string;
  }>(
    `SELECT relname, n_live_tup AS live, n_dead_tup AS dead, n_tup_upd AS updates, n_tup_hot_upd AS hot,
            pg_total_relation_size(relid) AS bytes
       FROM pg_stat_user_tables
      WHERE relname IN ('terminal_state', 'terminal_activity_hourly', 'terminal_events', 'terminals')`,
  );
  return Object.fromEntries(
    rows.map((r) => [
      r.relname,
      {
        liveTuples: Number(r.live),
        deadTuples: Number(r.dead),
        updates: Number(r.updates),
        hotUpdates: Number(r.hot),
        bytes: Number(r.bytes),
      },
    ]),
  );
}
