import type { CenterHour } from './api.js';

export interface RatePoint {
  /** Start of the hour, ms since the epoch. */
  at: number;
  rate: number;
}

/**
 * The online rate per hour across the given centers (all when `centerId` is undefined): vehicles
 * online in the hour over vehicles in the roster, summed over the centers so big centers weigh more.
 */
export function onlineRateSeries(rows: readonly CenterHour[], centerId?: number): RatePoint[] {
  const hours = new Map<number, { online: number; vehicles: number }>();
  for (const row of rows) {
    if (centerId !== undefined && row.centerId !== centerId) continue;
    const at = new Date(row.hour).getTime();
    const sum = hours.get(at) ?? { online: 0, vehicles: 0 };
    sum.online += row.vehiclesOnline;
    sum.vehicles += row.vehicles;
    hours.set(at, sum);
  }
  return [...hours.entries()]
    .sort(([a], [b]) => a - b)
    .map(([at, sum]) => ({ at, rate: sum.vehicles === 0 ? 0 : sum.online / sum.vehicles }));
}
