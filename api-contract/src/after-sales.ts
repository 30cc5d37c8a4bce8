import { type Static, Type } from 'typebox';
import { EXCLUSIONS, type Exclusion, NOTICE_KINDS, type NoticeKind } from './after-sales-lists.js';
import { Nullable, OneOf, Timestamp } from './shared.js';

export { EXCLUSIONS, type Exclusion, NOTICE_KINDS, type NoticeKind };

/**
 * The after-sales routes of a returned unit and its quotes, the replace-after-three-repairs
 * exchange, the fault-cause catalogue, the on-site hours and patrols, the inbox and the outbound
 * notifications, the settings and calendar, and the printable sheets (docs/after-sales.md).
 * Answers are camelCase (docs/api.md, "Field casing").
 */

/** A local (Asia/Shanghai) date, YYYY-MM-DD. */
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

/** A time read out of a JSON column (PostgreSQL's own spelling, `2026-05-01T16:00:00+08:00`). */
const JsonTime = Type.String();

// ---------------------------------------------------------------------------------------------
// A repair's returned unit (RMA), its warranty decision and quotes: /api/tickets/:id/rma, /quotes

const Exclusions = Type.Array(OneOf(EXCLUSIONS), { uniqueItems: true });
const rmaText = Nullable(Type.String({ maxLength: 64 }));
const rmaTime = Nullable(Timestamp);

/** PUT /api/tickets/:id/rma: the record whole, as the form sends it. */
export const RmaRecordBody = Type.Object(
  {
    formNo: Type.Optional(rmaText),
    carrier: Type.Optional(rmaText),
    waybill: Type.Optional(rmaText),
    arrivedAt: Type.Optional(rmaTime),
    quality: Type.Boolean(),
    exclusions: Exclusions,
    badlyDamaged: Type.Boolean(),
    opened: Type.Boolean(),
    advanceShippedAt: Type.Optional(rmaTime),
    shippedBackAt: Type.Optional(rmaTime),
  },
  { additionalProperties: false },
);
export type RmaRecordBody = Static<typeof RmaRecordBody>;

/** The returned unit as stored. */
export const RmaRecord = Type.Object({
  formNo: Nullable(Type.String()),
  carrier: Nullable(Type.String()),
  waybill: Nullable(Type.String()),
  arrivedAt: rmaTime,
  quality: Type.Boolean(),
  exclusions: Type.Array(OneOf(EXCLUSIONS)),
  badlyDamaged: Type.Boolean(),
  opened: Type.Boolean(),
  advanceShippedAt: rmaTime,
  shippedBackAt: rmaTime,
  /** The replace-after-three-repairs exchange the record was opened for. */
  exchangeId: Nullable(Type.String()),
  updatedAt: Timestamp,
  updatedBy: Type.String(),
});
export type RmaRecord = Static<typeof RmaRecord>;

export const AFTER_SALES_RULES = ['return', 'exchange', 'free-repair', 'paid-repair'] as const;
export type AfterSalesRule = (typeof AFTER_SALES_RULES)[number];

/** Which warranty rule applies to a unit's fault, and why (platform/after-sales/src/warranty.ts). */
export const WarrantyDecision = Type.Object({
  rule: OneOf(AFTER_SALES_RULES),
  inWarranty: Type.Boolean(),
  warranty: Type.Object({
    start: Day,
    /** The last day covered. */
    until: Day,
    basis: OneOf(['express', 'freight', 'installation', 'roster']),
  }),
  /** The exclusions that made an in-warranty repair paid. */
  exclusions: Type.Array(OneOf(EXCLUSIONS)),
  /** Not badly damaged and not opened. */
  intact: Type.Boolean(),
  freight: OneOf(['one-way', 'none']),
  reason: Type.Object({ zh: Type.String(), en: Type.String() }),
});
export type WarrantyDecision = Static<typeof WarrantyDecision>;

/** Amounts are integer fen; a million yuan is more than any terminal repair. */
const Fen = Type.Integer({ minimum: 0, maximum: 100_000_000 });

