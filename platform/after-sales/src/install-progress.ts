import { addDays, daysBetween, type WorkingCalendar } from './calendar.js';

/**
 * Install progress against each center's plan (docs/after-sales.md, "Install progress"). Pure.
 * The plan asks for `target` vehicles equipped from `startsOn` to `dueOn`; a vehicle counts as
 * equipped once accepted (the platform's check-in and the owner's signature). By `day` (its end),
 * a plan on pace has `expected` = target × the share of its calendar days gone by, rounded down;
 * `behind` is how many accepted vehicles short of that it is, and `neededPerDay` how many a working
 * day it takes from `day` on (`day` included, it is the morning's question) to meet the target.
 */
export interface InstallPlan {
  center: number;
  target: number;
  startsOn: string;
  dueOn: string;
}

export interface InstallCounts {
  center: number;
  /** Vehicles with an installation done (the installation register). */
  installed: number;
  /** Vehicles whose terminal registered with the platform and sent a fix. */
  checkedIn: number;
  /** Vehicles with an installation accepted and signed by the owner. */
  accepted: number;
}

export interface InstallProgress extends Omit<InstallCounts, 'center'> {
  center: number | 'province';
  target: number | null;
  startsOn: string | null;
  dueOn: string | null;
  expected: number | null;
  behind: number | null;
  remaining: number | null;
  rate: number | null;
  workingDaysLeft: number | null;
  neededPerDay: number | null;
  overdue: boolean;
}

export function installProgress(
  day: string,
  plans: readonly InstallPlan[],
  counts: readonly InstallCounts[],
  calendar: WorkingCalendar,
): InstallProgress[] {
  const centers = [...new Set([...plans.map((p) => p.center), ...counts.map((c) => c.center)])].sort(
    (a, b) => a - b,
  );
  const rows = centers.map((center) => {
    const plan = plans.find((p) => p.center === center);
    const count = counts.find((c) => c.center === center) ?? { installed: 0, checkedIn: 0, accepted: 0 };
    return progressOf(center, day, plan, count, plan ? expectedBy(plan, day) : null, calendar);
  });
  const sum = (pick: (row: InstallProgress) => number | null) => rows.reduce((a, r) => a + (pick(r) ?? 0), 0);
  const planned = plans.length > 0;
  const province: InstallPlan | undefined = planned
    ? {
        center: 0,
        target: sum((r) => r.target),
        startsOn: plans.map((p) => p.startsOn).sort()[0]!,
        dueOn: plans
          .map((p) => p.dueOn)
          .sort()
          .at(-1)!,
      }
    : undefined;
  const totals = {
    installed: sum((r) => r.installed),
    checkedIn: sum((r) => r.checkedIn),
    accepted: sum((r) => r.accepted),
  };
  // The province's pace is its centers' paces added up: each plan has its own dates.
  return [
    ...rows,
    progressOf('province', day, province, totals, planned ? sum((r) => r.expected) : null, calendar),
  ];
}

function progressOf(
  center: number | 'province',
  day: string,
  plan: Omit<InstallPlan, 'center'> | undefined,
  counts: Omit<InstallCounts, 'center'>,
  expected: number | null,
  calendar: WorkingCalendar,
): InstallProgress {
  const { installed, checkedIn, accepted } = counts;
  if (!plan) {
    return {
      center,
      installed,
      checkedIn,
      accepted,
      target: null,
      startsOn: null,
      dueOn: null,
      expected: null,
      behind: null,
      remaining: null,
      rate: null,
      workingDaysLeft: null,
      neededPerDay: null,
      overdue: false,
    };
  }
  const remaining = Math.max(0, plan.target - accepted);
  const workingDaysLeft =
    daysBetween(day, plan.dueOn) >= 0 ? calendar.workingDaysIn(day, plan.dueOn).length : 0;
  return {
    center,
    installed,
    checkedIn,
    accepted,
    target: plan.target,
    startsOn: plan.startsOn,
    dueOn: plan.dueOn,
    expected,
    behind: Math.max(0, (expected ?? 0) - accepted),
    remaining,
    rate: Math.round((accepted / plan.target) * 10_000) / 10_000,
    workingDaysLeft,
    neededPerDay: remaining === 0 ? 0 : workingDaysLeft > 0 ? Math.ceil(remaining / workingDaysLeft) : null,
    overdue: remaining > 0 && daysBetween(plan.dueOn, day) > 0,
  };
}

/** Accepted vehicles a plan on pace has by the end of `day`. */
export function expectedBy(plan: InstallPlan, day: string): number {
  const total = daysBetween(plan.startsOn, plan.dueOn) + 1;
  const gone = Math.min(total, Math.max(0, daysBetween(plan.startsOn, addDays(day, 1))));
  return Math.floor((plan.target * gone) / total);
}
