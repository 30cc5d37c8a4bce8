/**
 * The service workflow of a ticket (after-sales service standard): the states, what people may do
 * in each, and what only the platform may do. Pure: the ticket service applies it to the database.
 *
 *   held ─(incident clears, still silent)─▶ new ─classify─▶ classified ─dispatch─▶ dispatched
 *   ─appoint─▶ appointed (─appoint again, with a reason─▶ appointed) ─arrive─▶ on-site ─resolve─▶
 *   resolved ─(platform: terminal checked in and stayed healthy)─▶ verified ─▶ closed ─callback─▶ closed
 *
 * A terminal that recovers before anyone is dispatched closes its ticket as self-recovered; an
 * installer's word alone never closes one.
 */
import type { TicketActionBody, TicketCategory } from '@jt808/api-contract';
import type { TicketState } from '@jt808/api-contract/ticket-states';

export type { TicketState };
export type Category = TicketCategory;

/** An action as the workflow takes it: the API's body (the contract's), with the appointment a Date. */
export type TicketAction =
  | Exclude<TicketActionBody, { action: 'appoint' }>
  | { action: 'appoint'; at: Date; reason?: string };

/** A refused action: `conflict` when the ticket's state or the things it names forbid it (409), `invalid` for input that can never be right here (400). */
export class TicketError extends Error {
  override readonly name = 'TicketError';
  constructor(
    message: string,
    readonly kind: 'conflict' | 'invalid' = 'conflict',
  ) {
    super(message);
  }
}

const FROM: Record<TicketAction['action'], readonly TicketState[]> = {
  classify: ['new'],
  dispatch: ['classified'],
  reassign: ['dispatched', 'appointed'],
  appoint: ['dispatched', 'appointed'],
  arrive: ['appointed'],
  resolve: ['on-site'],
  cancel: ['held', 'new', 'classified', 'dispatched', 'appointed', 'on-site'],
  callback: ['closed'],
};

const TO: Record<TicketAction['action'], TicketState> = {
  classify: 'classified',
  dispatch: 'dispatched',
  reassign: 'dispatched',
  appoint: 'appointed',
  arrive: 'on-site',
  resolve: 'resolved',
  cancel: 'closed',
  callback: 'closed',
};

/** The actions the workflow allows from a state (whoever takes them), in a fixed order. */
export function actionsFrom(state: TicketState): TicketAction['action'][] {
  return (Object.keys(FROM) as TicketAction['action'][]).filter((action) => FROM[action].includes(state));
}

/** Checks a person's action against the ticket's state; returns the state it leads to. */
export function nextState(state: TicketState, action: TicketAction): TicketState {
  if (!FROM[action.action].includes(state)) {
    throw new TicketError(
      `cannot ${action.action} a ticket that is ${state} (allowed from: ${FROM[action.action].join(', ')})`,
    );
  }
  if (action.action === 'appoint' && state === 'appointed' && !action.reason?.trim()) {
    throw new TicketError('rescheduling an appointment needs a reason');
  }
  if (
    action.action === 'callback' &&
    !(Number.isInteger(action.satisfaction) && action.satisfaction >= 1 && action.satisfaction <= 5)
  ) {
    throw new TicketError('satisfaction is a whole number from 1 to 5');
  }
  if (action.action === 'reassign') {
    if (!action.reason.trim()) throw new TicketError('a reassignment needs a reason', 'invalid');
    if (action.servicePointId === undefined && !action.installer?.trim())
      throw new TicketError('reassign to a service point or an installer', 'invalid');
  }
  if (action.action === 'resolve' && !action.faultCauseCode && !action.faultCause?.trim())
    throw new TicketError('a resolved ticket names the fault cause (faultCauseCode)', 'invalid');
  return TO[action.action];
}

const HOUR_MS = 3_600_000;

/**
 * Response and on-site deadlines. Response (a dispatch) within 2 h, severity 1 within 1 h; on site
 * within the hours of the ticket's distance class (onsite-hours.ts: 12 h local, as the service
 * standard writes it, for every severity — severity 1's faster help is the 1 h response and the
 * spare parts on site within 4 h).
 */
export function deadlines(
  openedAtMs: number,
  severity: number | null,
  onsiteHours: number,
): { responseDue: Date; onsiteDue: Date } {
  return {
    responseDue: new Date(openedAtMs + (severity === 1 ? 1 : 2) * HOUR_MS),
    onsiteDue: new Date(openedAtMs + onsiteHours * HOUR_MS),
  };
}

/**
 * How late the crew arrived against the appointment, whole minutes (0: on time or early); null
 * without an appointment or before arrival.
 */
export function arrivalLateMinutes(appointmentAt: Date | null, arrivedAt: Date | null): number | null {
  if (!appointmentAt || !arrivedAt) return null;
  return Math.max(0, Math.round((arrivedAt.getTime() - appointmentAt.getTime()) / 60_000));
}
