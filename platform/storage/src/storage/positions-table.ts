/**
 * The positions table, one row per fix. Its primary key (terminal, GNSS time) is what makes ingest
 * idempotent: a redelivered batch inserts nothing twice. The same definition serves both storage
 * modes; TimescaleDB turns it into a hypertable, plain PostgreSQL partitions it by day.
 */
export const POSITION_COLUMNS = `
  phone text NOT NULL,
  gps_time timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  latitude double precision NOT NULL,
  longitude double precision NOT NULL,
  altitude integer,
  speed real,
  direction smallint,
  alarm bigint NOT NULL,
  status bigint NOT NULL,
  mileage double precision,
  fuel real,
  signal_strength smallint,
  satellites smallint,
  blind_area boolean NOT NULL DEFAULT false,
  quality smallint NOT NULL DEFAULT 0,
  extras jsonb,
  PRIMARY KEY (phone, gps_time)`;

/**
 * A vehicle's track from one index: its fixes are adjacent in (phone, gps_time) order, and with the
 * columns the track shows carried in the index (readTrack in api/track.ts) the query never visits the
 * heap, where ingest writes fixes in arrival order, interleaved across the fleet: a day's 2,880
 * fixes lie on ~2,880 heap pages (p99 807 ms at 400,000 vehicles under load) and on ~60 pages of
 * this index: 48× fewer buffers, 2.1× less backend CPU, for 155 bytes and 2.0 µs of database CPU
 * more a fix stored (bench/RESULTS.md, "Track"). Index-only scans need the pages marked
 * all-visible, which TRACK_VACUUM keeps up with.
 */
export const TRACK_INCLUDE = 'latitude, longitude, speed, direction, alarm, quality';

/** The covering index of `table` (positions or one of its partitions), named after it. */
export function trackIndex(table: string): string {
  return `CREATE INDEX IF NOT EXISTS ${table}_track ON ${table} (phone, gps_time) INCLUDE (${TRACK_INCLUDE})`;
}

/**
 * Autovacuum after every million fixes stored rather than after 20 % of the table's rows: the
 * visibility map is what lets the track skip the heap, and with the default a day's partition of
 * 1.15 billion fixes would leave its last fifth (hours of today's tracks) to the heap. A million
 * is 75 s of the fleet's 13,333 fixes/s; an insert-only VACUUM visits only the pages not yet
 * all-visible (recent ones, still cached) and, with nothing dead, skips the indexes: 0.11-0.12 µs
 * a fix measured, against 7.3-9.3 µs of database CPU a fix for ingest's statements
 * (bench/RESULTS.md, "Track").
 */
export const TRACK_VACUUM =
  'autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 1000000';

/** Column order used by COPY into the staging table and the insert from it. */
export const POSITION_COPY_COLUMNS = [
  'phone',
  'gps_time',
  'received_at',
  'latitude',
  'longitude',
  'altitude',
  'speed',
  'direction',
  'alarm',
  'status',
  'mileage',
  'fuel',
  'signal_strength',
  'satellites',
  'blind_area',
  'quality',
  'extras',
] as const;

/**
 * The hourly per-center rollup, the same query in both modes: `positions_hourly` is a continuous
 * aggregate under TimescaleDB and a table the platform refreshes without it, with the same columns.
 */
const CENTER_HOURLY_VIEW = `
CREATE OR REPLACE VIEW center_hourly AS
SELECT v.center_id,
       a.hour,
       count(*) AS vehicles_online,
       count(*) FILTER (WHERE coalesce(h.fixes, 0) > 0) AS vehicles_reporting,
       coalesce(sum(h.fixes), 0)::bigint AS fixes,
       coalesce(sum(h.unqualified), 0)::bigint AS unqualified_fixes
  FROM terminal_activity_hourly a
  JOIN terminals t ON t.phone = a.phone
  JOIN vehicles v ON v.id = t.vehicle_id
  LEFT JOIN positions_hourly h ON h.hour = a.hour AND h.phone = a.phone
 GROUP BY v.center_id, a.hour`;

/**
 * Per-terminal lookups into the hourly rollup (did it ever send a qualified fix, its fixes in a
 * period): the rollup's key starts with the hour, so without this a center's KPIs read every
 * terminal's rows; the counts ride along, so the lookups need not visit the table. The same
 * statement serves the table (partitions) and the continuous aggregate.
 */
const POSITIONS_HOURLY_PHONE_INDEX =
  'CREATE INDEX IF NOT EXISTS positions_hourly_phone ON positions_hourly (phone, hour) INCLUDE (fixes, unqualified)';

/** What both modes lay over `positions_hourly` once it exists, in this order: its index, then the view. */
export const HOURLY_ROLLUP_READS = [POSITIONS_HOURLY_PHONE_INDEX, CENTER_HOURLY_VIEW];
