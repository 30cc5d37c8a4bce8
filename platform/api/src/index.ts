export { DEFAULT_CACHE_POLICY } from './answer-cache.js';
export { type ApiOptions, buildApi } from './app.js';
export { CONSOLE_DIR } from './console.js';
export { dashboardPeriods } from './dashboard-periods.js';
export { decodeSnapshot, encodeSnapshot, type SnapshotVehicle, snapshotVehicles } from './live/snapshot.js';
export { encodeFleetColumns } from './map/fleet-columns.js';
export { FleetIndex, type FleetRow } from './map/fleet-index.js';
export { DEFAULT_SESSION_POLICY, ROLES, type Role } from './sessions.js';
export { addUserIfMissing, isPasswordOf, type NewUser, parseCenters, saveUser, UserError } from './users.js';
