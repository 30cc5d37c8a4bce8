export { DEFAULTS, type GatewayConfig, parseConfig } from './config.js';
export { FileRoster } from './roster/file-roster.js';
export { PostgresRoster } from './roster/postgres-roster.js';
export type { RegistrationDecision, Roster, TerminalRecord, UnknownTerminalPolicy } from './roster/roster.js';
export { startHttp } from './runtime/http.js';
export { createMetrics, type Metrics } from './runtime/metrics.js';
export { connectionCap, openFileLimit, workersFor } from './runtime/open-files.js';
export { Gateway, type GatewayDeps } from './server.js';
