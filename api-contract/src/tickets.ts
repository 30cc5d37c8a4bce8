import { type Static, Type } from 'typebox';
import { FAULT_CAUSE_CODE } from './after-sales.js';
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

/** How far the crew comes from: the on-site deadline follows (docs/after-sales.md). */
export const DISTANCES = ['local', 'nearby', 'other-region'] as const;
export type Distance = (typeof DISTANCES)[number];

export const TICKET_CATEGORIES = ['hardware', 'software', 'guidance', 'consultation'] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];

/** The body of POST /api/tickets/:id/actions: an action with the fields it takes. */
export type TicketActionBody =
  | { action: 'classify'; category: TicketCategory; severity: 1 | 2 | 3 }
  | { action: 'dispatch'; installer: string; servicePointId?: number; distance?: Distance }
  /** Hands dispatched work to another service point or installer of the center; its appointment lapses. */
  | { action: 'reassign'; reason: string; servicePointId?: number; installer?: string }
  | { action: 'appoint'; at: string; reason?: string }
  | { action: 'arrive' }
  | {
      action: 'resolve';
      /** A code of the fault-cause catalogue; `faultCause` is then a note. */
      faultCauseCode?: string;
      faultCause?: string;
      partsReplaced?: string[];
      replacementPhone?: string;
    }
  | { action: 'cancel'; reason: string }
  | { action: 'callback'; satisfaction: number; comment?: string };

type ActionName = TicketActionBody['action'];
type ActionOf<A extends ActionName> = Extract<TicketActionBody, { action: A }>;
type NeededBy<A extends ActionName> = Exclude<
  { [K in keyof ActionOf<A>]-?: undefined extends ActionOf<A>[K] ? never : K }[keyof ActionOf<A>],
  'action'
>;

/** The fields each action must come with (checked by its type: a field listed is one it requires). */
export const ACTION_FIELDS: { [A in ActionName]: readonly NeededBy<A>[] } = {
  classify: ['category', 'severity'],
  dispatch: ['installer'],
  reassign: ['reason'],
  appoint: ['at'],
  arrive: [],
  resolve: [],
  cancel: ['reason'],
  callback: ['satisfaction'],
};

/**
 * The action's body as one flat object, each action requiring its fields (`if`/`then`), rather
 * than a union: the 400 then names the missing field instead of every variant that did not match.
 */
export const TicketActionRequest = Type.Unsafe<TicketActionBody>({
  type: 'object',
  required: ['action'],
  properties: {
    action: { type: 'string', enum: [...TICKET_ACTIONS] },
    category: { type: 'string', enum: [...TICKET_CATEGORIES] },
    severity: { type: 'integer', minimum: 1, maximum: 3 },
    installer: { type: 'string', minLength: 1, maxLength: 64 },
    servicePointId: { type: 'integer', minimum: 1 },
    distance: { type: 'string', enum: [...DISTANCES] },
    at: { type: 'string', format: 'date-time' },
    reason: { type: 'string', maxLength: 500 },
    faultCause: { type: 'string', minLength: 1, maxLength: 500 },
    faultCauseCode: { type: 'string', pattern: FAULT_CAUSE_CODE },
    partsReplaced: { type: 'array', items: { type: 'string', maxLength: 100 }, maxItems: 20 },
    replacementPhone: { type: 'string', pattern: '^[0-9]{1,20}$' },
    satisfaction: { type: 'integer', minimum: 1, maximum: 5 },
    comment: { type: 'string', maxLength: 1000 },
  },
  additionalProperties: false,
  // Each action comes with the fields it needs: resolving without a fault cause is a 400, not a crash.
  allOf: [
    ...TICKET_ACTIONS.map((action) => ({
      if: { properties: { action: { const: action } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, never awaited
      then: { required: ACTION_FIELDS[action] },
    })),
    // A cause by its code, or (older clients) by a note alone.
    {
      if: { properties: { action: { const: 'resolve' } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, never awaited
      then: { anyOf: [{ required: ['faultCauseCode'] }, { required: ['faultCause'] }] },
    },
  ],
});

/** A ticket's row: every column of `tickets` in camelCase, bigint ids as strings, SIMs masked by role. */
export const TicketRow = Type.Object({
  id: Type.String(),
  kind: OneOf(['repair', 'install', 'service']),
  phone: Nullable(Type.String()),
  vehicleId: Nullable(Type.String()),
  centerId: Nullable(Type.Integer()),
  state: OneOf(TICKET_STATES),
  reason: Type.String(),
  reasons: Type.Array(Type.String()),
  occurrences: Type.Integer(),
  incidentId: Nullable(Type.String()),
  openedAt: Timestamp,
  updatedAt: Timestamp,
  category: Nullable(Type.String()),
  severity: Nullable(Type.Integer()),
  servicePointId: Nullable(Type.Integer()),
  installer: Nullable(Type.String()),
  appointmentAt: Nullable(Timestamp),
  responseDue: Timestamp,
  onsiteDue: Timestamp,
  breaches: Type.Array(Type.String()),
  faultCause: Nullable(Type.String()),
  partsReplaced: Nullable(Type.Array(Type.String())),
  replacementPhone: Nullable(Type.String()),
  inWarranty: Nullable(Type.Boolean()),
  resolvedAt: Nullable(Timestamp),
  verifiedAt: Nullable(Timestamp),
  closedAt: Nullable(Timestamp),
  closeReason: Nullable(Type.String()),
  satisfaction: Nullable(Type.Integer()),
  callbackComment: Nullable(Type.String()),
  callbackAt: Nullable(Timestamp),
  source: OneOf(['platform', 'desk']),
  distance: OneOf(DISTANCES),
  arrivedAt: Nullable(Timestamp),
  /** The cause's code in the catalogue (null before it is resolved with a code). */
  faultCauseCode: Nullable(Type.String()),
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
  plateColor: Nullable(Type.Integer()),
  /** The fault cause's names in the catalogue. */
  faultCauseZh: Nullable(Type.String()),
  faultCauseEn: Nullable(Type.String()),
  /** When the desk answered (its first-answer clock met), or null. */
  answeredAt: Nullable(Timestamp),
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
  fromState: Nullable(Type.String()),
  toState: Type.String(),
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
  dueAt: Timestamp,
  metAt: Nullable(Timestamp),
  /** Met late, or not met and past due. */
  breached: Type.Boolean(),
});
export type TicketClock = Static<typeof TicketClock>;

/** GET /api/tickets/:id. */
export const TicketDetail = Type.Object({
  ...Ticket.properties,
  /** The desk's clocks, the clock buttons the user gets, the arrival against the appointment. */
  clocks: Type.Array(TicketClock),
  clockActions: Type.Array(OneOf(['answer', 'ship-spare'])),
  arrivalLateMinutes: Nullable(Type.Integer()),
  history: Type.Array(TicketEvent),
});
export type TicketDetail = Static<typeof TicketDetail>;