/** POST /api/tickets/:id/quotes. */
export const QuoteBody = Type.Object(
  {
    partsFen: Fen,
    visitFen: Fen,
    repairDays: Type.Integer({ minimum: 0, maximum: 365 }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type QuoteBody = Static<typeof QuoteBody>;

/** POST /api/tickets/:id/quotes/:quote/decision. */
export const QuoteParams = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  quote: Type.Integer({ minimum: 1 }),
});
export const QuoteDecisionBody = Type.Object(
  { decision: OneOf(['accepted', 'refused']) },
  { additionalProperties: false },
);

/** A paid repair's quote, and the customer's answer to it. */
export const Quote = Type.Object({
  id: Type.String(),
  partsFen: Type.Integer(),
  visitFen: Type.Integer(),
  totalFen: Type.Integer(),
  repairDays: Type.Integer(),
  note: Nullable(Type.String()),
  quotedAt: Timestamp,
  quotedBy: Type.String(),
  decision: Type.Union([OneOf(['accepted', 'refused']), Type.Null()]),
  decidedAt: Nullable(Timestamp),
  decidedBy: Nullable(Type.String()),
});
export type Quote = Static<typeof Quote>;

/** GET and PUT /api/tickets/:id/rma. */
export const RmaCase = Type.Object({
  record: Nullable(RmaRecord),
  /** The warranty rule for the unit as received; null with `decisionError` when it cannot be known. */
  decision: Nullable(WarrantyDecision),
  decisionError: Type.Optional(Type.String()),
  quotes: Type.Array(Quote),
  clocks: Type.Array(
    Type.Object({
      clock: Type.String(),
      dueAt: Timestamp,
      metAt: Nullable(Timestamp),
      breached: Type.Boolean(),
    }),
  ),
});
export type RmaCase = Static<typeof RmaCase>;

// ---------------------------------------------------------------------------------------------
// Replace after three repairs: /api/vehicles/:id/replacement

/** A return record of an exchange, and how far it is: recorded, the faulty unit arrived, shipped. */
export const ExchangeRma = Type.Object({
  ticketId: Type.String(),
  formNo: Nullable(Type.String()),
  carrier: Nullable(Type.String()),
  waybill: Nullable(Type.String()),
  arrivedAt: Nullable(JsonTime),
  advanceShippedAt: Nullable(JsonTime),
  shippedBackAt: Nullable(JsonTime),
  state: OneOf(['recorded', 'arrived', 'shipped']),
});
export type ExchangeRma = Static<typeof ExchangeRma>;

export const ReplacementFlag = Type.Object({
  id: Type.String(),
  vehicleId: Type.String(),
  /** The repair that made it the third within the window. */
  ticketId: Type.String(),
  repairs: Type.Integer(),
  flaggedAt: Timestamp,
  state: OneOf(['open', 'done']),
  doneAt: Nullable(Timestamp),
  doneBy: Nullable(Type.String()),
  note: Nullable(Type.String()),
  rma: Type.Array(ExchangeRma),
});
export type ReplacementFlag = Static<typeof ReplacementFlag>;

/** GET /api/vehicles/:id/replacement and POST …/replacement/done. */
export const Replacement = Type.Object({ flagged: Type.Boolean(), flags: Type.Array(ReplacementFlag) });
export type Replacement = Static<typeof Replacement>;

export const ExchangeDoneBody = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

/** POST /api/vehicles/:id/replacement/rma: on the flagging repair unless `ticketId` names another. */
export const ExchangeRmaBody = Type.Object(
  { ticketId: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);
export const ExchangeRmaOpened = Type.Object({ ticketId: Type.String(), flags: Type.Array(ReplacementFlag) });
export type ExchangeRmaOpened = Static<typeof ExchangeRmaOpened>;

// ---------------------------------------------------------------------------------------------
// The fault-cause catalogue: /api/fault-causes

/** A fault cause's code: lower case, digits and dashes. */
export const FAULT_CAUSE_CODE = '^[a-z][a-z0-9-]{0,31}$';

export const FaultCause = Type.Object({
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  active: Type.Boolean(),
});
export type FaultCause = Static<typeof FaultCause>;
export const FaultCauses = Type.Array(FaultCause);

export const FaultCauseQuery = Type.Object(
  { all: Type.Boolean({ default: false }) },
  { additionalProperties: false },
);

const causeName = Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' });
export const FaultCauseParams = Type.Object({ code: Type.String({ pattern: FAULT_CAUSE_CODE }) });
export const NewFaultCause = Type.Object(
  { code: Type.String({ pattern: FAULT_CAUSE_CODE }), nameZh: causeName, nameEn: causeName },
  { additionalProperties: false },
);
export type NewFaultCause = Static<typeof NewFaultCause>;
export const FaultCauseChange = Type.Object(
  {
    nameZh: Type.Optional(causeName),
    nameEn: Type.Optional(causeName),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type FaultCauseChange = Static<typeof FaultCauseChange>;

// ---------------------------------------------------------------------------------------------
// On-site hours by distance, and patrols: /api/onsite-hours, /api/centers/:id/onsite-hours, /api/patrols

/** Hours on site by how far the crew travels. */
export const OnsiteHours = Type.Object({
  local: Type.Number(),
  nearby: Type.Number(),
  'other-region': Type.Number(),
});
export type OnsiteHours = Static<typeof OnsiteHours>;

/** A center's hours as set: null takes the default back. */
const setHours = Nullable(Type.Number({ exclusiveMinimum: 0, maximum: 720 }));
export const OnsiteHoursBody = Type.Object(
  { local: setHours, nearby: setHours, 'other-region': setHours },
  { additionalProperties: false },
);

export const CenterOnsiteHours = Type.Object({
  centerId: Type.Integer(),
  name: Type.String(),
  hours: OnsiteHours,
});
export type CenterOnsiteHours = Static<typeof CenterOnsiteHours>;
export const CentersOnsiteHours = Type.Array(CenterOnsiteHours);

export const PatrolQuery = Type.Object(
  { open: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const PatrolBody = Type.Object(
  {
    servicePointId: Type.Integer({ minimum: 1 }),
    enterpriseId: Type.Optional(Type.Integer({ minimum: 1 })),
    vehicles: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    inspectedAt: Type.Optional(Timestamp),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export const PatrolReportBody = Type.Object(
  { report: Type.String({ minLength: 1, maxLength: 5000 }) },
  { additionalProperties: false },
);

/** A patrol inspection (巡检) and its report, due 3 working days after it. */
export const Patrol = Type.Object({
  id: Type.String(),
  centerId: Type.Integer(),
  servicePointId: Type.Integer(),
  servicePoint: Type.String(),
  enterpriseId: Nullable(Type.Integer()),
  vehicles: Type.Integer(),
  inspectedAt: Timestamp,
  note: Nullable(Type.String()),
  recordedBy: Type.String(),
  reportDue: Timestamp,
  reportedAt: Nullable(Timestamp),
  report: Nullable(Type.String()),
  reportedBy: Nullable(Type.String()),
  /** Reported after its due time, or not reported and past it. */
  late: Type.Boolean(),
});
export type Patrol = Static<typeof Patrol>;
export const Patrols = Type.Array(Patrol);

// ---------------------------------------------------------------------------------------------
// The inbox, escalations and outbound notifications: /api/inbox, /api/escalations, /api/notifications

export const InboxQuery = Type.Object(
  {
    kind: Type.Optional(OneOf(NOTICE_KINDS)),
    open: Type.Optional(Type.Boolean()),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);

/** A notice: told to a user (their inbox), or an escalation their center's managers work off. */
export const Notice = Type.Object({
  id: Type.String(),
  kind: OneOf(NOTICE_KINDS),
  cause: Nullable(Type.String()),
  text: Type.String(),
  /** The facts behind the text. */
  detail: Type.Unknown(),
  at: Timestamp,
  centerId: Nullable(Type.Integer()),
  ticketId: Nullable(Type.String()),
  complaintId: Nullable(Type.String()),
  vehicleId: Nullable(Type.String()),
  /** Escalations: open → acknowledged → resolved, with the managers' notes. */
  state: OneOf(['open', 'acknowledged', 'resolved']),
  acknowledgedAt: Nullable(Timestamp),
  acknowledgedBy: Nullable(Type.String()),
  resolvedAt: Nullable(Timestamp),
  resolvedBy: Nullable(Type.String()),
  /** Set when the platform resolved it because its cause went away (why); null when a manager did. */
  resolvedReason: Nullable(Type.String()),
  note: Nullable(Type.String()),
});
export type Notice = Static<typeof Notice>;

/** What the header shows: unread notices and escalations still open. */
export const InboxCounts = Type.Object({ unread: Type.Integer(), escalations: Type.Integer() });
export type InboxCounts = Static<typeof InboxCounts>;

/** A notice in the inbox: personal ones with when the user read it (null for escalations). */
export const InboxNotice = Type.Object({ ...Notice.properties, readAt: Nullable(Timestamp) });
export type InboxNotice = Static<typeof InboxNotice>;

/** GET /api/inbox. */
export const Inbox = Type.Object({ items: Type.Array(InboxNotice), ...InboxCounts.properties });
export type Inbox = Static<typeof Inbox>;

export const InboxReadBody = Type.Object(
  {
    ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 500 })),
    all: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const InboxRead = Type.Object({ read: Type.Integer() });

export const EscalationBody = Type.Object(
  {
    action: OneOf(['acknowledge', 'resolve']),
    note: Type.String({ minLength: 1, maxLength: 2000 }),
  },
  { additionalProperties: false },
);

/** How hard the sender tries, for every endpoint. */
export const SenderConfig = Type.Object({
  timeoutMs: Type.Integer(),
  maxAttempts: Type.Integer(),
  backoffMs: Type.Integer(),
});
export type SenderConfig = Static<typeof SenderConfig>;
export const SenderBody = Type.Object(
  {
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000 })),
    maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
    backoffMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 3_600_000 })),
  },
  { additionalProperties: false },
);

/** An endpoint as written: a name, an http(s) URL, the kinds routed to it, its secret (write-only). */
export const EndpointBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' }),
    url: Type.String({ minLength: 1, maxLength: 2000 }),
    kinds: Type.Array(OneOf(NOTICE_KINDS), { maxItems: NOTICE_KINDS.length }),
    active: Type.Boolean(),
    secret: Type.Optional(Type.String({ minLength: 16, maxLength: 256, pattern: '^\\S+$' })),
  },
  { additionalProperties: false },
);
export type EndpointBody = Static<typeof EndpointBody>;

