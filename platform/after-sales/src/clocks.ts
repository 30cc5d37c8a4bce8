import type { WorkingCalendar } from './calendar.js';
import type { AfterSalesSettings } from './settings.js';

/**
 * The clocks the desk is held to and their deadlines, computed with the working-day calendar. Pure.
 */
export type ClockName = 'first-answer' | 'visit' | 'inspection-report' | 'spare-parts' | ReturnClockName;

/** The clocks of a unit sent back (rma.ts): started by its arrival or by an advance replacement. */
export type ReturnClockName = 'quote' | 'exchange-ship' | 'repair-ship' | 'faulty-return';

export interface Clock {
  clock: ClockName;
  dueAt: Date;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** When one clock started at `from` is due (the visit clock is the ticket's on-site deadline instead). */
export function clockDue(
  clock: Exclude<ClockName, 'visit'>,
  from: Date,
  severity: 1 | 2 | 3,
  calendar: WorkingCalendar,
  settings: AfterSalesSettings,
): Date {
  switch (clock) {
    case 'first-answer':
      return new Date(
        from.getTime() +
          (severity <= 2 ? settings.firstAnswerMinutesAB : settings.firstAnswerMinutes) * MINUTE_MS,
      );
    case 'inspection-report':
      return calendar.addWorkingDays(from, settings.inspectionReportWorkingDays);
    case 'spare-parts':
      return new Date(from.getTime() + settings.sparePartsHoursSeverity1 * HOUR_MS);
    case 'quote':
      return calendar.addWorkingDays(from, settings.quoteWorkingDays);
    case 'exchange-ship':
      return calendar.addWorkingDays(from, settings.exchangeShipWorkingDays);
    case 'repair-ship':
      return new Date(from.getTime() + settings.repairShipDays * DAY_MS);
    case 'faulty-return':
      return new Date(from.getTime() + settings.faultyReturnDays * DAY_MS);
  }
}

/**
 * The clocks a report starts: always the first answer; a visit when one is needed, due at the
 * ticket's on-site deadline (`onsiteDue`: the same SLA as the platform's tickets, so arriving meets
 * both); spare parts to site when it is a severity-1 hardware fault that needs a visit (the
 * standard's 4 h is for those). The inspection report starts later, when a unit is received.
 */
export function intakeClocks(
  receivedAt: Date,
  report: { severity: 1 | 2 | 3; category: string; needsVisit: boolean },
  onsiteDue: Date,
  calendar: WorkingCalendar,
  settings: AfterSalesSettings,
): Clock[] {
  const clocks: Clock[] = [
    {
      clock: 'first-answer',
      dueAt: clockDue('first-answer', receivedAt, report.severity, calendar, settings),
    },
  ];
  if (report.needsVisit) clocks.push({ clock: 'visit', dueAt: onsiteDue });
  if (report.needsVisit && report.severity === 1 && report.category === 'hardware') {
    clocks.push({
      clock: 'spare-parts',
      dueAt: clockDue('spare-parts', receivedAt, report.severity, calendar, settings),
    });
  }
  return clocks;
}

/** A complaint is answered within 24 h, a complex one within 3 working days (settings). */
export function complaintDue(
  openedAt: Date,
  complex: boolean,
  calendar: WorkingCalendar,
  settings: AfterSalesSettings,
): Date {
  return complex
    ? calendar.addWorkingDays(openedAt, settings.complexComplaintWorkingDays)
    : new Date(openedAt.getTime() + settings.complaintAnswerHours * HOUR_MS);
}
