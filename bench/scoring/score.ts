import { type Detection, detectionsOf, type Label } from './detections.js';
import { EXPECTATIONS } from './expectations.js';
import {
  groupBy,
  outageIntervals,
  quantile,
  type ScoringInput,
  TOLERANCE_S,
  type TruthInterval,
  within,
} from './input.js';
import { isScored, type JudgedFault, judge, type Standing } from './judge.js';
import { type OutageScore, scoreOutages } from './outage-score.js';
import { scoreTickets, type TicketScore } from './ticket-score.js';

export interface LabelScore {
  label: Label;
  /** Single faults (outages apart) whose main label this is, by standing. */
  standings: Record<Standing, number>;
  detected: number;
  missed: JudgedFault[];
  /** Detections of this label the engine made, and those that no fault accepting the label explains. */
  detections: number;
  falseDetections: Detection[];
  /** Rule times of the expected faults, seconds (lowest and highest). */
  thresholdS: [number, number];
  /** Seconds from when the rule could see the fault to its detection (detections carrying their own time). */
  delaysS: number[];
  late: { fault: JudgedFault; delayS: number }[];
}

export interface ScoreReport {
  labels: LabelScore[];
  tickets: TicketScore;
  outages: OutageScore[];
  /** Faults of the ground truth that are not scored, with why. */
  notScored: { fault: string; intervals: number; why: string }[];
  /** Real ms from a verdict's start to the platform storing it (detections carrying their own time). */
  reportLagMs: number[];
  /** How well the simulator kept its driving cadence (a check on the run itself), seconds. */
  fleetCadenceS: { p50: number | undefined; p99: number | undefined; setS: number };
}

/** Scores the engine's stored verdicts and tickets against the simulator's ground truth. Pure. */
export function score(input: ScoringInput): ScoreReport {
  const { observations } = input;
  const truthByPhone = groupBy(input.truth, (t) => t.phone);
  const detections = detectionsOf(observations.transitions, input.time).filter((d) => d.atMs <= input.endMs);
  const detectionsByPhone = groupBy(detections, (d) => d.phone);
  const context = {
    settings: input.settings,
    cadence: input.cadence,
    toleranceS: TOLERANCE_S,
    fixesOf: (phone: string) => observations.fixes.get(phone) ?? [],
    truthOf: (phone: string) => truthByPhone.get(phone) ?? [],
  };
  const judged = input.truth.flatMap((t) => {
    const expectation = EXPECTATIONS[t.fault];
    return expectation && expectation.verdict !== 'not scored' ? [judge(t, expectation, context)] : [];
  });
  const judgedByPhone = groupBy(judged, (j) => j.truth.phone);
  const outages = outageIntervals(input.truth, input.outages);
  const single = judged.filter((j) => !outages.has(j.truth));
  const firstDetection = (fault: JudgedFault): Detection | undefined =>
    detectionsByPhone
      .get(fault.truth.phone)
      ?.find((d) => d.label === fault.label && within(d.atMs, fault.truth));
  const explained = (d: Detection): boolean =>
    (judgedByPhone.get(d.phone) ?? []).some((j) => j.accepts.includes(d.label) && within(d.atMs, j.truth));
  const labels = new Set([...single.map((j) => j.label), ...detections.map((d) => d.label)]);
  return {
    labels: [...labels].map((label) =>
      scoreLabel(
        single.filter((j) => j.label === label),
        detections.filter((d) => d.label === label),
        label,
        firstDetection,
        explained,
      ),
    ),
    tickets: scoreTickets(input, single, judged, firstDetection),
    outages: scoreOutages(input, judged, outages, firstDetection),
    notScored: notScored(input.truth),
    reportLagMs: detections.filter((d) => d.exact && explained(d)).map((d) => d.reportLagMs),
    fleetCadenceS: fleetCadence(input, context.truthOf),
  };
}

/**
 * The intervals between consecutive reports with ACC on, as received, outside the terminal's
 * faults and outages: what is left is the simulator's own timing (and the machine's).
 */
function fleetCadence(
  input: ScoringInput,
  truthOf: (phone: string) => readonly TruthInterval[],
): ScoreReport['fleetCadenceS'] {
  const intervals: number[] = [];
  for (const [phone, fixes] of input.observations.fixes) {
    const truth = truthOf(phone);
    for (let i = 1; i < fixes.length; i++) {
      const [a, b] = [fixes[i - 1]!, fixes[i]!];
      if (!a.accOn || !b.accOn || truth.some((t) => t.fromMs <= b.atMs && a.atMs <= t.toMs)) continue;
      intervals.push((b.atMs - a.atMs) / 1000);
    }
  }
  return { p50: quantile(intervals, 0.5), p99: quantile(intervals, 0.99), setS: input.cadence.drivingS };
}

function scoreLabel(
  faults: readonly JudgedFault[],
  detections: readonly Detection[],
  label: Label,
  firstDetection: (fault: JudgedFault) => Detection | undefined,
  explained: (d: Detection) => boolean,
): LabelScore {
  const score: LabelScore = {
    label,
    standings: { expected: 0, 'shorter than the rule': 0, borderline: 0, hidden: 0, 'outside the rule': 0 },
    detected: 0,
    missed: [],
    detections: detections.length,
    falseDetections: detections.filter((d) => !explained(d)),
    thresholdS: [Number.POSITIVE_INFINITY, 0],
    delaysS: [],
    late: [],
  };
  for (const fault of faults) {
    score.standings[fault.standing]++;
    if (fault.standing !== 'expected') continue;
    score.thresholdS = [
      Math.min(score.thresholdS[0], fault.thresholdS),
      Math.max(score.thresholdS[1], fault.thresholdS),
    ];
    const detection = firstDetection(fault);
    if (!detection) {
      score.missed.push(fault);
      continue;
    }
    score.detected++;
    if (!detection.exact) continue;
    const delayS = (detection.atMs - fault.visibleFromMs) / 1000;
    score.delaysS.push(delayS);
    if (delayS > fault.thresholdS + TOLERANCE_S) score.late.push({ fault, delayS });
  }
  return score;
}

function notScored(truth: readonly TruthInterval[]): ScoreReport['notScored'] {
  const counts = new Map<string, number>();
  for (const t of truth) if (!isScored(t.fault)) counts.set(t.fault, (counts.get(t.fault) ?? 0) + 1);
  return [...counts].map(([fault, intervals]) => {
    const expectation = EXPECTATIONS[fault];
    const why = expectation?.verdict === 'not scored' ? expectation.why : 'not in the scoring table';
    return { fault, intervals, why };
  });
}
