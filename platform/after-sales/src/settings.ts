/**
 * The after-sales service standard's numbers: the desk's clocks, the warranty terms, the
 * installers' contract rates and the targets. Each is a setting the operator may override
 * (table after_sales_settings); these are the defaults the standard names. Pure. A new setting is
 * also named in the contract's AFTER_SALES_SETTING_NAMES (@jt808/api-contract), the schema
 * GET /api/after-sales/settings answers by: its serializer would drop a name it lacks.
 */
export interface AfterSalesSettings {
  /**
   * First answer to a report of level A or B (severity 1 or 2), minutes (elapsed: the desk is
   * 7×24). The standard: 10 minutes for A and B, 30 for C.
   */
  firstAnswerMinutesAB: number;
  /** First answer to a report of level C (severity 3), minutes. */
  firstAnswerMinutes: number;
  /**
   * A desk question (guidance, consultation) that needs no visit is settled within this many
   * working days. A visit itself is due on site within the center's on-site hours (12 h local:
   * platform/after-sales/src/tickets/onsite-hours.ts), which the standard writes for visits.
   */
  visitWorkingDays: number;
  /** Inspection report on a unit received, working days. */
  inspectionReportWorkingDays: number;
  /** A patrol inspection's report is due this many working days after the inspection. */
  patrolReportWorkingDays: number;
  /** Spare parts on site for severity 1, hours (elapsed). */
  sparePartsHoursSeverity1: number;
  /** A complaint is answered within this many hours (elapsed)... */
  complaintAnswerHours: number;
  /** ...a complex one within this many working days. */
  complexComplaintWorkingDays: number;
  /** A paid repair's cost and time are told within this many working days of receiving the unit. */
  quoteWorkingDays: number;
  /** An out-of-warranty repair is done and shipped within this many days of receiving the unit (calendar days). */
  repairShipDays: number;
  /** An in-warranty quality return is replaced and shipped within this many working days of receipt. */
  exchangeShipWorkingDays: number;
  /** After an advance replacement, the faulty unit is due back within this many days (calendar days). */
  faultyReturnDays: number;
  /** Warranty length, months. */
  warrantyMonths: number;
  /** Days from shipping to the start of warranty, by express and by freight. */
  expressTransitDays: number;
  freightTransitDays: number;
  /** A quality fault within this many months of delivery may be returned. */
  returnWithinMonths: number;
  /** A unit exchanged this many times... */
  exchangesForReturn: number;
  /** ...within this many months may be returned. */
  exchangeWindowMonths: number;
  /**
   * A ticket's follow-up call is made from this many days after the service (its close)...
   * (calendar days: the owner is called, not a working-day office)
   */
  callbackFromDays: number;
  /** ...and is due by this many days after it (the standard: 3 days to 1 week). */
  callbackWithinDays: number;
  /** The second follow-up call comes this many days after the first's window (a week later). */
  secondCallbackDays: number;
  /** Deduction per day of delay past the agreed installation date, share of the gross. */
  delayDeductionRate: number;
  /** Deduction per upheld complaint charged to the installer, share of the gross. */
  complaintDeductionRate: number;
  /** Installations per working day an installer's contract asks for, unless the contract says. */
  minInstallationsPerDay: number;
  /** Targets shown against the actuals. */
  callbackRateTarget: number;
  satisfactionTarget: number;
  /** A vehicle repaired this many times... */
  replaceAfterRepairs: number;
  /** ...within this many months is flagged for replacement (replacement.ts). */
  replaceWindowMonths: number;
  /** A deadline this many minutes away is told to the people it binds (notice-rounds.ts). */
  deadlineNoticeMinutes: number;
  /**
   * The recurring-problem warning (recurring.ts): a problem rises when its repairs in the period
   * reach recurringMinRepairs and exceed the mean of the recurringBaselinePeriods periods before by
   * recurringMarginPercent; one vehicle repaired recurringSameVehicle times for one cause recurs.
   */
  recurringMinRepairs: number;
  recurringMarginPercent: number;
  recurringBaselinePeriods: number;
  recurringSameVehicle: number;
}

export const DEFAULT_AFTER_SALES_SETTINGS: Readonly<AfterSalesSettings> = Object.freeze({
  firstAnswerMinutesAB: 10,
  firstAnswerMinutes: 30,
  visitWorkingDays: 3,
  inspectionReportWorkingDays: 3,
  patrolReportWorkingDays: 3,
  sparePartsHoursSeverity1: 4,
  complaintAnswerHours: 24,
  complexComplaintWorkingDays: 3,
  quoteWorkingDays: 1,
  repairShipDays: 4,
  exchangeShipWorkingDays: 1,
  faultyReturnDays: 3,
  warrantyMonths: 12,
  expressTransitDays: 3,
  freightTransitDays: 5,
  returnWithinMonths: 1,
  exchangesForReturn: 2,
  exchangeWindowMonths: 6,
  callbackFromDays: 3,
  callbackWithinDays: 7,
  secondCallbackDays: 7,
  delayDeductionRate: 0.05,
  complaintDeductionRate: 0.05,
  minInstallationsPerDay: 20,
  callbackRateTarget: 1,
  satisfactionTarget: 0.98,
  replaceAfterRepairs: 3,
  replaceWindowMonths: 12,
  deadlineNoticeMinutes: 30,
  recurringMinRepairs: 3,
  recurringMarginPercent: 50,
  recurringBaselinePeriods: 3,
  recurringSameVehicle: 2,
});

export type SettingName = keyof AfterSalesSettings;

/** Settings that are shares (0–1); every other one is a whole number ≥ 0. */
const SHARES = new Set<SettingName>([
  'delayDeductionRate',
  'complaintDeductionRate',
  'callbackRateTarget',
  'satisfactionTarget',
]);

/**
 * Whole-number settings with bounds of their own: a warning that needs no repair, a baseline of no
 * period (or more than a year of months to read back) or a "repeat" of one repair is meaningless.
 */
const BOUNDS: Partial<Record<SettingName, readonly [number, number]>> = {
  recurringMinRepairs: [1, 1000],
  recurringMarginPercent: [0, 1000],
  recurringBaselinePeriods: [1, 12],
  recurringSameVehicle: [2, 1000],
};

export class SettingError extends Error {
  override readonly name = 'SettingError';
}

export function isSettingName(name: string): name is SettingName {
  return Object.hasOwn(DEFAULT_AFTER_SALES_SETTINGS, name);
}

/** Checks one override; throws a SettingError that says what is wrong. */
export function checkSetting(name: string, value: number): SettingName {
  if (!isSettingName(name)) throw new SettingError(`no setting ${name}`);
  if (SHARES.has(name)) {
    if (!(value >= 0 && value <= 1)) throw new SettingError(`${name} is a share from 0 to 1: ${value}`);
  } else if (!(Number.isInteger(value) && value >= 0)) {
    throw new SettingError(`${name} is a whole number ≥ 0: ${value}`);
  }
  const bounds = BOUNDS[name];
  if (bounds && !(value >= bounds[0] && value <= bounds[1])) {
    throw new SettingError(`${name} is from ${bounds[0]} to ${bounds[1]}: ${value}`);
  }
  return name;
}

/** The defaults with the operator's overrides applied (unknown names are ignored, kept for a newer version). */
export function withOverrides(overrides: Iterable<{ name: string; value: number }>): AfterSalesSettings {
  const settings: AfterSalesSettings = { ...DEFAULT_AFTER_SALES_SETTINGS };
  for (const { name, value } of overrides) if (isSettingName(name)) settings[name] = value;
  return settings;
}
