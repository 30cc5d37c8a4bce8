import { addDays, addMonths, CalendarError, daysBetween, isDay } from './calendar.js';

/**
 * The periods the service reports cover, named as a manager writes them: `2026-W49` (an ISO week,
 * Monday to Sunday in Asia/Shanghai), `2026-12`, `2026-Q4`, `2026`. Local dates, both ends
 * included. Pure.
 */
export type PeriodKind = 'week' | 'month' | 'quarter' | 'year';

export interface Period {
  kind: PeriodKind;
  /** The name it was asked by, normalised (`2026-W05`, `2026-Q1`). */
  name: string;
  from: string;
  to: string;
}

export const PERIOD_PATTERN = '^\\d{4}(-W\\d{2}|-(0[1-9]|1[0-2])|-Q[1-4])?$';

export function parsePeriod(name: string): Period {
  const week = /^(\d{4})-W(\d{2})$/.exec(name);
  if (week) return isoWeek(Number(week[1]), Number(week[2]));
  const quarter = /^(\d{4})-Q([1-4])$/.exec(name);
  if (quarter)
    return monthsFrom('quarter', name, `${quarter[1]}-${pad((Number(quarter[2]) - 1) * 3 + 1)}-01`, 3);
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(name);
  if (month) return monthsFrom('month', name, `${name}-01`, 1);
  if (/^\d{4}$/.test(name)) return monthsFrom('year', name, `${name}-01-01`, 12);
  throw new CalendarError(`not a period (2026-W49, 2026-12, 2026-Q4 or 2026): ${name}`);
}

/** The `n` periods of the same kind before `period`, oldest first. */
export function previousPeriods(period: Period, n: number): Period[] {
  const out: Period[] = [];
  let current = period;
  for (let i = 0; i < n; i++) {
    current = before(current);
    out.unshift(current);
  }
  return out;
}

/** The ISO week a local date falls in, by name (`2027-01-01` → `2026-W53`). */
export function weekOf(day: string): string {
  // The ISO year is the year of the week's Thursday.
  const weekday = (new Date(Date.parse(`${day}T00:00:00Z`)).getUTCDay() + 6) % 7; // Monday 0
  const thursday = addDays(day, 3 - weekday);
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor(daysBetween(mondayOfWeek1(year), thursday) / 7) + 1;
  return `${year}-W${pad(week)}`;
}

function isoWeek(year: number, week: number): Period {
  const weeks = weekOf(`${year}-12-28`).endsWith('W53') ? 53 : 52; // 28 December is always in the last week
  if (week < 1 || week > weeks) throw new CalendarError(`${year} has weeks 1 to ${weeks}, not ${week}`);
  const from = addDays(mondayOfWeek1(year), (week - 1) * 7);
  return { kind: 'week', name: `${year}-W${pad(week)}`, from, to: addDays(from, 6) };
}

/** The Monday of ISO week 1: the week with 4 January in it. */
function mondayOfWeek1(year: number): string {
  const jan4 = `${year}-01-04`;
  const weekday = (new Date(Date.parse(`${jan4}T00:00:00Z`)).getUTCDay() + 6) % 7;
  return addDays(jan4, -weekday);
}

function monthsFrom(kind: PeriodKind, name: string, from: string, months: number): Period {
  if (!isDay(from)) throw new CalendarError(`not a period: ${name}`);
  return { kind, name, from, to: addDays(addMonths(from, months), -1) };
}

function before(period: Period): Period {
  const dayBefore = addDays(period.from, -1);
  const [year, month] = [dayBefore.slice(0, 4), Number(dayBefore.slice(5, 7))];
  switch (period.kind) {
    case 'week':
      return parsePeriod(weekOf(dayBefore));
    case 'month':
      return parsePeriod(dayBefore.slice(0, 7));
    case 'quarter':
      return parsePeriod(`${year}-Q${Math.ceil(month / 3)}`);
    case 'year':
      return parsePeriod(year);
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