/** Where notices of some kinds go out; its secret is never read back... */
export const Endpoint = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  url: Type.String(),
  kinds: Type.Array(OneOf(NOTICE_KINDS)),
  active: Type.Boolean(),
  updatedBy: Nullable(Type.String()),
  updatedAt: Timestamp,
});
export type Endpoint = Static<typeof Endpoint>;
export const Endpoints = Type.Array(Endpoint);

/** ...but when made (POST, given or generated) and when rotated (PUT with a new one): the one time it is shown. */
export const EndpointMade = Type.Object({ ...Endpoint.properties, secret: Type.String() });
export type EndpointMade = Static<typeof EndpointMade>;
export const EndpointChanged = Type.Object({ ...Endpoint.properties, secret: Type.Optional(Type.String()) });
export type EndpointChanged = Static<typeof EndpointChanged>;

export const DeliveryQuery = Type.Object(
  {
    state: Type.Optional(OneOf(['pending', 'sent', 'failed'])),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);

/** A notice's delivery to an endpoint, with its attempts. */
export const Delivery = Type.Object({
  id: Type.String(),
  noticeId: Type.String(),
  kind: OneOf(NOTICE_KINDS),
  cause: Nullable(Type.String()),
  text: Type.String(),
  endpointId: Type.Integer(),
  endpoint: Type.String(),
  url: Type.String(),
  state: OneOf(['pending', 'sent', 'failed']),
  attempts: Type.Integer(),
  nextAttemptAt: Timestamp,
  createdAt: Timestamp,
  sentAt: Nullable(Timestamp),
  /** What was (or will be) posted. */
  payload: Type.Unknown(),
  log: Type.Array(
    Type.Object({
      at: JsonTime,
      /** The receiver's HTTP status, when it answered. */
      status: Nullable(Type.Integer()),
      ok: Type.Boolean(),
      error: Nullable(Type.String()),
      ms: Type.Integer(),
    }),
  ),
});
export type Delivery = Static<typeof Delivery>;
export const Deliveries = Type.Array(Delivery);

// ---------------------------------------------------------------------------------------------
// The settings and the working-day calendar: /api/after-sales/settings, /api/calendar

/**
 * The service standard's numbers, each a setting the operator may override (defaults and meaning:
 * platform/after-sales/src/settings.ts). Every one is a number.
 */
export const AFTER_SALES_SETTING_NAMES = [
  'firstAnswerMinutesAB',
  'firstAnswerMinutes',
  'visitWorkingDays',
  'inspectionReportWorkingDays',
  'patrolReportWorkingDays',
  'sparePartsHoursSeverity1',
  'complaintAnswerHours',
  'complexComplaintWorkingDays',
  'quoteWorkingDays',
  'repairShipDays',
  'exchangeShipWorkingDays',
  'faultyReturnDays',
  'warrantyMonths',
  'expressTransitDays',
  'freightTransitDays',
  'returnWithinMonths',
  'exchangesForReturn',
  'exchangeWindowMonths',
  'callbackFromDays',
  'callbackWithinDays',
  'secondCallbackDays',
  'delayDeductionRate',
  'complaintDeductionRate',
  'minInstallationsPerDay',
  'callbackRateTarget',
  'satisfactionTarget',
  'replaceAfterRepairs',
  'replaceWindowMonths',
  'deadlineNoticeMinutes',
  'recurringMinRepairs',
  'recurringMarginPercent',
  'recurringBaselinePeriods',
  'recurringSameVehicle',
] as const;
export type AfterSalesSettingName = (typeof AFTER_SALES_SETTING_NAMES)[number];

export const AfterSalesSettings = Type.Object(
  Object.fromEntries(AFTER_SALES_SETTING_NAMES.map((name) => [name, Type.Number()])) as Record<
    AfterSalesSettingName,
    ReturnType<typeof Type.Number>
  >,
);
export type AfterSalesSettings = Static<typeof AfterSalesSettings>;

/** PUT /api/after-sales/settings: the settings to override, by name (the platform checks names and bounds). */
export const SettingsBody = Type.Record(Type.String(), Type.Number(), { maxProperties: 50 });

export const CalendarQuery = Type.Object(
  { year: Type.Integer({ minimum: 2000, maximum: 2100 }) },
  { additionalProperties: false },
);

/** A day the working-day calendar sets apart: a holiday, or a weekend day worked. */
export const CalendarDay = Type.Object({
  day: Day,
  kind: OneOf(['holiday', 'workday']),
  name: Nullable(Type.String()),
});
export type CalendarDay = Static<typeof CalendarDay>;
export const CalendarDays = Type.Array(CalendarDay);

export const CalendarBody = Type.Object(
  {
    days: Type.Optional(
      Type.Array(
        Type.Object(
          {
            day: Day,
            kind: OneOf(['holiday', 'workday']),
            name: Type.Optional(Type.String({ maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 400 },
      ),
    ),
    remove: Type.Optional(Type.Array(Day, { maxItems: 400 })),
  },
  { additionalProperties: false },
);
export type CalendarBody = Static<typeof CalendarBody>;
export const CalendarSaved = Type.Object({ saved: Type.Integer(), removed: Type.Integer() });

// ---------------------------------------------------------------------------------------------
// The printable sheets: /api/tickets/:id/work-order, /api/installations/:id/acceptance-sheet

/** The vehicle, its owner (masked on paper), its terminal and who serves it, on either sheet. */
const sheetVehicle = {
  plate: Nullable(Type.String()),
  plateColor: Nullable(Type.Integer()),
  vin: Nullable(Type.String()),
  vehicleType: Nullable(Type.String()),
  ownerName: Nullable(Type.String()),
  ownerPhone: Nullable(Type.String()),
  enterprise: Nullable(Type.String()),
  centerName: Nullable(Type.String()),
  servicePoint: Nullable(Type.String()),
  servicePointPhone: Nullable(Type.String()),
  servicePointAddress: Nullable(Type.String()),
  maker: Nullable(Type.String()),
  model: Nullable(Type.String()),
  /** The terminal's own id (its serial). */
  serial: Nullable(Type.String()),
  /** The terminal's SIM, masked as on the detail view. */
  phone: Nullable(Type.String()),
  printedAt: Timestamp,
  printedBy: Type.String(),
};

/** The work order (派工单) the service point takes on site. */
export const WorkOrderSheet = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  state: Type.String(),
  reason: Type.String(),
  category: Nullable(Type.String()),
  severity: Nullable(Type.Integer()),
  openedAt: Timestamp,
  responseDue: Timestamp,
  onsiteDue: Timestamp,
  appointmentAt: Nullable(Timestamp),
  installer: Nullable(Type.String()),
  installerName: Nullable(Type.String()),
  /** What the caller said, from the desk's first call on the ticket. */
  description: Nullable(Type.String()),
  ...sheetVehicle,
});
export type WorkOrderSheet = Static<typeof WorkOrderSheet>;

/** The installation acceptance sheet (安装验收单). */
export const AcceptanceSheet = Type.Object({
  id: Type.String(),
  plannedOn: Nullable(Day),
  doneAt: Nullable(Timestamp),
  acceptedAt: Nullable(Timestamp),
  acceptedBy: Nullable(Type.String()),
  ownerSignedAt: Nullable(Timestamp),
  installer: Nullable(Type.String()),
  installerName: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  warrantyUntil: Nullable(Day),
  registeredAt: Nullable(Timestamp),
  connectedAt: Nullable(Timestamp),
  lastFixTime: Nullable(Timestamp),
  ...sheetVehicle,
});
export type AcceptanceSheet = Static<typeof AcceptanceSheet>;
