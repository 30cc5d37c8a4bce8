import { actionsFrom, type TicketAction, type TicketState } from '@jt808/after-sales';
import type { CommandName } from '@jt808/api-contract';
import { ROLES, type Role } from './sessions.js';

/**
 * What each role may do beyond looking: which ticket workflow actions it may take and which
 * downlink commands it may send to a terminal. The routes refuse anything else with 403 and hand
 * the console these lists, so the console shows only what the platform allows (one source of truth).
 */

export type TicketActionName = TicketAction['action'];

/** The platform's own moves (held → new, resolved → verified → closed) are not anyone's to take. */
const TICKET_ACTIONS: Record<TicketActionName, readonly Role[]> = {
  classify: ['admin', 'operator'],
  dispatch: ['admin', 'operator'],
  reassign: ['admin', 'operator'],
  cancel: ['admin', 'operator'],
  callback: ['admin', 'operator'],
  appoint: ['admin', 'operator', 'service'],
  arrive: ['admin', 'service'],
  resolve: ['admin', 'service'],
};

/** The roles that may take some ticket action: the route refuses the others outright. */
export const TICKET_ACTION_ROLES: readonly Role[] = ROLES.filter((role) =>
  Object.values(TICKET_ACTIONS).some((roles) => roles.includes(role)),
);

export function mayTakeTicketAction(role: Role, action: TicketActionName): boolean {
  return TICKET_ACTIONS[action].includes(role);
}

/** The actions a role may take on a ticket in `state` now, in the workflow's order. */
export function ticketActionsFor(role: Role, state: TicketState): TicketActionName[] {
  return actionsFrom(state).filter((action) => mayTakeTicketAction(role, action));
}

/**
 * The ticket clocks a person meets by a button on the ticket page: the desk's answer meets the
 * first answer, a spare part shipped the spare-parts clock (arrival is the workflow's `arrive`,
 * which meets the visit clock). The roles are those of the routes they call
 * (`POST /api/desk/tickets/:id/answer`, `.../clocks`).
 */
export type ClockActionName = 'answer' | 'ship-spare';

const CLOCK_ACTIONS: Record<ClockActionName, { clock: string; roles: readonly Role[] }> = {
  answer: { clock: 'first-answer', roles: ['admin', 'operator', 'desk'] },
  'ship-spare': { clock: 'spare-parts', roles: ['admin', 'operator', 'desk', 'service'] },
};

/** The clock buttons a role gets on an open ticket whose clocks not yet met are `open`. */
export function clockActionsFor(role: Role, open: readonly string[]): ClockActionName[] {
  return (Object.keys(CLOCK_ACTIONS) as ClockActionName[]).filter(
    (name) => open.includes(CLOCK_ACTIONS[name].clock) && CLOCK_ACTIONS[name].roles.includes(role),
  );
}

/** The downlink commands of the API (platform/api/src/routes/commands.ts). */
export type { CommandName } from '@jt808/api-contract';

/**
 * Centers run their fleets: every command. Repair points diagnose (where is it, what is it set
 * to) but do not reconfigure a terminal. The service desk helps a caller: where the vehicle is,
 * a message to the driver's screen. Viewers only look.
 */
const COMMANDS_OF: Record<Role, readonly CommandName[]> = {
  admin: ['locationQuery', 'queryParameters', 'setParameters', 'textMessage'],
  operator: ['locationQuery', 'queryParameters', 'setParameters', 'textMessage'],
  service: ['locationQuery', 'queryParameters'],
  desk: ['locationQuery', 'textMessage'],
  viewer: [],
  installer: [],
};

/** The roles that may send some command: the route refuses the others outright. */
export const COMMAND_ROLES: readonly Role[] = ROLES.filter((role) => COMMANDS_OF[role].length > 0);

export function commandsFor(role: Role): readonly CommandName[] {
  return COMMANDS_OF[role];
}

export function maySendCommand(role: Role, command: CommandName): boolean {
  return COMMANDS_OF[role].includes(command);
}
