export { normalizePhone } from '@jt808/protocol';
export { deliverDue, webhookSender } from './after-sales/outbound.js';
export { runAfterSalesRound, startAfterSalesRounds } from './after-sales/rounds.js';
export { DEFAULT_CACHE_POLICY } from './api/answer-cache.js';
export { type ApiOptions, buildApi } from './api/app.js';
export { CONSOLE_DIR } from './api/console.js';
export { dashboardPeriods } from './api/dashboard-periods.js';
export {
  decodeSnapshot,
  encodeSnapshot,
  type SnapshotVehicle,
  snapshotVehicles,
} from './api/live/snapshot.js';
export { FleetIndex } from './api/map/fleet-index.js';
export type { Role, User } from './api/sessions.js';
export { readTrack, TRACK_SQL, type TrackPoint } from './api/track.js';
export { addUserIfMissing, isPasswordOf, type NewUser, saveUser } from './api/users.js';
export { MIGRATIONS_DIR, migrate } from './db/migrate.js';
export { createPool, type Queryable, transaction } from './db/pool.js';
export { prepareDatabase } from './db/prepare.js';
export { CREATE_STAGING, insertPositions } from './ingest/batch-writer.js';
export { type IngestOptions, type IngestStats, IngestWorker } from './ingest/ingest-worker.js';
export { QUALITY_LIMITS, Quality } from './ingest/quality.js';
export type { PositionRow } from './ingest/rows.js';
export { logProcessFaults } from './process-faults.js';
export * from './roster/index.js';
export { type SimTime, simulatedTimeView, toSimulated } from './scoring/sim-time.js';
export { StatusEngine, type Transition } from './status/engine.js';
export { evaluate, type Verdict } from './status/evaluate.js';
export { FAULT_REASONS, type FaultReason, REASON_ZH } from './status/reasons.js';
export { DEFAULT_SETTINGS, type StatusSettings } from './status/settings.js';
export { StatusService, type StatusServiceOptions } from './status/status-service.js';
export { type Status, TerminalHealth } from './status/terminal-health.js';
export {
  ensureStorage,
  maintainStorage,
  refreshRollup,
  type StorageMode,
  type StorageOptions,
  timescaleAvailable,
} from './storage/layout.js';
export { ensurePartitions, partitionName } from './storage/partitions.js';
export { DEFAULT_TICKET_SETTINGS, TicketKeeper, type TicketSettings } from './tickets/ticket-keeper.js';
export {
  advanceTicket,
  type OpenRequest,
  openTicket,
  platformMove,
  type TicketRow,
} from './tickets/ticket-store.js';
export {
  type Category,
  deadlines,
  nextState,
  type TicketAction,
  TicketError,
  type TicketState,
} from './tickets/workflow.js';
