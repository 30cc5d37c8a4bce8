import type { Role, TicketAction, TicketState } from './api.js';

/**
 * Which workflow actions the console offers on a ticket: those the user's role may take
 * (platform/src/api/routes/tickets.ts) from the ticket's state (platform/src/tickets/workflow.ts).
 * The platform decides (403 or 409 otherwise); this only keeps pointless buttons off the screen.
 */
export type ActionName = TicketAction['action'];

const ROLES: Record<ActionName, readonly Role[]> = {
  classify: ['admin', 'operator'],
  dispatch: ['admin', 'operator'],
  cancel: ['admin', 'operator'],
  callback: ['admin', 'operator'],
  appoint: ['admin', 'operator', 'service'],
  arrive: ['admin', 'service'],
  resolve: ['admin', 'service'],
};

const FROM: Record<ActionName, readonly TicketState[]> = {
  classify: ['new'],
  dispatch: ['classified'],
  appoint: ['dispatched', 'appointed'],
  arrive: ['appointed'],
  resolve: ['on-site'],
  cancel: ['held', 'new', 'classified', 'dispatched', 'appointed', 'on-site'],
  callback: ['closed'],
};

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

export function actionsFor(role: Role, state: TicketState): ActionName[] {
  return (Object.keys(FROM) as ActionName[]).filter(
    (action) => ROLES[action].includes(role) && FROM[action].includes(state),
  );
}
