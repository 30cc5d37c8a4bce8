export { MIGRATIONS_DIR, migrate } from './db/migrate.js';
export { createPool, type Queryable, transaction } from './db/pool.js';
export { type IngestOptions, type IngestStats, IngestWorker } from './ingest/ingest-worker.js';
export { normalizePhone } from './ingest/phone.js';
export { QUALITY_LIMITS, Quality } from './ingest/quality.js';
export {
  ensureStorage,
  maintainStorage,
  refreshRollup,
  type StorageMode,
  type StorageOptions,
  timescaleAvailable,
} from './storage/layout.js';
