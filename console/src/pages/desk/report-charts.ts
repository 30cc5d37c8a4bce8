import type { CenterReport, FaultCount } from '@jt808/api-contract';
import type { Bar } from '../../lib/bars.js';

/** The monthly report's figures for one center (or the province) shaped as chart bars. Pure. */

/** More makers/models or causes than this are summed into one "others" bar. */
const MOST_BARS = 10;

/** Repairs per maker and model, or per cause, most first; the tail summed as `others`. */
export function faultBars(
  faults: readonly FaultCount[],
  center: CenterReport['center'],
  by: 'model' | 'cause',
  others: string,
): Bar[] {
  const totals = new Map<string, number>();
  for (const fault of faults) {
    if (fault.center !== center) continue;
    const key = by === 'model' ? `${fault.maker} ${fault.model}` : fault.cause;
    totals.set(key, (totals.get(key) ?? 0) + fault.repairs);
  }
  const sorted = [...totals]
    .map(([label, value]) => ({ label, value }))
    .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
  if (sorted.length <= MOST_BARS) return sorted;
  const rest = sorted.slice(MOST_BARS - 1).reduce((sum, bar) => sum + bar.value, 0);
  return [...sorted.slice(0, MOST_BARS - 1), { label: others, value: rest }];
}

/** The mean hours to respond, repair and verify (a missing mean is left out, not drawn as zero). */
export function hourBars(
  row: CenterReport,
  labels: { respond: string; repair: string; verify: string },
): Bar[] {
  const bars: [string, number | null][] = [
    [labels.respond, row.meanHoursToRespond],
    [labels.repair, row.meanHoursToRepair],
    [labels.verify, row.meanHoursToVerify],
  ];
  return bars.flatMap(([label, value]) => (value === null ? [] : [{ label, value }]));
}

/** SLA compliance, callback rate and satisfaction rate, the last two against their targets. */
export function rateBars(
  row: CenterReport,
  targets: { callbackRate: number; satisfactionRate: number },
  labels: { sla: string; callbackRate: string; satisfactionRate: string },
): Bar[] {
  const bars: [string, number | null, number | undefined][] = [
    [labels.sla, row.slaCompliance, undefined],
    [labels.callbackRate, row.callbackRate, targets.callbackRate],
    [labels.satisfactionRate, row.satisfactionRate, targets.satisfactionRate],
  ];
  return bars.flatMap(([label, value, target]) =>
    value === null ? [] : [target === undefined ? { label, value } : { label, value, target }],
  );
}

/** The missed clocks by kind: late arrivals, late patrol reports, quote and RMA breaches (zeros drawn: none missed is news). */
export function missedBars(
  row: CenterReport,
  labels: { lateArrivals: string; latePatrolReports: string; quoteBreaches: string; rmaBreaches: string },
): Bar[] {
  return (['lateArrivals', 'latePatrolReports', 'quoteBreaches', 'rmaBreaches'] as const).map((key) => ({
    label: labels[key],
    value: row[key],
  }));
}

/** Installations accepted with the owner's sign-off against what the installers' contracts ask for. */
export function outputBars(row: CenterReport, label: string): Bar[] {
  return [{ label, value: row.installationsAccepted, target: row.installationsContracted }];
}
