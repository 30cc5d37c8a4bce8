/**
 * The operator's working-day calendar in Asia/Shanghai: Monday to Friday, less the public holidays,
 * plus the make-up working days (调休) that fall on weekends. Pure.
 *
 * Plain arithmetic on UTC+8: China has kept one offset without daylight saving time since 1991, so
 * a local day is exactly 24 h and no date library is needed (none is installed either).
 */
export type DayKind = 'holiday' | 'workday';

export interface CalendarDay {
  /** YYYY-MM-DD, a local (Asia/Shanghai) date. */
  day: string;
  kind: DayKind;
  name?: string | null;
}

export class CalendarError extends Error {
  override readonly name = 'CalendarError';
}

const OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;
/** No run of non-working days is longer than this; more means a broken calendar, not a long holiday. */
const MAX_DAYS_OFF = 60;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** The local date (YYYY-MM-DD) of an instant. */
export function localDay(at: Date | number): string {
  return new Date(+at + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a local date begins (00:00 in Asia/Shanghai). */
export function startOfDay(day: string): Date {
  return new Date(dayNumber(day) * DAY_MS - OFFSET_MS);
}

/** A local date `n` calendar days later (or earlier). */
export function addDays(day: string, n: number): string {
  return new Date((dayNumber(day) + n) * DAY_MS).toISOString().slice(0, 10);
}

/** A local date `n` months later, clamped to the end of a shorter month (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + n, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

export function isDay(text: string): boolean {
  return DAY_PATTERN.test(text) && localDay(startOfDay(text)) === text;
}

function dayNumber(day: string): number {
  if (!DAY_PATTERN.test(day)) throw new CalendarError(`not a date (YYYY-MM-DD): ${day}`);
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new CalendarError(`not a date: ${day}`);
  return ms / DAY_MS;
}

export class WorkingCalendar {
  private readonly kinds = new Map<string, DayKind>();

  constructor(days: Iterable<CalendarDay> = []) {
    for (const { day, kind } of days) {
      if (!isDay(day)) throw new CalendarError(`not a date (YYYY-MM-DD): ${day}`);
      this.kinds.set(day, kind);
    }
  }

  isWorkingDay(day: string): boolean {
    const kind = this.kinds.get(day);
    if (kind) return kind === 'workday';
    const weekday = new Date(dayNumber(day) * DAY_MS).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /** The first working day on or after `day`. */
  workingDayFrom(day: string): string {
    let current = day;
    for (let i = 0; !this.isWorkingDay(current); i++) {
      if (i >= MAX_DAYS_OFF) throw new CalendarError(`no working day within ${MAX_DAYS_OFF} days of ${day}`);
      current = addDays(current, 1);
    }
    return current;
  }

  /** Working days in [from, to] (local dates, both included). */
  workingDaysIn(from: string, to: string): string[] {
    const out: string[] = [];
    for (let day = from; daysBetween(day, to) >= 0; day = addDays(day, 1)) {
      if (this.isWorkingDay(day)) out.push(day);
    }
    return out;
  }

  /**
   * `n` working days after an instant, at the same local time of day: Friday 15:00 + 3 = Wednesday
   * 15:00 across a weekend. An instant on a day off starts counting at the beginning of the next
   * working day (Saturday 10:00 + 3 = Thursday 00:00, i.e. the end of Wednesday).
   */
  addWorkingDays(at: Date, n: number): Date {
    if (!Number.isInteger(n) || n < 0)
      throw new CalendarError(`working days must be a whole number ≥ 0: ${n}`);
    let day = localDay(at);
    let timeOfDay = at.getTime() - startOfDay(day).getTime();
    if (!this.isWorkingDay(day)) {
      day = this.workingDayFrom(day);
      timeOfDay = 0;
    }
    for (let i = 0; i < n; i++) day = this.workingDayFrom(addDays(day, 1));
    return new Date(startOfDay(day).getTime() + timeOfDay);
  }

  /**
   * `hours` of working time after an instant: only time on working days (whole local days: the
   * desk is staffed around the clock) counts. Friday 20:00 + 8 h = Monday 04:00.
   */
  addWorkingHours(at: Date, hours: number): Date {
    if (!(Number.isFinite(hours) && hours >= 0)) throw new CalendarError(`hours must be ≥ 0: ${hours}`);
    let remaining = hours * 3_600_000;
    let now = at.getTime();
    for (;;) {
      const day = localDay(now);
      if (!this.isWorkingDay(day)) {
        now = startOfDay(this.workingDayFrom(day)).getTime();
        continue;
      }
      const endOfDay = startOfDay(day).getTime() + DAY_MS;
      if (now + remaining <= endOfDay) return new Date(now + remaining);
      remaining -= endOfDay - now;
      now = endOfDay;
    }
  }
}
