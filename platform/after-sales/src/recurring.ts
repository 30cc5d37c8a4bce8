import type { AfterSalesSettings } from './settings.js';

/**
 * The recurring-problem warning of the monthly, quarterly and annual reports (docs/after-sales.md,
 * "Recurring problems"). Pure. A problem is a fault cause on a terminal model (maker, model,
 * cause) and it recurs when either
 * - **rising**: its repairs in the period reach recurringMinRepairs (3) and exceed the mean of the
 *   recurringBaselinePeriods (3) periods before by recurringMarginPercent (50 %: 3 after a mean of 2
 *   is not enough, 3 after a mean of 1.5 or less is); a cause never seen before that reaches the
 *   minimum is rising too. Judged per center and for the province (the centers' repairs summed).
 * - **same vehicle**: one vehicle repaired recurringSameVehicle (2) times or more for the same
 *   cause within the period: the repair did not hold.
 * The thresholds are after-sales settings (settings.ts), province-wide.
 */
export type RecurringThresholds = Pick<
  AfterSalesSettings,
  'recurringMinRepairs' | 'recurringMarginPercent' | 'recurringBaselinePeriods' | 'recurringSameVehicle'
>;

export function recurringThresholds(settings: AfterSalesSettings): RecurringThresholds {
  const { recurringMinRepairs, recurringMarginPercent, recurringBaselinePeriods, recurringSameVehicle } =
    settings;
  return { recurringMinRepairs, recurringMarginPercent, recurringBaselinePeriods, recurringSameVehicle };
}

/** Repairs of a problem in one period: `bucket` 0..baseline-1 the periods before, baseline the period itself. */
export interface ProblemCount {
  center: number;
  maker: string;
  model: string;
  cause: string;
  bucket: number;
  repairs: number;
}

/** Repairs of one vehicle for one cause within the period. */
export interface VehicleRepeat {
  center: number;
  plate: string;
  maker: string;
  model: string;
  cause: string;
  repairs: number;
}

export interface RecurringWarning {
  center: number | 'province';
  rule: 'rising' | 'same-vehicle';
  maker: string;
  model: string;
  cause: string;
  /** Repairs in the period (for one vehicle under 'same-vehicle'). */
  repairs: number;
  /** The mean of the periods before ('rising'), null for 'same-vehicle'. */
  baseline: number | null;
  plate: string | null;
}

export function recurringProblems(
  counts: readonly ProblemCount[],
  repeats: readonly VehicleRepeat[],
  thresholds: RecurringThresholds,
): RecurringWarning[] {
  const periods = thresholds.recurringBaselinePeriods;
  const series = new Map<
    string,
    { center: number | 'province'; maker: string; model: string; cause: string; n: number[] }
  >();
  const add = (center: number | 'province', c: ProblemCount) => {
    const key = JSON.stringify([center, c.maker, c.model, c.cause]);
    let entry = series.get(key);
    if (!entry) {
      entry = {
        center,
        maker: c.maker,
        model: c.model,
        cause: c.cause,
        n: Array(periods + 1).fill(0),
      };
      series.set(key, entry);
    }
    entry.n[c.bucket]! += c.repairs;
  };
  for (const c of counts) {
    add(c.center, c);
    add('province', c);
  }
  const rising: RecurringWarning[] = [];
  for (const { center, maker, model, cause, n } of series.values()) {
    const repairs = n[periods]!;
    const baseline = n.slice(0, periods).reduce((a, b) => a + b, 0) / periods;
    if (
      repairs >= thresholds.recurringMinRepairs &&
      repairs > baseline * (1 + thresholds.recurringMarginPercent / 100)
    ) {
      rising.push({
        center,
        rule: 'rising',
        maker,
        model,
        cause,
        repairs,
        baseline: round(baseline),
        plate: null,
      });
    }
  }
  const sameVehicle = repeats
    .filter((r) => r.repairs >= thresholds.recurringSameVehicle)
    .map((r): RecurringWarning => ({ ...r, rule: 'same-vehicle', baseline: null }));
  const order = (w: RecurringWarning) => (w.center === 'province' ? Number.MAX_SAFE_INTEGER : w.center);
  return [...rising, ...sameVehicle].sort(
    (a, b) =>
      order(a) - order(b) ||
      a.rule.localeCompare(b.rule) ||
      b.repairs - a.repairs ||
      `${a.maker}/${a.model}/${a.cause}/${a.plate}`.localeCompare(
        `${b.maker}/${b.model}/${b.cause}/${b.plate}`,
      ),
  );
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
