import type { StatusSettings } from '@jt808/status';
import type { Label } from './detections.js';
import { EXPECTATIONS, type Expectation } from './expectations.js';
import type { TruthInterval } from './input.js';
import type { ObservedFix } from './observations.js';

/**
 * How a fault stands for scoring:
 * - `expected`: the engine must detect it (it lasted past the rule's time plus the tolerance);
 * - `shorter than the rule`: it ended before the rule could fire, so nothing is expected;
 * - `borderline`: it ended within the tolerance of the rule's time: not scored either way;
 * - `hidden`: an overlapping fault kept it from reaching the platform (an offline terminal sends
 *   no alarm bits);
 * - `outside the rule`: the rule needs a vehicle state (ACC on, in motion, ACC on before it) that the
 *   vehicle was not in for long enough.
 */
export type Standing = 'expected' | 'shorter than the rule' | 'borderline' | 'hidden' | 'outside the rule';

export interface JudgedFault {
  truth: TruthInterval;
  /** The label the engine should raise, and every label that is right for this fault. */
  label: Label;
  accepts: readonly Label[];
  /**
   * The part of the fault the rule can see: all of it, or the stretch of the vehicle state the rule
   * needs (ACC on for no-fix). Delays count from its start; a ticket is due only if it lasts.
   */
  visibleFromMs: number;
  visibleUntilMs: number;
  /** The rule's time from `visibleFromMs` to a verdict, seconds. */
  thresholdS: number;
  standing: Standing;
}

export interface JudgeContext {
  settings: StatusSettings;
  /** The fleet's report intervals, simulated seconds. */
  cadence: { drivingS: number; parkedS: number };
  toleranceS: number;
  /** The phone's stored fixes, by receive time (simulated). */
  fixesOf(phone: string): readonly ObservedFix[];
  /** The phone's other ground-truth intervals. */
  truthOf(phone: string): readonly TruthInterval[];
}

type Scored = Exclude<Expectation, { verdict: 'not scored' }>;

/** Judges one truth interval of a scored fault kind. */
export function judge(truth: TruthInterval, expectation: Scored, context: JudgeContext): JudgedFault {
  const label = expectation.verdict === 'offline' ? 'offline' : expectation.reason;
  const accepts = expectation.verdict === 'offline' ? [label] : [label, ...expectation.alsoRaises];
  const thresholdS = thresholdOf(truth, expectation, context);
  const base = { truth, label, accepts, thresholdS, visibleFromMs: truth.fromMs, visibleUntilMs: truth.toMs };
  if (isHidden(truth, expectation, context)) return { ...base, standing: 'hidden' };
  // Decided by the state the fault began in, whatever its length.
  const before = expectation.verdict === 'faulty' && expectation.visibleWhen === 'acc-on-before';
  if (before && !accOnBefore(truth, context)) return { ...base, standing: 'outside the rule' };
  const needMs = thresholdS * 1000;
  const enoughMs = needMs + context.toleranceS * 1000;
  const lasted = (ms: number) =>
    ms >= enoughMs ? 'expected' : ms < needMs ? 'shorter than the rule' : 'borderline';
  const whole = lasted(truth.toMs - truth.fromMs);
  if (whole !== 'expected') return { ...base, standing: whole };
  const visible = visibleStretch(truth, expectation, context, enoughMs);
  if (visible === undefined) return { ...base, standing: 'outside the rule' };
  const standing = lasted(visible.untilMs - visible.fromMs);
  return {
    ...base,
    visibleFromMs: visible.fromMs,
    visibleUntilMs: visible.untilMs,
    standing: standing === 'expected' ? standing : 'outside the rule',
  };
}

export function isScored(fault: string): boolean {
  const expectation = EXPECTATIONS[fault];
  return expectation !== undefined && expectation.verdict !== 'not scored';
}

/** Whether the terminal's last fix before the fault said ACC on. */
function accOnBefore(truth: TruthInterval, context: JudgeContext): boolean {
  let accOn = false;
  for (const fix of context.fixesOf(truth.phone)) {
    if (fix.atMs >= truth.fromMs) break;
    accOn = fix.accOn;
  }
  return accOn;
}

/**
 * The report interval the terminal was set to before the fault (the fleet's setting for the ACC
 * state of its last fix), seconds. The simulator keeps it to within about a second per report (its
 * timer wheel has 1 s slots), which the tolerance covers.
 */
function intervalBefore(truth: TruthInterval, context: JudgeContext): number {
  return accOnBefore(truth, context) ? context.cadence.drivingS : context.cadence.parkedS;
}

function thresholdOf(truth: TruthInterval, expectation: Scored, context: JudgeContext): number {
  const { settings } = context;
  if (expectation.verdict === 'offline') {
    if (expectation.rule === 'disconnect') return settings.disconnectGraceSeconds;
    const silence = settings.intervalsBeforeOffline * intervalBefore(truth, context);
    return Math.min(settings.offlineCeilingSeconds, Math.max(settings.offlineFloorSeconds, silence));
  }
  const after = settings.faultAfterSeconds[expectation.reason];
  // Heartbeat-only starts once several report intervals passed without a location.
  if (expectation.reason === 'heartbeat-only')
    return settings.intervalsBeforeOffline * intervalBefore(truth, context) + after;
  return after;
}

function isHidden(truth: TruthInterval, expectation: Scored, context: JudgeContext): boolean {
  return context
    .truthOf(truth.phone)
    .some(
      (other) =>
        other !== truth &&
        expectation.hiddenBy.includes(other.fault) &&
        other.fromMs < truth.toMs &&
        truth.fromMs < other.toMs,
    );
}

/**
 * The stretch of the fault the rule can see: all of it, or the part in the vehicle state the rule
 * needs: ACC on without a break for no-fix (the first stretch lasting `enoughMs`, else the
 * longest), moving for a frozen position (from the first fix in motion: a stop does not unfreeze
 * a frozen fix). Undefined when the vehicle never was in that state. (ACC on before the fault is
 * judged up front.)
 */
function visibleStretch(
  truth: TruthInterval,
  expectation: Scored,
  context: JudgeContext,
  enoughMs: number,
): { fromMs: number; untilMs: number } | undefined {
  const needs = expectation.verdict === 'faulty' ? expectation.visibleWhen : 'any';
  if (needs !== 'acc-on' && needs !== 'moving') return { fromMs: truth.fromMs, untilMs: truth.toMs };
  const during = context.fixesOf(truth.phone).filter((f) => f.atMs >= truth.fromMs && f.atMs <= truth.toMs);
  if (needs === 'moving') {
    const moving = during.find((f) => f.speedKmh > context.settings.frozenSpeedKmh);
    return moving && { fromMs: moving.atMs, untilMs: truth.toMs };
  }
  let best: { fromMs: number; untilMs: number } | undefined;
  let start: number | undefined;
  const close = (untilMs: number) => {
    if (start !== undefined && (!best || untilMs - start > best.untilMs - best.fromMs))
      best = { fromMs: start, untilMs };
    start = undefined;
  };
  for (const fix of during) {
    if (fix.accOn) start ??= fix.atMs;
    else close(fix.atMs);
    if (best && best.untilMs - best.fromMs >= enoughMs) return best;
  }
  close(truth.toMs);
  return best;
}
