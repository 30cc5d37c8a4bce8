import { WorkingCalendar } from '../src/calendar.js';

/** An instant given as Asia/Shanghai wall-clock time. */
export const at = (local: string) => new Date(`${local}:00+08:00`);

/**
 * A National Day week like China's: Thursday 1 to Wednesday 7 October 2026 off, Saturday 10 October
 * worked to make up for it. The after-sales rules' tests count their working days on it.
 */
export const NATIONAL_DAY_2026 = new WorkingCalendar([
  ...['01', '02', '03', '04', '05', '06', '07'].map((d) => ({
    day: `2026-10-${d}`,
    kind: 'holiday' as const,
    name: '国庆节',
  })),
  { day: '2026-10-10', kind: 'workday', name: '国庆节调休' },
]);
