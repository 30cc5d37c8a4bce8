export { type Acting, actAs, changing } from './db/acting.js';
export { MIGRATIONS_DIR, migrate } from './db/migrate.js';
export { createPool, type Queryable, transaction } from './db/pool.js';
export { mayChangeSchema, prepareDatabase } from './db/prepare.js';
export { type Scope, scopeOf, seesEverything } from './db/scope.js';
export { CREATE_STAGING, insertPositions } from './ingest/batch-writer.js';
export {
  DEFAULT_INGEST_BATCH,
  DEFAULT_INGEST_WAIT_MS,
  type IngestOptions,
  type IngestStats,
  IngestWorker,
} from './ingest/ingest-worker.js';
export { createIngestMetrics } from './ingest/metrics.js';
export { Quality, UNQUALIFIED } from './ingest/quality.js';
export { type PositionRow, rowsOf } from './ingest/rows.js';
export {
  ensureStorage,
  maintainStorage,
  refreshRollup,
  type StorageMode,
  type StorageOptions,
} from './storage/layout.js';
export { ensurePartitions, partitionName } from './storage/partitions.js';
export { readTrack, TRACK_SQL, type TrackPoint } from './storage/track.js';
