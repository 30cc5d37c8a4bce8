import type { SimTime } from '@jt808/platform';
import type { StatusSettings, TicketSettings } from '@jt808/status';
import type { Observations } from './observations.js';

/** One ground-truth record of the simulator: times in simulated epoch ms, phone as the platform keys it. */
export interface TruthInterval {
  phone: string;
  fault: string;
  fromMs: number;
  toMs: number;
  cutShort: boolean;
}

export interface Outage {
  scope: 'center' | 'platform';
  /** The center's id (scope center). */
  centerId?: number;
  phones: string[];
  fromMs: number;
  toMs: number;
}

export interface ScoringInput {
  truth: TruthInterval[];
  observations: Observations;
  /** Outages the run added; their `offline` truth records are scored here, not as single faults. */
  outages: Outage[];
  time: SimTime;
  /** Simulated ms the fleet stopped; later transitions are the run's own ending, not verdicts. */
  endMs: number;
  settings: StatusSettings;
  tickets: TicketSettings;
  /** The fleet's report intervals, simulated seconds. */
  cadence: { drivingS: number; parkedS: number };
}

/** Seconds a detection may come after the rule's time (the target), and a truth boundary may be off. */
export const TOLERANCE_S = 10;

/** A detection belongs to a fault when it falls within the fault, give or take the tolerance. */
export function within(atMs: number, truth: TruthInterval): boolean {
  return atMs >= truth.fromMs - TOLERANCE_S * 1000 && atMs <= truth.toMs + TOLERANCE_S * 1000;
}

/** The `offline` truth records an outage wrote (one per terminal it covers), with their outage. */
export function outageIntervals(
  truth: readonly TruthInterval[],
  outages: readonly Outage[],
): Map<TruthInterval, Outage> {
  const found = new Map<TruthInterval, Outage>();
  for (const outage of outages) {
    const phones = new Set(outage.phones);
    for (const t of truth)
      if (t.fault === 'offline' && t.fromMs === outage.fromMs && phones.has(t.phone)) found.set(t, outage);
  }
  return found;
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** The value below which a share `q` of `values` lie (nearest rank); undefined for none. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
