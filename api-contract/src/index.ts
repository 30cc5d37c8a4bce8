/**
 * The platform's HTTP API contract (docs/api.md): each route's request and response defined once as
 * JSON Schema, with its TypeScript type derived from it (TypeBox). The platform validates requests
 * and serializes answers through these schemas and /docs is generated from them; the console
 * imports the types (`import type`), so it never takes code of the platform's.
 */
export * from './after-sales.js';
export * from './auth.js';
export * from './centers.js';
export * from './commands.js';
export * from './desk.js';
export * from './kpis.js';
export * from './live.js';
export * from './map.js';
export * from './roster.js';
export * from './service-points.js';
export * from './shared.js';
export * from './tickets.js';
export * from './users.js';
export * from './vehicles.js';
