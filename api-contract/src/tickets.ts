import { type Static, Type } from 'typebox';
import { Nullable, OneOf, Timestamp } from './shared.js';
import { TICKET_STATES, type TicketState } from './ticket-states.js';

export { TICKET_STATES, type TicketState };

/** The workflow actions a person takes on a ticket (POST /api/tickets/:id/actions). */
export const TICKET_ACTIONS = [
  'classify',
  'dispatch',
  'reassign',
  'cancel',
  'callback',
  'appoint',
  'arrive',
  'resolve',
] as const;

/** A ticket's row as stored: every column of `tickets`, bigint ids as strings, SIMs masked by role. */
export const TicketRow = Type.Object({
  id: Type.String(),
  kind: OneOf(['repair', 'install', 'service']),
  phone: Nullable(Type.String()),
  vehicle_id: Nullable(Type.String()),
  center_id: Nullable(Type.Integer()),
  state: OneOf(TICKET_STATES),
  reason: Type.String(),
  reasons: Type.Array(Type.String()),
  occurrences: Type.Integer(),
  incident_id: Nullable(Type.String()),
  opened_at: Timestamp,
  updated_at: Timestamp,
  category: Nullable(Type.String()),
  severity: Nullable(Type.Integer()),
  service_point_id: Nullable(Type.Integer()),
  installer: Nullable(Type.String()),
  appointment_at: Nullable(Timestamp),
  response_due: Timestamp,
  onsite_due: Timestamp,
  breaches: Type.Array(Type.String()),
  fault_cause: Nullable(Type.String()),
  parts_replaced: Nullable(Type.Array(Type.String())),
  replacement_phone: Nullable(Type.String()),
  in_warranty: Nullable(Type.Boolean()),
  resolved_at: Nullable(Timestamp),
  verified_at: Nullable(Timestamp),
  closed_at: Nullable(Timestamp),
  close_reason: Nullable(Type.String()),
  satisfaction: Nullable(Type.Integer()),
  callback_comment: Nullable(Type.String()),
  callback_at: Nullable(Timestamp),
  source: OneOf(['platform', 'desk']),
  distance: OneOf(['local', 'nearby', 'other-region']),
  arrived_at: Nullable(Timestamp),
  /** The cause's code in the catalogue (null before it is resolved with a code). */
  fault_cause_code: Nullable(Type.String()),
});

/** The workflow actions the signed-in user may take on the ticket now (decided by the platform). */
const actions = Type.Array(OneOf(TICKET_ACTIONS));

/** POST /api/tickets/:id/actions: the ticket as the action left it, with its next actions. */
export const TicketAfterAction = Type.Object({ ...TicketRow.properties, actions });
export type TicketAfterAction = Static<typeof TicketAfterAction>;

/** A ticket of GET /api/tickets. */
export const Ticket = Type.Object({
  ...TicketRow.properties,
  /** The vehicle's plate and its colour code (JT/T 415: 1 blue, 2 yellow, …); null without a vehicle. */
  plate: Nullable(Type.String()),
  plate_color: Nullable(Type.Integer()),
  /** The fault cause's names in the catalogue. */
  fault_cause_zh: Nullable(Type.String()),
  fault_cause_en: Nullable(Type.String()),
  /** When the desk answered (its first-answer clock met), or null. */
  answered_at: Nullable(Timestamp),
  actions,
});
export type Ticket = Static<typeof Ticket>;

export const TicketPage = Type.Object({
  page: Type.Integer(),
  pageSize: Type.Integer(),
  items: Type.Array(Ticket),
});

export const TicketEvent = Type.Object({
  at: Timestamp,
  actor: Type.String(),
  from_state: Nullable(Type.String()),
  to_state: Type.String(),
  reason: Nullable(Type.String()),
  /** What the action carried (its fields), personal ones masked. */
  detail: Type.Unknown(),
});
export type TicketEvent = Static<typeof TicketEvent>;

/** A ticket's clocks: the desk's and the returned unit's (platform after-sales/clocks.ts). */
export const ClockName = OneOf([
  'first-answer',
  'visit',
  'inspection-report',
  'spare-parts',
  'quote',
  'exchange-ship',
  'repair-ship',
  'faulty-return',
] as const);

export const TicketClock = Type.Object({
  clock: ClockName,
  due_at: Timestamp,
  met_at: Nullable(Timestamp),
  /** Met late, or not met and past due. */
  breached: Type.Boolean(),
});
export type TicketClock = Static<typeof TicketClock>;

/** GET /api/tickets/:id. */
export const TicketDetail = Type.Object({
  ...Ticket.properties,
  /** The desk's clocks, the clock buttons the user gets, the arrival against the appointment. */
  clocks: Type.Array(TicketClock),
  clock_actions: Type.Array(OneOf(['answer', 'ship-spare'])),
  arrival_late_minutes: Nullable(Type.Integer()),
  history: Type.Array(TicketEvent),
});
export type TicketDetail = Static<typeof TicketDetail>;
