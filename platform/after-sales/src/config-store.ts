import type { Queryable } from '@jt808/storage';
import type pg from 'pg';
import { type CalendarDay, WorkingCalendar } from './calendar.js';
import { type AfterSalesSettings, checkSetting, withOverrides } from './settings.js';

/** The operator's calendar and settings as stored (tables calendar_days, after_sales_settings). */
export interface AfterSalesConfig {
  calendar: WorkingCalendar;
  settings: AfterSalesSettings;
}

export async function loadConfig(db: Queryable): Promise<AfterSalesConfig> {
  const days = await db.query<{ day: string; kind: 'holiday' | 'workday' }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind FROM calendar_days`,
  );
  return { calendar: new WorkingCalendar(days.rows), settings: await loadSettings(db) };
}

/** The settings alone, for those who need no calendar. */
export async function loadSettings(db: Queryable): Promise<AfterSalesSettings> {
  const overrides = await db.query<{ name: string; value: number }>(
    'SELECT name, value FROM after_sales_settings',
  );
  return withOverrides(overrides.rows);
}

/** The year's days set apart, each with its name (null when it has none). */
export async function listCalendarDays(db: Queryable, year: number): Promise<Required<CalendarDay>[]> {
  const { rows } = await db.query<Required<CalendarDay>>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind, name FROM calendar_days
      WHERE day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1) ORDER BY day`,
    [year],
  );
  return rows;
}

/** Adds or changes calendar days (checked first: a bad date changes nothing); `remove` takes them out again. */
export async function saveCalendarDays(
  pool: pg.Pool,
  days: CalendarDay[],
  remove: string[] = [],
): Promise<void> {
  new WorkingCalendar(days); // throws on a bad date
  new WorkingCalendar(remove.map((day) => ({ day, kind: 'holiday' })));
  await pool.query(
    `INSERT INTO calendar_days (day, kind, name)
     SELECT * FROM unnest($1::date[], $2::text[], $3::text[])
     ON CONFLICT (day) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, updated_at = now()`,
    [days.map((d) => d.day), days.map((d) => d.kind), days.map((d) => d.name ?? null)],
  );
  if (remove.length > 0) await pool.query('DELETE FROM calendar_days WHERE day = ANY ($1::date[])', [remove]);
}

/** Overrides settings (checked first: one bad value changes nothing). */
export async function saveSettings(
  pool: pg.Pool,
  values: Record<string, number>,
  actor: string,
): Promise<void> {
  const names = Object.entries(values).map(([name, value]) => checkSetting(name, value));
  await pool.query(
    `INSERT INTO after_sales_settings (name, value, updated_by)
     SELECT name, value, $3 FROM unnest($1::text[], $2::float8[]) AS s(name, value)
     ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = now(), updated_by = EXCLUDED.updated_by`,
    [names, names.map((n) => values[n]), actor],
  );
}
