import { addDays, localDay, startOfDay } from '@jt808/after-sales';

/** A period as the routes take it: ISO instants (as the console sends them) and the track-gap limit. */
export interface Period {
  from: string;
  to: string;
  gapSeconds: number;
}

const HOUR_MS = 3_600_000;
/** The dashboard's default track-gap limit for 轨迹完整率 (the KPI route's default too). */
export const DEFAULT_GAP_SECONDS = 180;

/**
 * The periods the console's dashboard asks for when it opens (console/src/pages/DashboardPage.svelte,
 * in China's time, where the province's browsers are): the KPIs of the last seven days and today,
 * and the hourly series of the last 24 hours up to the next full hour. The API computes these
 * before it takes requests, so a dashboard opening after a restart finds them ready. Pure.
 */
export function dashboardPeriods(nowMs: number): { kpis: Period; hourly: Omit<Period, 'gapSeconds'> } {
  const today = localDay(nowMs);
  const hourlyTo = Math.ceil(nowMs / HOUR_MS) * HOUR_MS;
  return {
    kpis: {
      from: startOfDay(addDays(today, -7)).toISOString(),
      to: startOfDay(addDays(today, 1)).toISOString(),
      gapSeconds: DEFAULT_GAP_SECONDS,
    },
    hourly: { from: new Date(hourlyTo - 24 * HOUR_MS).toISOString(), to: new Date(hourlyTo).toISOString() },
  };
}
