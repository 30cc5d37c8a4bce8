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
export const CENTER_HOURLY_VIEW = `
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
export const POSITIONS_HOURLY_PHONE_INDEX =
  'CREATE INDEX IF NOT EXISTS positions_hourly_phone ON positions_hourly (phone, hour) INCLUDE (fixes, unqualified)';
