import { type Static, type TSchema, Type } from 'typebox';
import { EXCLUSIONS } from './after-sales-lists.js';
import { Nullable, OneOf, Timestamp } from './shared.js';
import { ClockName, TICKET_CATEGORIES } from './tickets.js';

/**
 * The service desk's routes (docs/after-sales.md): calls and their tickets' clocks, the warranty
 * rule, the customer archive, callbacks, complaints and the service reports. Fields are camelCase
 * (docs/api.md, "Field casing"), whatever the columns behind them are called; bigint ids are
 * strings; local dates are `YYYY-MM-DD`.
 */

const DAY_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
const MONTH_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])$';
/** A local (Asia/Shanghai) date, `YYYY-MM-DD`. */
export const LocalDay = Type.String({ pattern: DAY_PATTERN });
/** A month, `YYYY-MM`. */
export const Month = Type.String({ pattern: MONTH_PATTERN });
/** A query property's schema with the value it takes when the query leaves it out. */
function withDefault<T extends TSchema>(schema: T, value: Static<T>) {
  return Type.Optional(Type.Unsafe<Static<T>>({ ...schema, default: value }));
}
/** The `format` of a list that exports (docs/api.md, "Exports"). */
export const ExportFormatProperty = withDefault(OneOf(['json', 'csv', 'xlsx'] as const), 'json');

/** A period of local days, `from` and `to` inclusive (figures, reports, settlements). */
export const DayPeriodQuery = Type.Object({ from: LocalDay, to: LocalDay }, { additionalProperties: false });

const Category = OneOf(TICKET_CATEGORIES);

// ---- the desk: calls, answers, clocks (routes/desk.ts) ----

/** POST /api/desk/calls. */
export const CallBody = Type.Object(
  {
    receivedAt: Type.Optional(Timestamp),
    callerName: Type.Optional(Type.String({ maxLength: 64 })),
    callerPhone: Type.String({ minLength: 3, maxLength: 32 }),
    vehicle: Type.Object(
      {
        id: Type.Optional(Type.Integer({ minimum: 1 })),
        plate: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
        terminal: Type.Optional(Type.String({ pattern: '^[0-9]{1,20}$' })),
        ownerPhone: Type.Optional(Type.String({ minLength: 3, maxLength: 32 })),
      },
      { additionalProperties: false },
    ),
    description: Type.String({ minLength: 1, maxLength: 2000 }),
    category: Category,
    severity: Type.Unsafe<1 | 2 | 3>({ type: 'integer', enum: [1, 2, 3] }),
    answeredOnCall: Type.Optional(Type.Boolean()),
    needsVisit: Type.Optional(Type.Boolean()),
    /** A call (default) or an enquiry left on the web: the weekly report counts them apart. */
    channel: Type.Optional(OneOf(['phone', 'web'] as const)),
  },
  { additionalProperties: false },
);
export type CallBody = Static<typeof CallBody>;

/** A clock as an action left it. */
export const ClockState = Type.Object({ clock: ClockName, dueAt: Timestamp, metAt: Nullable(Timestamp) });
export type ClockState = Static<typeof ClockState>;

/** POST /api/desk/calls: 201 with a new ticket, 200 when the call joined the terminal's open one. */
export const IntakeResult = Type.Object({
  callId: Type.String(),
  ticketId: Type.String(),
  attached: Type.Boolean(),
  state: Type.String(),
  clocks: Type.Array(ClockState),
});
export type IntakeResult = Static<typeof IntakeResult>;

export const CallsQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 32 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    format: ExportFormatProperty,
  },
  { additionalProperties: false },
);

/** A call of GET /api/desk/calls (caller, owner and SIM masked). */
export const CallRow = Type.Object({
  id: Type.String(),
  receivedAt: Timestamp,
  callerName: Nullable(Type.String()),
  callerPhone: Type.String(),
  vehicleId: Type.String(),
  plate: Type.String(),
  phone: Nullable(Type.String()),
  description: Type.String(),
  category: Category,
  severity: Type.Integer(),
  channel: OneOf(['phone', 'web'] as const),
  answeredOnCall: Type.Boolean(),
  ticketId: Type.String(),
  attached: Type.Boolean(),
  takenBy: Type.String(),
  ownerName: Nullable(Type.String()),
});
export type CallRow = Static<typeof CallRow>;

