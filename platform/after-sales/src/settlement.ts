import { addDays, daysBetween } from './calendar.js';
import { type Cell, type Table, yuan } from './csv.js';

/**
 * An installer's settlement for a period under their contract: accepted installations × fee, less
 * a share of that total for each day of delay past the agreed dates and for each upheld complaint
 * charged to them, every deduction itemised. Money is integer fen throughout. Pure.
 */
export interface SettlementInput {
  installer: string;
  /** Local dates, both included. */
  from: string;
  to: string;
  feeFen: number;
  minPerDay: number;
  /** Working days in the period (from the calendar). */
  workingDays: number;
  delayRate: number;
  complaintRate: number;
  /** The installer's installations accepted in the period. */
  installations: {
    id: string;
    /** The agreed date. */
    plannedOn: string | null;
    /** Local date of the platform's verified check-in (acceptance). */
    acceptedOn: string;
    ownerSigned: boolean;
  }[];
  /** Upheld complaints charged to the installer, answered in the period. */
  upheldComplaints: { id: string; answeredOn: string }[];
}

export type Deduction =
  | { kind: 'delay'; day: string; installations: string[]; rate: number; amountFen: number }
  | { kind: 'complaint'; complaintId: string; day: string; rate: number; amountFen: number };

export interface Settlement {
  installer: string;
  from: string;
  to: string;
  feeFen: number;
  accepted: number;
  /** Accepted by the platform but not counted, and why. */
  notCounted: { id: string; why: string }[];
  grossFen: number;
  deductions: Deduction[];
  deductionsFen: number;
  /** The deductions came to more than the gross: the net is 0, not negative. */
  capped: boolean;
  netFen: number;
  minPerDay: number;
  workingDays: number;
  /** What the contract asks for in the period (minimum per day × working days) against what was done. */
  contracted: number;
  perWorkingDay: number;
}

export class SettlementError extends Error {
  override readonly name = 'SettlementError';
}

/** A share of an amount in fen, rounded half up, in integers (rate to basis points). */
export function share(amountFen: number, rate: number): number {
  const basisPoints = Math.round(rate * 10_000);
  return Math.floor((amountFen * basisPoints + 5_000) / 10_000);
}

export function settle(input: SettlementInput): Settlement {
  if (!Number.isInteger(input.feeFen) || input.feeFen < 0) {
    throw new SettlementError(`the fee is a whole number of fen ≥ 0: ${input.feeFen}`);
  }
  if (daysBetween(input.from, input.to) < 0) {
    throw new SettlementError(`the period ends (${input.to}) before it starts (${input.from})`);
  }
  const counted = input.installations.filter((i) => i.ownerSigned);
  const notCounted = input.installations
    .filter((i) => !i.ownerSigned)
    .map((i) => ({ id: i.id, why: 'no owner sign-off' }));
  const grossFen = counted.length * input.feeFen;

  // A day of delay is a day on which agreed work was overdue; it is deducted once, however many
  // installations were behind on it.
  const lateOn = new Map<string, string[]>();
  for (const installation of counted) {
    if (!installation.plannedOn) continue;
    for (
      let day = addDays(installation.plannedOn, 1);
      daysBetween(day, installation.acceptedOn) >= 0;
      day = addDays(day, 1)
    ) {
      lateOn.set(day, [...(lateOn.get(day) ?? []), installation.id]);
    }
  }
  const deductions: Deduction[] = [...lateOn.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, installations]) => ({
      kind: 'delay' as const,
      day,
      installations,
      rate: input.delayRate,
      amountFen: share(grossFen, input.delayRate),
    }));
  for (const complaint of input.upheldComplaints) {
    deductions.push({
      kind: 'complaint',
      complaintId: complaint.id,
      day: complaint.answeredOn,
      rate: input.complaintRate,
      amountFen: share(grossFen, input.complaintRate),
    });
  }
  const total = deductions.reduce((sum, d) => sum + d.amountFen, 0);
  const deductionsFen = Math.min(total, grossFen);
  return {
    installer: input.installer,
    from: input.from,
    to: input.to,
    feeFen: input.feeFen,
    accepted: counted.length,
    notCounted,
    grossFen,
    deductions,
    deductionsFen,
    capped: total > grossFen,
    netFen: grossFen - deductionsFen,
    minPerDay: input.minPerDay,
    workingDays: input.workingDays,
    contracted: input.minPerDay * input.workingDays,
    perWorkingDay:
      input.workingDays > 0 ? Math.round((counted.length / input.workingDays) * 100) / 100 : counted.length,
  };
}

/**
 * Settlements as a table (CSV or XLSX, api/export.ts) for the installers: a summary line per installer, then its deductions. Holds
 * no personal data (no SIM numbers, owners or contacts): installation and complaint numbers only.
 */
export function settlementsTable(settlements: readonly Settlement[]): Table {
  const header = [
    'installer',
    'line',
    'date',
    'reference',
    'count',
    'rate',
    'amount_fen',
    'amount_yuan',
    'note',
  ];
  const rows: Cell[][] = [];
  for (const s of settlements) {
    const line = (...cells: Cell[]) => rows.push([s.installer, ...cells]);
    line(
      'accepted',
      `${s.from}..${s.to}`,
      '',
      s.accepted,
      '',
      s.grossFen,
      yuan(s.grossFen),
      `fee ${yuan(s.feeFen)}`,
    );
    for (const d of s.deductions) {
      if (d.kind === 'delay') {
        line(
          'delay',
          d.day,
          d.installations.join(' '),
          d.installations.length,
          d.rate,
          -d.amountFen,
          yuan(-d.amountFen),
          '',
        );
      } else {
        line('complaint', d.day, d.complaintId, 1, d.rate, -d.amountFen, yuan(-d.amountFen), '');
      }
    }
    line('net', '', '', '', '', s.netFen, yuan(s.netFen), s.capped ? 'deductions capped at the gross' : '');
    line(
      'output',
      '',
      '',
      s.accepted,
      '',
      '',
      '',
      `contract ${s.contracted} (${s.minPerDay}/working day × ${s.workingDays}), actual ${s.perWorkingDay}/working day`,
    );
  }
  return { header, rows };
}
