import { TICKET_STATES } from '@jt808/api-contract/ticket-states';
import type { TicketAction, TicketState } from './api.js';

/**
 * The ticket workflow as the console needs it. Which actions a user may take is the platform's to
 * say: every ticket from the API carries its `actions`.
 */
export type ActionName = TicketAction['action'];

/** The workflow's order, for the board's columns: the API contract's list. */
export const STATES: readonly TicketState[] = TICKET_STATES;
