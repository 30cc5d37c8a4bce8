export { StatusEngine, type Transition } from './engine.js';
export type { FaultReason } from './reasons.js';
export { DEFAULT_SETTINGS, type StatusSettings } from './settings.js';
export { StatusService, type StatusServiceOptions } from './status-service.js';
export type { Status } from './terminal-health.js';
export { DEFAULT_TICKET_SETTINGS, TicketKeeper, type TicketSettings } from './tickets/ticket-keeper.js';
