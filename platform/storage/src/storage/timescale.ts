import type { Queryable } from '../db/pool.js';
import { UNQUALIFIED } from '../ingest/quality.js';
import { HOURLY_ROLLUP_READS, POSITION_COLUMNS, TRACK_VACUUM, trackIndex } from './positions-table.js';

/**
 * The TimescaleDB layout: positions as a hypertable of daily chunks, compressed after a day
 * (segmented by terminal, so one vehicle's track decompresses alone), dropped after the retention
 * period, and the hourly rollup as a continuous aggregate. Every statement is idempotent.
 * Continuous aggregates cannot be created inside a transaction, so these run one by one.
 */
export function timescaleStatements(retentionDays: number): string[] {
  return [
    'CREATE EXTENSION IF NOT EXISTS timescaledb',
    `CREATE TABLE IF NOT EXISTS positions (${POSITION_COLUMNS})`,
    `SELECT create_hypertable('positions', 'gps_time', chunk_time_interval => INTERVAL '1 day', if_not_exists => TRUE)`,
    `ALTER TABLE positions SET (timescaledb.compress, timescaledb.compress_segmentby = 'phone', timescaledb.compress_orderby = 'gps_time DESC')`,
    // On the hypertable, so every chunk has it; compressed chunks (past a day) read their segment
    // (one terminal's fixes, together) instead.
    trackIndex('positions'),
    // Chunks take the hypertable's storage parameters, at creation and when they change (timescaledb#375).
    `ALTER TABLE positions SET (${TRACK_VACUUM})`,
    `SELECT add_compression_policy('positions', INTERVAL '1 day', if_not_exists => TRUE)`,
    `SELECT remove_retention_policy('positions', if_exists => TRUE)`,
    `SELECT add_retention_policy('positions', INTERVAL '${retentionDays} days', if_not_exists => TRUE)`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS positions_hourly WITH (timescaledb.continuous) AS
       SELECT time_bucket(INTERVAL '1 hour', gps_time) AS hour,
              phone,
              count(*) AS fixes,
              count(*) FILTER (WHERE quality & ${UNQUALIFIED} <> 0) AS unqualified
         FROM positions
        GROUP BY 1, 2
       WITH NO DATA`,
    `SELECT add_continuous_aggregate_policy('positions_hourly',
       start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 minute',
       schedule_interval => INTERVAL '5 minutes', if_not_exists => TRUE)`,
    ...HOURLY_ROLLUP_READS,
  ];
}

export async function applyTimescaleLayout(db: Queryable, retentionDays: number): Promise<void> {
  for (const statement of timescaleStatements(retentionDays)) await db.query(statement);
}

/** Brings the hourly rollup up to date for [from, to) (the policy does this on its own in production). */
export async function refreshTimescaleRollup(db: Queryable, from: Date, to: Date): Promise<void> {
  await db.query(`CALL refresh_continuous_aggregate('positions_hourly', $1::timestamptz, $2::timestamptz)`, [
    from.toISOString(),
    to.toISOString(),
  ]);
}
