import type { Kpi } from '@jt808/api-contract';

/** One center's counts over a period, as the KPI query gives them. */
export interface CenterCounts {
  center_id: number;
  vehicles: number;
  networked: number;
  online: number;
  drifting: number;
  fixes: number;
  qualified_fixes: number;
  track_km: number;
  complete_track_km: number;
}

/** The counts each rate is the ratio of, in the order of the CSV's columns after the rates. */
export const COUNT_NAMES = [
  'networked',
  'online',
  'drifting',
  'fixes',
  'qualifiedFixes',
  'trackKm',
  'completeTrackKm',
] as const;

export type Counts = Record<(typeof COUNT_NAMES)[number], number>;

/** One center's rates or the province's, as the contract defines them (@jt808/api-contract). */
export type { Kpi };

/**
 * The rates of each center and of the province, with the counts they are the ratios of. The
 * province's counts are the sums of its centers' (km to the metre, summed after rounding), so a
 * regulator who adds up the centers' counts gets the province's, and every rate recomputed from its
 * counts is the rate given. Pure.
 */
export function kpisOf(centers: CenterCounts[]): Kpi[] {
  const perCenter = centers.map((row) => ({
    center: row.center_id,
    vehicles: row.vehicles,
    counts: {
      networked: row.networked,
      online: row.online,
      drifting: row.drifting,
      fixes: row.fixes,
      qualifiedFixes: row.qualified_fixes,
      trackKm: metres(row.track_km),
      completeTrackKm: metres(row.complete_track_km),
    },
  }));
  const sums = Object.fromEntries(
    COUNT_NAMES.map((name) => [name, perCenter.reduce((sum, c) => sum + c.counts[name], 0)]),
  ) as Counts;
  const province = {
    center: 'province' as const,
    vehicles: perCenter.reduce((sum, c) => sum + c.vehicles, 0),
    counts: { ...sums, trackKm: metres(sums.trackKm), completeTrackKm: metres(sums.completeTrackKm) },
  };
  return [...perCenter, province].map(({ center, vehicles, counts }) => ({
    center,
    vehicles,
    networkedRate: ratio(counts.networked, vehicles),
    onlineRate: ratio(counts.online, counts.networked),
    trackCompleteness: ratio(counts.completeTrackKm, counts.trackKm),
    dataQualificationRate: ratio(counts.qualifiedFixes, counts.fixes),
    driftRate: ratio(counts.drifting, counts.online),
    counts,
  }));
}

/** Km to the metre (also drops what adding binary fractions leaves past it). */
function metres(km: number): number {
  return Number(km.toFixed(3));
}

/** A rate to four decimals; 0 over nothing. */
function ratio(part: number, whole: number): number {
  return whole > 0 ? Number((part / whole).toFixed(4)) : 0;
}
