import { type Static, Type } from 'typebox';
import { CONTRACT_KINDS, DayPeriodQuery, ExportFormatProperty, LocalDay, OwnerContract } from './desk.js';
import { ErrorAnswer, Nullable, NullableChoice, OneOf, ref, Timestamp } from './shared.js';

/**
 * The roster's after-sales side (docs/after-sales.md): the installer register, the installers'
 * accounts and contracts, the installer's checklist, install progress, a vehicle's owner and a
 * terminal's shipment, their change history, customers' contracts and installers' settlements.
 * Every field is camelCase, both ways (docs/api.md, "Field casing").
 */

const exportFormat = Type.Optional(ExportFormatProperty);

// ---- The installer register (routes/installers.ts) ----

/** An installer by their code in the register. */
export const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });
export type CodeParams = Static<typeof CodeParams>;

const installerFields = {
  name: Type.String({ minLength: 1, maxLength: 64 }),
  phone: Nullable(Type.String({ maxLength: 32 })),
  certificate: Nullable(Type.String({ maxLength: 64 })),
  servicePointId: Type.Integer({ minimum: 1 }),
  active: Type.Boolean(),
};

/** POST /api/installers: code, name and service point; phone, certificate and `active` may be left out. */
export const NewInstaller = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 64 }),
    name: installerFields.name,
    servicePointId: installerFields.servicePointId,
    phone: Type.Optional(installerFields.phone),
    certificate: Type.Optional(installerFields.certificate),
    active: Type.Optional(installerFields.active),
  },
  { additionalProperties: false },
);
export type NewInstaller = Static<typeof NewInstaller>;

/** PUT /api/installers/:code: replaced whole, like a vehicle's owner (nothing of a former entry lingers). */
export const InstallerInput = Type.Object(installerFields, { additionalProperties: false });
export type InstallerInput = Static<typeof InstallerInput>;

/** An installer's register entry as stored (POST and PUT answer it); the phone masked. */
export const InstallerEntry = Type.Object({
  code: Type.String(),
  name: Type.String(),
  phone: Nullable(Type.String()),
  certificate: Nullable(Type.String()),
  servicePointId: Type.Integer(),
  active: Type.Boolean(),
});
export type InstallerEntry = Static<typeof InstallerEntry>;

/** GET /api/installers: an entry with its service point's name and sign-in account's username. */
export const Installer = Type.Object({
  ...InstallerEntry.properties,
  servicePoint: Type.String(),
  account: Nullable(Type.String()),
});
export type Installer = Static<typeof Installer>;
export const Installers = Type.Array(Installer);

/** PUT /api/installer-contracts/:code. */
export const InstallerContractInput = Type.Object(
  {
    feeFen: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
    minPerDay: Nullable(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
export type InstallerContractInput = Static<typeof InstallerContractInput>;

/** An installer's contract as set (PUT answers it). */
export const InstallerContractEntry = Type.Object({
  installer: Type.String(),
  name: Type.String(),
  servicePointId: Type.Integer(),
  feeFen: Type.Integer(),
  minPerDay: Nullable(Type.Integer()),
});
export type InstallerContractEntry = Static<typeof InstallerContractEntry>;

/** GET /api/installer-contracts: a contract with its service point's name. */
export const InstallerContract = Type.Object({
  ...InstallerContractEntry.properties,
  servicePoint: Type.String(),
});
export type InstallerContract = Static<typeof InstallerContract>;
export const InstallerContracts = Type.Array(InstallerContract);

/**
 * POST /api/installer-contracts/import: what the roster import did with the file (200), or why it
 * loaded nothing (400, with `error`).
 */
export const ImportReport = Type.Object({
  encoding: Nullable(OneOf(['utf-8', 'gbk'] as const)),
  read: Type.Integer(),
  loaded: Type.Integer(),
  rejected: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() })),
  ignoredColumns: Type.Array(Type.String()),
  error: Type.Optional(Type.String()),
});
export type ImportReport = Static<typeof ImportReport>;

/** The import's 400: the report of a file that loaded nothing, or a body that could not be read. */
export const ImportRefusal = Type.Union([ImportReport, ref(ErrorAnswer)]);

// ---- Installers' accounts (routes/installer-accounts.ts) ----

/** A typed password: at least 8 characters (a generated one has 14). */
const Password = Type.String({ minLength: 8, maxLength: 256 });

/** POST /api/installers/:code/account: no password, and the platform generates one. */
export const NewInstallerAccount = Type.Object(
  {
    // Letters, digits and . _ @ -, as typed on a phone's keyboard.
    username: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$' }),
    password: Type.Optional(Password),
  },
  { additionalProperties: false },
);
export type NewInstallerAccount = Static<typeof NewInstallerAccount>;