/** POST /api/desk/tickets/:id/answer: settled on the call, or to be visited. */
export const AnswerBody = Type.Object(
  { settled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const AnswerResult = Type.Object({ state: Type.String() });

/** POST /api/desk/tickets/:id/clocks. */
export const ClockEventBody = Type.Object(
  {
    clock: OneOf(['first-answer', 'visit', 'inspection-report', 'spare-parts'] as const),
    event: OneOf(['start', 'met'] as const),
    at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

// ---- the warranty rule (GET /api/warranty/:terminal) ----

const Exclusion = OneOf(EXCLUSIONS);

export const WarrantyParams = Type.Object({ terminal: Type.String({ pattern: '^[0-9]{1,20}$' }) });
export const WarrantyQuery = Type.Object(
  {
    today: Type.Optional(LocalDay),
    quality: Type.Optional(Type.Boolean({ default: false })),
    exclusions: Type.Optional(Type.Array(Exclusion, { maxItems: 6 })),
    badlyDamaged: Type.Optional(Type.Boolean()),
    opened: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

// ---- the customer archive (routes/customers.ts) ----

export const CustomersQuery = Type.Object(
  { q: Type.String({ minLength: 1, maxLength: 32 }), format: ExportFormatProperty },
  { additionalProperties: false },
);

/** A customer as the archive lists it: an owner's vehicle with its enterprise and terminal (masked). */
export const CustomerRow = Type.Object({
  id: Type.String(),
  plate: Type.String(),
  centerId: Type.Integer(),
  ownerName: Nullable(Type.String()),
  ownerPhone: Nullable(Type.String()),
  ownerIdNumber: Nullable(Type.String()),
  enterprise: Nullable(Type.String()),
  enterpriseContact: Nullable(Type.String()),
  enterprisePhone: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  maker: Nullable(Type.String()),
  model: Nullable(Type.String()),
  serial: Nullable(Type.String()),
  /** The warranty's last day by the warranty rules, null when the unit's dates cannot tell it. */
  warrantyUntil: Nullable(Type.String()),
});
export type CustomerRow = Static<typeof CustomerRow>;

export const CustomerQuery = Type.Object(
  { full: Type.Optional(Type.Boolean({ default: false })) },
  { additionalProperties: false },
);

export const CustomerVehicle = Type.Object({
  id: Type.String(),
  plate: Type.String(),
  maker: Nullable(Type.String()),
  model: Nullable(Type.String()),
  serial: Nullable(Type.String()),
  /** The terminal's SIM number (masked unless the view is in full). */
  phone: Nullable(Type.String()),
});
export type CustomerVehicle = Static<typeof CustomerVehicle>;

export const CONTRACT_KINDS = ['installation', 'service', 'data-service'] as const;
export type ContractKind = (typeof CONTRACT_KINDS)[number];

/** An owner's (or their enterprise's) contract (after-sales/contract-store.ts). */
export const OwnerContract = Type.Object({
  id: Type.String(),
  number: Type.String(),
  kind: OneOf(CONTRACT_KINDS),
  party: OneOf(['enterprise', 'owner'] as const),
  signedOn: Type.String(),
  startsOn: Type.String(),
  endsOn: Type.String(),
  vehiclesCovered: Type.Integer(),
  feePerVehicleFen: Type.Integer(),
  totalFen: Type.Number(),
  status: OneOf(['pending', 'active', 'expired'] as const),
  note: Nullable(Type.String()),
  createdBy: Type.String(),
});
export type OwnerContract = Static<typeof OwnerContract>;

export const TimelineEvent = Type.Object({
  at: Timestamp,
  what: OneOf(['installation', 'ticket', 'exchange', 'call', 'complaint', 'callback', 'contract'] as const),
  ref: Type.String(),
  vehicleId: Nullable(Type.String()),
  summary: Type.String(),
});
export type TimelineEvent = Static<typeof TimelineEvent>;

/** GET /api/customers/:id: the customer, their vehicles, contracts and one timeline. */
export const CustomerArchive = Type.Object({
  ...CustomerRow.properties,
  full: Type.Boolean(),
  vehicles: Type.Array(CustomerVehicle),
  contracts: Type.Array(OwnerContract),
  timeline: Type.Array(TimelineEvent),
});
export type CustomerArchive = Static<typeof CustomerArchive>;

/** GET /api/customers/:id/views: who saw the customer's personal data in full. */
export const PersonalDataView = Type.Object({
  at: Timestamp,
  username: Type.String(),
  fields: Type.Array(Type.String()),
});

// ---- callbacks (routes/callbacks.ts) ----

export const CallbacksDueQuery = Type.Object(
  { day: Type.Optional(LocalDay), format: ExportFormatProperty },
  { additionalProperties: false },
);

/** A callback to make (owner masked). */
export const CallbackTask = Type.Object({
  id: Type.String(),
  kind: OneOf(['ticket', 'monthly', 'complaint'] as const),
  ticketId: Nullable(Type.String()),
  /** A ticket's first or second follow-up call. */
  round: Type.Integer(),
  complaintId: Nullable(Type.String()),
  vehicleId: Type.String(),
  /** A monthly callback's month (its first day, an instant at the server's midnight). */
  month: Nullable(Timestamp),
  centerId: Nullable(Type.Integer()),
  servicePointId: Nullable(Type.Integer()),
  notBefore: Nullable(Timestamp),
  dueAt: Timestamp,
  plate: Type.String(),
  ownerName: Nullable(Type.String()),
  ownerPhone: Nullable(Type.String()),
});
export type CallbackTask = Static<typeof CallbackTask>;

export const CallbackBody = Type.Object(
  {
    satisfaction: Type.Integer({ minimum: 1, maximum: 5 }),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    comment: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export const CallbackResult = Type.Object({ escalated: Type.Boolean() });

export const MonthlyCallbacksBody = Type.Object({ month: Month }, { additionalProperties: false });
export const MonthlyCallbacksResult = Type.Object({ scheduled: Type.Integer() });

/** Callback rate and satisfaction of a center or a service point, against target. */
export const CallbackFigures = Type.Object({
  level: OneOf(['center', 'service-point'] as const),
  id: Nullable(Type.Integer()),
  due: Type.Integer(),
  done: Type.Integer(),
  callbackRate: Nullable(Type.Number()),
  answered: Type.Integer(),
  satisfied: Type.Integer(),
  satisfactionRate: Nullable(Type.Number()),
  meanSatisfaction: Nullable(Type.Number()),
  escalations: Type.Integer(),
  callbackRateTarget: Type.Number(),
  satisfactionTarget: Type.Number(),
});
export type CallbackFigures = Static<typeof CallbackFigures>;

// ---- complaints (routes/complaints.ts) ----

export const ComplaintsQuery = Type.Object(
  {
    open: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    format: ExportFormatProperty,
  },
  { additionalProperties: false },
);

/** A complaint: every column of `complaints` (SIM masked), whether it was (or is) answered late. */
export const Complaint = Type.Object({
  id: Type.String(),
  source: OneOf(['desk', 'repeat-fault', 'multiple-faults'] as const),
  ruleKey: Nullable(Type.String()),
  ticketId: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  vehicleId: Nullable(Type.String()),
  centerId: Nullable(Type.Integer()),
  servicePointId: Nullable(Type.Integer()),
  installer: Nullable(Type.String()),
  description: Type.String(),
  complex: Type.Boolean(),
  openedAt: Timestamp,
  dueAt: Timestamp,
  handler: Nullable(Type.String()),
  answeredAt: Nullable(Timestamp),
  finding: Nullable(Type.String()),
  measures: Nullable(Type.String()),
  chargedServicePointId: Nullable(Type.Integer()),
  chargedInstaller: Nullable(Type.String()),
  createdBy: Type.String(),
  /** The improvement measures' owner and deadline (a local date), and when they were reported done. */
  measuresOwner: Nullable(Type.String()),
  measuresDue: Nullable(Type.String()),
  measuresDoneAt: Nullable(Timestamp),
  measuresDoneBy: Nullable(Type.String()),
  measuresReport: Nullable(Type.String()),
  late: Type.Boolean(),
});
export type Complaint = Static<typeof Complaint>;

export const NewComplaintBody = Type.Object(
  {
    description: Type.String({ minLength: 1, maxLength: 2000 }),
    complex: Type.Optional(Type.Boolean()),
    ticketId: Type.Optional(Type.Integer({ minimum: 1 })),
    vehicleId: Type.Optional(Type.Integer({ minimum: 1 })),
    handler: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type NewComplaintBody = Static<typeof NewComplaintBody>;
export const NewComplaintResult = Type.Object({ id: Type.String(), dueAt: Timestamp });
export type NewComplaintResult = Static<typeof NewComplaintResult>;

/** POST /api/complaints/:id/answer. */
export const FindingBody = Type.Object(
  {
    finding: OneOf(['upheld', 'not-upheld'] as const),
    measures: Type.String({ minLength: 1, maxLength: 2000 }),
    handler: Type.Optional(Type.String({ maxLength: 64 })),
    chargedServicePointId: Type.Optional(Type.Integer({ minimum: 1 })),
    chargedInstaller: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** Required when upheld: who sees the measures through, by when. */
    measuresOwner: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    measuresDue: Type.Optional(LocalDay),
  },
  { additionalProperties: false },
);
export type FindingBody = Static<typeof FindingBody>;
export const FindingResult = Type.Object({ answeredAt: Timestamp, late: Type.Boolean() });
export type FindingResult = Static<typeof FindingResult>;

export const MeasuresDoneBody = Type.Object(
  { report: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);
export const MeasuresDoneResult = Type.Object({ measuresDoneAt: Timestamp, late: Type.Boolean() });
export type MeasuresDoneResult = Static<typeof MeasuresDoneResult>;

export const ComplaintReviewBody = Type.Object(
  { days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })) },
  { additionalProperties: false },
);
export const ComplaintReviewResult = Type.Object({ raised: Type.Integer() });

// ---- the service reports (routes/service-report.ts, periodic-reports.ts) ----

/** A center's id, or the whole province's row. */
const CenterOrProvince = Type.Union([Type.Integer(), Type.Literal('province')]);

export const ServiceReportQuery = Type.Object(
  {
    month: Month,
    format: ExportFormatProperty,
    part: withDefault(OneOf(['summary', 'faults'] as const), 'summary'),
  },
  { additionalProperties: false },
);

/** A center's (or the province's) figures of a period (after-sales/report-store.ts). */
export const CenterReport = Type.Object({
  center: CenterOrProvince,
  tickets: Type.Integer(),
  breached: Type.Integer(),
  slaCompliance: Nullable(Type.Number()),
  clocksDue: Type.Integer(),
  clocksMet: Type.Integer(),
  meanHoursToRespond: Nullable(Type.Number()),
  meanHoursToRepair: Nullable(Type.Number()),
  meanHoursToVerify: Nullable(Type.Number()),
  complaints: Type.Integer(),
  upheldComplaints: Type.Integer(),
  complaintsAnsweredLate: Type.Integer(),
  callbacksDue: Type.Integer(),
  callbacksDone: Type.Integer(),
  callbackRate: Nullable(Type.Number()),
  satisfactionRate: Nullable(Type.Number()),
  installationsAccepted: Type.Integer(),
  installationsContracted: Type.Integer(),
  /** The missed clocks (platform missed-clocks.ts), as the league and the periodic reports count them. */
  lateArrivals: Type.Integer(),
  latePatrolReports: Type.Integer(),
  quoteBreaches: Type.Integer(),
  rmaBreaches: Type.Integer(),
});
export type CenterReport = Static<typeof CenterReport>;

export const FaultCount = Type.Object({
  center: CenterOrProvince,
  maker: Type.String(),
  model: Type.String(),
  /** The fault-cause code (else the note or the reason opened for). */
  cause: Type.String(),
  /** The catalogue's names of the code; null for a cause that is not a code. */
  causeZh: Nullable(Type.String()),
  causeEn: Nullable(Type.String()),
  repairs: Type.Integer(),
});
export type FaultCount = Static<typeof FaultCount>;

/** The settings the rates are held to, for the charts. */
const ReportTargets = Type.Object({ callbackRate: Type.Number(), satisfactionRate: Type.Number() });

/** GET /api/reports/service. */
export const ServiceReport = Type.Object({
  month: Type.String(),
  centers: Type.Array(CenterReport),
  faults: Type.Array(FaultCount),
  targets: ReportTargets,
});
export type ServiceReport = Static<typeof ServiceReport>;

export const LeagueQuery = Type.Object(
  { from: LocalDay, to: LocalDay, format: ExportFormatProperty },
  { additionalProperties: false },
);

/** A service point's place in GET /api/service-points/league. */
export const LeagueRow = Type.Object({
  rank: Type.Integer(),
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  centerId: Type.Integer(),
  handled: Type.Integer(),
  slaBreaches: Type.Integer(),
  repeatFaults: Type.Integer(),
  complaints: Type.Integer(),
  upheldComplaints: Type.Integer(),
  satisfactionRate: Nullable(Type.Number()),
  lateArrivals: Type.Integer(),
  latePatrolReports: Type.Integer(),
  quoteBreaches: Type.Integer(),
  rmaBreaches: Type.Integer(),
  missedClocks: Type.Integer(),
});
export type LeagueRow = Static<typeof LeagueRow>;

export const PeriodicReportQuery = Type.Object(
  {
    /** `2026`, `2026-Q1`, `2026-05`, `2026-W05`. */
    period: Type.String({ pattern: '^\\d{4}(-W\\d{2}|-(0[1-9]|1[0-2])|-Q[1-4])?$' }),
    format: ExportFormatProperty,
    part: withDefault(OneOf(['desk', 'summary', 'faults', 'recurring'] as const), 'desk'),
  },
  { additionalProperties: false },
);

/** The desk's figures of a center (or the province) in a period. */
export const DeskFigures = Type.Object({
  center: CenterOrProvince,
  /** The center's name (null for the province). */
  name: Nullable(Type.String()),
  calls: Type.Integer(),
  webEnquiries: Type.Integer(),
  answeredOnContact: Type.Integer(),
  demands: Type.Integer(),
  repairs: Type.Integer(),
  installs: Type.Integer(),
  services: Type.Integer(),
  breached: Type.Integer(),
  closed: Type.Integer(),
  openAtEnd: Type.Integer(),
  lateArrivals: Type.Integer(),
  latePatrolReports: Type.Integer(),
  quoteBreaches: Type.Integer(),
  rmaBreaches: Type.Integer(),
});
export type DeskFigures = Static<typeof DeskFigures>;

/** A problem that recurs: rising against the periods before, or repeated on one vehicle. */
export const RecurringWarning = Type.Object({
  center: CenterOrProvince,
  rule: OneOf(['rising', 'same-vehicle'] as const),
  maker: Type.String(),
  model: Type.String(),
  cause: Type.String(),
  repairs: Type.Integer(),
  baseline: Nullable(Type.Number()),
  plate: Nullable(Type.String()),
});
export type RecurringWarning = Static<typeof RecurringWarning>;

/** The settings a recurring problem is judged by. */
export const RecurringThresholds = Type.Object({
  recurringMinRepairs: Type.Number(),
  recurringMarginPercent: Type.Number(),
  recurringBaselinePeriods: Type.Number(),
  recurringSameVehicle: Type.Number(),
});
export type RecurringThresholds = Static<typeof RecurringThresholds>;

/** GET /api/reports/periodic: the desk's figures; all but the weekly report add the rest. */
export const PeriodicReport = Type.Object({
  period: Type.Object({
    kind: OneOf(['week', 'month', 'quarter', 'year'] as const),
    name: Type.String(),
    from: Type.String(),
    to: Type.String(),
  }),
  desk: Type.Array(DeskFigures),
  centers: Type.Optional(Type.Array(CenterReport)),
  faults: Type.Optional(Type.Array(FaultCount)),
  targets: Type.Optional(ReportTargets),
  recurring: Type.Optional(Type.Array(RecurringWarning)),
  /** The thresholds the warning was judged by (settings), so a reader knows what "recurs" meant. */
  recurringThresholds: Type.Optional(RecurringThresholds),
});
export type PeriodicReport = Static<typeof PeriodicReport>;
