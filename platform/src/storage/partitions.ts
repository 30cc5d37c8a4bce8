import type pg from 'pg';
import type { Queryable } from '../db/pool.js';
import { transaction } from '../db/pool.js';
import { UNQUALIFIED } from '../ingest/quality.js';
import {
  CENTER_HOURLY_VIEW,
  POSITION_COLUMNS,
  POSITIONS_HOURLY_PHONE_INDEX,
  trackIndex,
} from './positions-table.js';

const DAY_MS = 86_400_000;

/**
 * The plain PostgreSQL layout: positions range-partitioned by GNSS day (UTC), partitions created a
 * week ahead and dropped past the retention period, plus a default partition for fixes whose clock
 * is far off (they are stored and flagged, never dropped). The hourly rollup is a table the
 * platform refreshes on a schedule.
 */
export const PARTITION_STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS positions (${POSITION_COLUMNS}) PARTITION BY RANGE (gps_time)`,
  'CREATE TABLE IF NOT EXISTS positions_default PARTITION OF positions DEFAULT',
  trackIndex('positions_default'),
  `CREATE TABLE IF NOT EXISTS positions_hourly (
     hour timestamptz NOT NULL,
     phone text NOT NULL,
     fixes bigint NOT NULL,
     unqualified bigint NOT NULL,
     PRIMARY KEY (hour, phone)
   )`,
  POSITIONS_HOURLY_PHONE_INDEX,
  CENTER_HOURLY_VIEW,
];

export const DAYS_AHEAD = 7;

export async function applyPartitionLayout(db: Queryable): Promise<void> {
  for (const statement of PARTITION_STATEMENTS) await db.query(statement);
}

export function partitionName(day: Date): string {
  return `positions_p${day.toISOString().slice(0, 10).replaceAll('-', '')}`;
}

function startOfUtcDay(time: Date): Date {
  return new Date(Math.floor(time.getTime() / DAY_MS) * DAY_MS);
}

/**
 * Creates the daily partitions from `from` up to DAYS_AHEAD after `now`. Rows already sitting in
 * the default partition for a new day's range are moved into it in the same transaction (PostgreSQL
 * refuses to create a partition the default partition has rows for).
 *
 * Each partition gets the track's covering index of its own rather than one on the parent: made
 * with the partition (instant on an empty table), and given to the empty future ones a database
 * laid out before it already has; an index on the parent would be built over every stored day at
 * once, holding ingest off the table for the hours that takes at 1.15 billion fixes a day. Days
 * stored before it keep reading their tracks from the heap (or get it by CREATE INDEX CONCURRENTLY).
 */
export async function ensurePartitions(pool: pg.Pool, now: Date, from: Date = now): Promise<string[]> {
  const created: string[] = [];
  const existing = new Set(
    (
      await pool.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'positions'::regclass`,
      )
    ).rows.map((r) => r.name),
  );
  for (
    let day = startOfUtcDay(from);
    day.getTime() <= now.getTime() + DAYS_AHEAD * DAY_MS;
    day = new Date(day.getTime() + DAY_MS)
  ) {
    const name = partitionName(day);
    if (existing.has(name)) {
      if (day.getTime() > now.getTime()) await pool.query(trackIndex(name));
      continue;
    }
    const lower = day.toISOString();
    const upper = new Date(day.getTime() + DAY_MS).toISOString();
    await transaction(pool, async (client) => {
      await client.query('CREATE TEMP TABLE moving (LIKE positions) ON COMMIT DROP');
      await client.query(
        `WITH moved AS (DELETE FROM positions_default WHERE gps_time >= $1 AND gps_time < $2 RETURNING *)
         INSERT INTO moving SELECT * FROM moved`,
        [lower, upper],
      );
      await client.query(
        `CREATE TABLE ${name} PARTITION OF positions FOR VALUES FROM ('${lower}') TO ('${upper}')`,
      );
      await client.query('INSERT INTO positions SELECT * FROM moving');
      await client.query(trackIndex(name));
    });
    created.push(name);
  }
  return created;
}

/** Drops daily partitions entirely older than the retention period; returns their names. */
export async function dropExpiredPartitions(
  pool: pg.Pool,
  now: Date,
  retentionDays: number,
): Promise<string[]> {
  const cutoff = startOfUtcDay(new Date(now.getTime() - retentionDays * DAY_MS));
  const { rows } = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'positions'::regclass AND c.relname ~ '^positions_p[0-9]{8}$'`,
  );
  const dropped: string[] = [];
  for (const { name } of rows) {
    const day = new Date(`${name.slice(11, 15)}-${name.slice(15, 17)}-${name.slice(17, 19)}T00:00:00Z`);
    if (day.getTime() + DAY_MS <= cutoff.getTime()) {
      await pool.query(`DROP TABLE ${name}`);
      dropped.push(name);
    }
  }
  return dropped;
}

/** Recomputes the hourly rollup for the hours in [from, to): the scheduled job of this mode. */
export async function refreshPartitionRollup(db: Queryable, from: Date, to: Date): Promise<void> {
  await db.query(
    `INSERT INTO positions_hourly (hour, phone, fixes, unqualified)
     SELECT date_bin(INTERVAL '1 hour', gps_time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS hour, phone,
            count(*), count(*) FILTER (WHERE quality & ${UNQUALIFIED} <> 0)
       FROM positions
      WHERE gps_time >= $1 AND gps_time < $2
      GROUP BY 1, 2
     ON CONFLICT (hour, phone) DO UPDATE SET fixes = EXCLUDED.fixes, unqualified = EXCLUDED.unqualified`,
    [from.toISOString(), to.toISOString()],
  );
}
