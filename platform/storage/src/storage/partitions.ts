import type pg from 'pg';
import type { Queryable } from '../db/pool.js';
import { transaction } from '../db/pool.js';
import { UNQUALIFIED } from '../ingest/quality.js';
import { HOURLY_ROLLUP_READS, POSITION_COLUMNS, TRACK_VACUUM, trackIndex } from './positions-table.js';

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
  ...HOURLY_ROLLUP_READS,
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
 * Each partition gets the track's covering index (and TRACK_VACUUM) of its own rather than one on the
 * parent: made with the partition (instant on an empty table), and given to the empty future ones a
 * database laid out before it already has; an index on the parent would be built over every stored
 * day at once, holding ingest off the table for the hours that takes at 1.15 billion fixes a day.
 * Days stored before it keep reading their tracks from the heap (or get it by CREATE INDEX
 * CONCURRENTLY, named <partition>_track).
 */
export async function ensurePartitions(pool: pg.Pool, now: Date, from: Date = now): Promise<string[]> {
  const created: string[] = [];
  const existing = new Map((await dailyPartitions(pool)).map((p) => [p.name, p.track]));
  for (
    let day = startOfUtcDay(from);
    day.getTime() <= now.getTime() + DAYS_AHEAD * DAY_MS;
    day = new Date(day.getTime() + DAY_MS)
  ) {
    const name = partitionName(day);
    const hasTrackIndex = existing.get(name);
    if (hasTrackIndex !== undefined) {
      if (!hasTrackIndex && day.getTime() > now.getTime()) await readyForTracks(pool, name);
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
      await readyForTracks(client, name);
    });
    created.push(name);
  }
  return created;
}

/** The track's covering index and the autovacuum that keeps it index-only, on one partition. */
async function readyForTracks(db: Queryable, name: string): Promise<void> {
  await db.query(`ALTER TABLE ${name} SET (${TRACK_VACUUM})`);
  await db.query(trackIndex(name));
}

/** The daily partitions (not the default one) and their days. */
async function dailyPartitions(pool: pg.Pool): Promise<{ name: string; day: Date; track: boolean }[]> {
  const { rows } = await pool.query<{ name: string; track: boolean }>(
    `SELECT c.relname AS name, to_regclass(c.relname || '_track') IS NOT NULL AS track
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'positions'::regclass AND c.relname ~ '^positions_p[0-9]{8}$'`,
  );
  return rows.map(({ name, track }) => ({
    name,
    track,
    day: new Date(`${name.slice(11, 15)}-${name.slice(15, 17)}-${name.slice(17, 19)}T00:00:00Z`),
  }));
}

/** Drops daily partitions entirely older than the retention period; returns their names. */
export async function dropExpiredPartitions(
  pool: pg.Pool,
  now: Date,
  retentionDays: number,
): Promise<string[]> {
  const cutoff = startOfUtcDay(new Date(now.getTime() - retentionDays * DAY_MS));
  const dropped: string[] = [];
  for (const { name, day } of await dailyPartitions(pool)) {
    if (day.getTime() + DAY_MS <= cutoff.getTime()) {
      await pool.query(`DROP TABLE ${name}`);
      dropped.push(name);
    }
  }
  return dropped;
}

/**
 * Days whose partitions keep the track's covering index. It takes ~155 bytes a fix beside the
 * heap's ~141 and the primary key's ~72 (bench/RESULTS.md, "Track"): 32 TB over 180 days of the
 * fleet's 1.15 billion fixes a day, against 1.2 TB for a week. Tracks of older days, asked far less,
 * read the heap as they did before it.
 */
export const TRACK_INDEX_DAYS = 7;

/** Drops the track's index of the days past TRACK_INDEX_DAYS (without blocking their readers). */
export async function dropOldTrackIndexes(pool: pg.Pool, now: Date): Promise<string[]> {
  const cutoff = startOfUtcDay(new Date(now.getTime() - TRACK_INDEX_DAYS * DAY_MS));
  const dropped: string[] = [];
  for (const { name, day, track } of await dailyPartitions(pool)) {
    if (track && day.getTime() + DAY_MS <= cutoff.getTime()) {
      await pool.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}_track`);
      dropped.push(`${name}_track`);
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
