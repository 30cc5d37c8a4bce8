import { quantile, TOLERANCE_S } from './input.js';
import type { ScoreReport } from './score.js';

/** The issue's targets (and detection within the rule's time plus TOLERANCE_S). */
export const TARGETS = { recall: 1, precision: 0.99 };

/** Recall and precision of one label, or undefined when there was nothing to count. */
export function ratesOf(label: ScoreReport['labels'][number]): { recall?: number; precision?: number } {
  const expected = label.standings.expected;
  return {
    recall: expected > 0 ? label.detected / expected : undefined,
    precision:
      label.detections > 0 ? (label.detections - label.falseDetections.length) / label.detections : undefined,
  };
}

/** Whether every target holds: recall, precision, delay, and no ticket let through during an outage. */
export function targetsMet(report: ScoreReport): boolean {
  return (
    report.labels.every((label) => {
      const { recall, precision } = ratesOf(label);
      return (
        (recall ?? 1) >= TARGETS.recall && (precision ?? 1) >= TARGETS.precision && label.late.length === 0
      );
    }) && report.outages.every((o) => o.notHeld === 0 && o.incident !== undefined && o.offline === o.scored)
  );
}

/** The report as Markdown tables (for the terminal, docs/status-scoring.md and bench/RESULTS.md). */
export function formatReport(report: ScoreReport): string {
  const lines = [
    '| reason | rule s | faults expected | detected | recall | detections | false | precision | delay p50 s | delay max s | late | not expected (shorter / borderline / hidden / outside rule) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  const sorted = [...report.labels].sort((a, b) => a.label.localeCompare(b.label));
  for (const label of sorted) {
    const { recall, precision } = ratesOf(label);
    const s = label.standings;
    const [low, high] = label.thresholdS.map(Math.round) as [number, number];
    const rule = label.standings.expected === 0 ? '–' : low === high ? `${low}` : `${low}–${high}`;
    lines.push(
      `| ${label.label} | ${rule} | ${s.expected} | ${label.detected} | ${percent(recall)} | ${label.detections} | ${label.falseDetections.length} | ${percent(precision)} | ${seconds(quantile(label.delaysS, 0.5))} | ${seconds(max(label.delaysS))} | ${label.late.length} | ${s['shorter than the rule']} / ${s.borderline} / ${s.hidden} / ${s['outside the rule']} |`,
    );
  }
  const t = report.tickets;
  lines.push(
    '',
    '| repair tickets | count |',
    '| --- | ---: |',
    `| expected (fault outlasted its ticket time) | ${t.expected} |`,
    `| opened of those | ${t.opened} |`,
    `| missing, by reason | ${countBy(t.missing.map((f) => f.label)) || '–'} |`,
    `| faults that ended before their ticket was due | ${t.notDue} |`,
    `| tickets opened for those all the same | ${t.openedEarly.length} |`,
    `| tickets no fault or outage explains | ${t.unexpected.length}${t.unexpected.length > 0 ? ` (${countBy(t.unexpected.map((u) => u.reason))})` : ''} |`,
    '',
    '| outage | terminals scored | offline | offline after s (p50 / max) | incident opened after s | cleared s after the end | offline tickets held | let through | held → self-recovered / released / still held | fault tickets during it |',
    '| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: |',
  );
  for (const o of report.outages) {
    const scope = o.outage.scope === 'platform' ? 'whole platform' : `center ${o.outage.centerId}`;
    const minutes = Math.round((o.outage.toMs - o.outage.fromMs) / 60_000);
    lines.push(
      `| ${scope}, ${minutes} min | ${o.scored} | ${o.offline} | ${seconds(quantile(o.delaysS, 0.5))} / ${seconds(max(o.delaysS))} | ${seconds(o.incident?.openedAfterS)} | ${seconds(o.incident?.clearedAfterEndS ?? undefined)} | ${o.held} | ${o.notHeld} | ${o.heldOutcome.selfRecovered} / ${o.heldOutcome.released} / ${o.heldOutcome.stillHeld} | ${o.faultTickets} |`,
    );
  }
  if (report.notScored.length > 0) {
    lines.push('', '| not scored | intervals | why |', '| --- | ---: | --- |');
    for (const n of report.notScored) lines.push(`| ${n.fault} | ${n.intervals} | ${n.why} |`);
  }
  const lag = report.reportLagMs;
  const { p50, p99, setS } = report.fleetCadenceS;
  lines.push(
    '',
    `Fleet cadence with ACC on (intervals between reports as received, set to ${setS} s): p50 ${seconds(p50)} s, p99 ${seconds(p99)} s. A p99 far above the setting means the machine could not keep up and the delays are distorted.`,
    `Reporting lag (verdict start → transition stored, real time): p50 ${ms(quantile(lag, 0.5))}, p99 ${ms(quantile(lag, 0.99))}, max ${ms(max(lag))} over ${lag.length} detections.`,
    `Targets (recall ${TARGETS.recall * 100} %, precision ≥ ${TARGETS.precision * 100} %, detection within the rule + ${TOLERANCE_S} s, no ticket let through during an outage): ${targetsMet(report) ? 'met' : 'NOT met'}.`,
  );
  return lines.join('\n');
}

/** "drift 12, power-cut 1": how often each value occurs. */
function countBy(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, n]) => `${v} ${n}`).join(', ');
}

function max(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : Math.max(...values);
}

function percent(rate: number | undefined): string {
  return rate === undefined ? '–' : `${(rate * 100).toFixed(1)} %`;
}

function seconds(value: number | undefined): string {
  return value === undefined ? '–' : value.toFixed(1);
}

function ms(value: number | undefined): string {
  return value === undefined ? '–' : `${Math.round(value)} ms`;
}
