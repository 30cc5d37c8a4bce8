import type { TicketAction, TicketState } from './api.js';

/**
 * The ticket workflow as the console needs it. Which actions a user may take is the platform's to
 * say: every ticket from the API carries its `actions`.
 */
export type ActionName = TicketAction['action'];

/** The workflow's order, for the board's columns. */
export const STATES: readonly TicketState[] = [
  'held',
  'new',
  'classified',
  'dispatched',
  'appointed',
  'on-site',
  'resolved',
  'verified',
  'closed',
];