/** POST /api/installers/:code/account/password. */
export const InstallerPasswordReset = Type.Object(
  { password: Type.Optional(Password) },
  { additionalProperties: false },
);
export type InstallerPasswordReset = Static<typeof InstallerPasswordReset>;

/** An installer's account as made or reset; `generated` is the one-time password, answered once. */
export const InstallerAccount = Type.Object({
  installer: Type.String(),
  username: Type.String(),
  generated: Type.Optional(Type.String()),
});
export type InstallerAccount = Static<typeof InstallerAccount>;

// ---- The installer's checklist (routes/installer.ts) ----

/** A vehicle by its plate or its terminal's number. */
export const ChecklistParams = Type.Object({ key: Type.String({ minLength: 1, maxLength: 32 }) });
export type ChecklistParams = Static<typeof ChecklistParams>;

export const INSTALLER_CHECKS = [
  'connected',
  'registered',
  'authenticated',
  'gnss-fix',
  'satellites',
  'signal',
  'no-alarms',
] as const;

/** One check; `detail` is what it looked at (a time, a count, the alarms raised). */
export const InstallerCheck = Type.Object({
  name: OneOf(INSTALLER_CHECKS),
  ok: Type.Boolean(),
  detail: Type.Optional(Type.Unknown()),
});
export type InstallerCheck = Static<typeof InstallerCheck>;
const checks = Type.Array(InstallerCheck);

/** GET /api/installer/:key: the live checklist of a vehicle just fitted; the SIM masked by role. */
export const InstallerChecklist = Type.Object({
  vehicleId: Type.String(),
  plate: Type.String(),
  phone: Nullable(Type.String()),
  checks,
  allGreen: Type.Boolean(),
});
export type InstallerChecklist = Static<typeof InstallerChecklist>;

/** POST /api/installer/:key/accept: the checklist the acceptance was made on. */
export const InstallationAccepted = Type.Object({
  accepted: Type.Literal(true),
  ...InstallerChecklist.properties,
});
export type InstallationAccepted = Static<typeof InstallationAccepted>;

/** POST /api/installer/:key/accept, 409: not every check is green, and which. */
export const ChecksNotGreen = Type.Object({ error: Type.String(), checks });
export type ChecksNotGreen = Static<typeof ChecksNotGreen>;

// ---- Install progress (routes/install-progress.ts) ----

export const InstallProgressQuery = Type.Object(
  { day: Type.Optional(LocalDay), format: exportFormat },
  { additionalProperties: false },
);
export type InstallProgressQuery = Static<typeof InstallProgressQuery>;

/** A center's progress against its plan (or the province's); the plan's figures null without one. */
export const InstallProgress = Type.Object({
  center: Type.Union([Type.Integer(), Type.Literal('province')]),
  target: Nullable(Type.Integer()),
  startsOn: Nullable(Type.String()),
  dueOn: Nullable(Type.String()),
  installed: Type.Integer(),
  checkedIn: Type.Integer(),
  accepted: Type.Integer(),
  expected: Nullable(Type.Integer()),
  behind: Nullable(Type.Integer()),
  remaining: Nullable(Type.Integer()),
  rate: Nullable(Type.Number()),
  workingDaysLeft: Nullable(Type.Integer()),
  neededPerDay: Nullable(Type.Integer()),
  overdue: Type.Boolean(),
});
export type InstallProgress = Static<typeof InstallProgress>;

/** GET /api/install-progress (format json). */
export const InstallProgressReport = Type.Object({
  day: Type.String(),
  centers: Type.Array(InstallProgress),
});
export type InstallProgressReport = Static<typeof InstallProgressReport>;

/** PUT /api/install-plans/:id (the center's id). */
export const InstallPlanInput = Type.Object(
  { target: Type.Integer({ minimum: 1, maximum: 10_000_000 }), startsOn: LocalDay, dueOn: LocalDay },
  { additionalProperties: false },
);
export type InstallPlanInput = Static<typeof InstallPlanInput>;

export const InstallPlan = Type.Object({
  center: Type.Integer(),
  target: Type.Integer(),
  startsOn: Type.String(),
  dueOn: Type.String(),
});
export type InstallPlan = Static<typeof InstallPlan>;

// ---- A vehicle's owner, a terminal's shipment (routes/roster-records.ts) ----

