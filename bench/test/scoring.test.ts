import { freshDatabase, hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReport, ratesOf, TARGETS } from '../scoring/report-table.js';
import { runScoring, SCORING_PLAN, scoringScenario } from '../scoring/rig.js';
import { type ScoreReport, score } from '../scoring/score.js';

/**
 * The status engine scored against the simulator's ground truth, end to end with real parts:
 * simulated terminals → gateway (TCP) → in-process bus → ingest, status engine and ticket keeper →
 * PostgreSQL. 57 simulated minutes of simulators/scenarios/scoring.json plus an outage of one center
 * and of the whole platform, at 60× (about a minute); docs/status-scoring.md has the method.
 */
describe.skipIf(!hasPostgres)('status engine against the ground truth', () => {
  let db: TestDatabase;
  let report: ScoreReport;

  beforeAll(async () => {
    db = await freshDatabase('scoring');
    const input = await runScoring({
      databaseUrl: db.url,
      terminals: 400,
      speed: 60,
      scenario: await scoringScenario(),
      runSeconds: SCORING_PLAN.runSeconds,
      outages: SCORING_PLAN.outages,
      tickets: SCORING_PLAN.tickets,
    });
    report = score(input);
  }, 120_000);
  afterAll(async () => {
    await db?.drop();
  });

  it('detects every fault the rules can see, within the rule time plus 10 s, with precision of 99 % or better', () => {
    const scored = report.labels.filter((l) => l.standings.expected > 0).map((l) => l.label);
    // Every fault kind with an engine reason was injected and lasted long enough to be scored.
    expect(scored.sort()).toEqual(
      [
        'clock-skew',
        'drift',
        'frozen-position',
        'gnss-antenna-open',
        'gnss-antenna-short',
        'gnss-module-fault',
        'heartbeat-only',
        'no-fix',
        'offline',
        'power-cut',
        'power-undervoltage',
      ].sort(),
    );
    const misses = report.labels.flatMap((label) => {
      const { recall, precision } = ratesOf(label);
      return [
        ...(recall !== undefined && recall < TARGETS.recall ? [`${label.label}: recall ${recall}`] : []),
        ...(precision !== undefined && precision < TARGETS.precision
          ? [`${label.label}: precision ${precision}`]
          : []),
        ...label.late.map((l) => `${label.label}: ${l.fault.truth.phone} detected after ${l.delayS} s`),
        ...label.falseDetections.map(
          (d) => `${label.label}: ${d.phone} at ${new Date(d.atMs).toISOString()}`,
        ),
      ];
    });
    expect(misses, formatReport(report)).toEqual([]);
  });

  it('holds every offline ticket of an outage behind one incident, and lets them go when the terminals are back', () => {
    expect(report.outages.map((o) => o.outage.scope)).toEqual(['center', 'platform']);
    for (const outage of report.outages) {
      expect(outage.offline).toBe(outage.scored);
      expect(outage.incident).toBeDefined();
      expect(outage.incident!.clearedAfterEndS).not.toBeNull();
      expect(outage.held).toBeGreaterThan(0);
      expect(outage.notHeld).toBe(0);
      expect(outage.heldOutcome).toEqual({ selfRecovered: outage.held, released: 0, stillHeld: 0 });
    }
  });

  it('opens a repair ticket for each lasting fault and none for faults that ended first, drift apart', () => {
    const { tickets } = report;
    expect(tickets.expected).toBeGreaterThan(40);
    expect(tickets.openedEarly).toEqual([]);
    // The drift rule judges each jump, so a drifting terminal's verdict comes and goes and its
    // ticket depends on one episode lasting the ticket time (docs/status-scoring.md).
    expect(tickets.missing.filter((f) => f.label !== 'drift')).toEqual([]);
    expect(tickets.unexpected.filter((t) => t.reason !== 'drift')).toEqual([]);
  });
});