/** PUT /api/vehicles/:id/owner: replaced whole, so a field left out keeps no former owner's value. */
export const OwnerInput = Type.Object(
  {
    name: Nullable(Type.String({ maxLength: 64 })),
    phone: Nullable(Type.String({ maxLength: 32 })),
    idNumber: Nullable(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type OwnerInput = Static<typeof OwnerInput>;

/** The owner as stored, masked. */
export const Owner = Type.Object({
  id: Type.String(),
  name: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  idNumber: Nullable(Type.String()),
});
export type Owner = Static<typeof Owner>;

/** A terminal by its SIM number. */
export const TerminalParams = Type.Object({ phone: Type.String({ minLength: 1, maxLength: 24 }) });
export type TerminalParams = Static<typeof TerminalParams>;

const SHIP_MODES = ['express', 'freight'] as const;

/** PUT /api/terminals/:phone/shipment: both, or neither to clear it. */
export const ShipmentInput = Type.Object(
  {
    shippedOn: Nullable(LocalDay),
    shipMode: NullableChoice(SHIP_MODES),
  },
  { additionalProperties: false },
);
export type ShipmentInput = Static<typeof ShipmentInput>;

/** The shipment as stored, with the terminal's number (masked by role). */
export const Shipment = Type.Object({
  phone: Type.String(),
  shippedOn: Nullable(Type.String()),
  shipMode: Nullable(OneOf(SHIP_MODES)),
});
export type Shipment = Static<typeof Shipment>;

// ---- Change history (routes/roster-history.ts) ----

export const HISTORY_SUBJECTS = ['vehicle', 'terminal', 'installer', 'installer-contract'] as const;
export type HistorySubject = (typeof HISTORY_SUBJECTS)[number];

/** One change of a roster fact, personal data masked; `field` is the stored column, null is empty. */
export const HistoryEntry = Type.Object({
  at: Timestamp,
  subject: OneOf(HISTORY_SUBJECTS),
  field: Type.String(),
  old: Nullable(Type.String()),
  new: Nullable(Type.String()),
  actor: Type.String(),
  source: OneOf(['console', 'api', 'import', 'database'] as const),
});
export type HistoryEntry = Static<typeof HistoryEntry>;

/** GET /api/vehicles/:id/history, /api/terminals/:phone/history, /api/installers/:code/history. */
export const History = Type.Object({ items: Type.Array(HistoryEntry) });
export type History = Static<typeof History>;

// ---- Customers' contracts (routes/contracts.ts) ----

const party = OneOf(['enterprise', 'owner'] as const);

/** POST /api/customers/:id/contracts: with the vehicle's enterprise, or its private owner. */
export const ContractInput = Type.Object(
  {
    number: Type.String({ minLength: 1, maxLength: 64 }),
    kind: OneOf(CONTRACT_KINDS),
    party,
    signedOn: LocalDay,
    startsOn: LocalDay,
    endsOn: LocalDay,
    vehiclesCovered: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    feePerVehicleFen: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type ContractInput = Static<typeof ContractInput>;

/** GET /api/customers/:id/contracts: as in the customer's archive (desk.ts), newest signature first. */
export const OwnerContracts = Type.Array(OwnerContract);

// ---- Installers' settlements (routes/settlements.ts) ----

export const SettlementQuery = Type.Object(
  {
    ...DayPeriodQuery.properties,
    installer: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    format: exportFormat,
  },
  { additionalProperties: false },
);
export type SettlementQuery = Static<typeof SettlementQuery>;

/** A deduction for a day of delay (the installations late that day) or an upheld complaint. */
export const Deduction = Type.Union([
  Type.Object({
    kind: Type.Literal('delay'),
    day: Type.String(),
    installations: Type.Array(Type.String()),
    rate: Type.Number(),
    amountFen: Type.Integer(),
  }),
  Type.Object({
    kind: Type.Literal('complaint'),
    complaintId: Type.String(),
    day: Type.String(),
    rate: Type.Number(),
    amountFen: Type.Integer(),
  }),
]);
export type Deduction = Static<typeof Deduction>;

/** An installer's settlement for the period, money in fen. */
export const Settlement = Type.Object({
  installer: Type.String(),
  from: Type.String(),
  to: Type.String(),
  feeFen: Type.Integer(),
  accepted: Type.Integer(),
  /** Accepted by the platform but not counted, and why. */
  notCounted: Type.Array(Type.Object({ id: Type.String(), why: Type.String() })),
  grossFen: Type.Integer(),
  deductions: Type.Array(Deduction),
  deductionsFen: Type.Integer(),
  /** The deductions came to more than the gross: the net is 0, not negative. */
  capped: Type.Boolean(),
  netFen: Type.Integer(),
  minPerDay: Type.Integer(),
  workingDays: Type.Integer(),
  contracted: Type.Integer(),
  perWorkingDay: Type.Number(),
});
export type Settlement = Static<typeof Settlement>;
export const Settlements = Type.Array(Settlement);

/** POST /api/installations/:id/owner-signoff. */
export const OwnerSignoff = Type.Object({
  id: Type.String(),
  ownerSignedAt: Timestamp,
  acceptedAt: Nullable(Timestamp),
});
export type OwnerSignoff = Static<typeof OwnerSignoff>;
