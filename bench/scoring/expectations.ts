import type { FaultReason } from '@jt808/status';

/**
 * What the status engine should say about each fault the simulator injects (its FAULT_KINDS), as
 * an explicit table: the verdict and main reason expected, other reasons the same fault rightly
 * raises as well, which vehicle state the rule needs to see it, and which other faults hide it
 * when they overlap. Faults the engine has no reason for are listed as not scored, with why.
 */
export type Expectation = FaultyExpectation | OfflineExpectation | NotScored;

export interface FaultyExpectation {
  verdict: 'faulty';
  reason: FaultReason;
  /** Further reasons this fault legitimately raises (a lost antenna also means no fix, no satellites). */
  alsoRaises: readonly FaultReason[];
  /**
   * The state the rule needs to see the fault: `any` (whenever locations arrive), `acc-on` (ACC on
   * throughout), `moving` (from a fix in motion on), `acc-on-before` (the last fix before it said ACC on).
   */
  visibleWhen: 'any' | 'acc-on' | 'moving' | 'acc-on-before';
  /** Overlapping faults of these kinds make this one invisible (nothing of it reaches the platform). */
  hiddenBy: readonly string[];
}

export interface OfflineExpectation {
  verdict: 'offline';
  /** `disconnect`: the connection closes (grace rule); `silence`: it stays open and nothing comes (cadence rule). */
  rule: 'disconnect' | 'silence';
  hiddenBy: readonly string[];
}

export interface NotScored {
  verdict: 'not scored';
  why: string;
}

/** Faults during which the terminal is off the gateway (a blind area: off the network, recording). */
const AWAY = ['offline', 'silent', 'blind-area'];
/** Faults after which no location reaches the platform. */
const NO_LOCATIONS = [...AWAY, 'heartbeat-only'];
/** Faults that lose the fix: the simulator then reports no position at all, frozen or drifting. */
const NO_FIX = ['gnss-module-fault', 'gnss-antenna-open', 'gnss-antenna-short', 'no-fix'];
/** What a terminal without a fix also shows: not positioned (with ACC on) and no satellites. */
const WITHOUT_FIX: readonly FaultReason[] = ['no-fix', 'no-signal'];

export const EXPECTATIONS: Readonly<Record<string, Expectation>> = {
  'gnss-module-fault': {
    verdict: 'faulty',
    reason: 'gnss-module-fault',
    alsoRaises: WITHOUT_FIX,
    visibleWhen: 'any',
    hiddenBy: NO_LOCATIONS,
  },
  'gnss-antenna-open': {
    verdict: 'faulty',
    reason: 'gnss-antenna-open',
    alsoRaises: WITHOUT_FIX,
    visibleWhen: 'any',
    hiddenBy: NO_LOCATIONS,
  },
  'gnss-antenna-short': {
    verdict: 'faulty',
    reason: 'gnss-antenna-short',
    alsoRaises: WITHOUT_FIX,
    visibleWhen: 'any',
    hiddenBy: NO_LOCATIONS,
  },
  'power-cut': {
    verdict: 'faulty',
    reason: 'power-cut',
    alsoRaises: [],
    visibleWhen: 'any',
    hiddenBy: NO_LOCATIONS,
  },
  undervoltage: {
    verdict: 'faulty',
    reason: 'power-undervoltage',
    alsoRaises: [],
    visibleWhen: 'any',
    hiddenBy: NO_LOCATIONS,
  },
  'no-fix': {
    verdict: 'faulty',
    reason: 'no-fix',
    alsoRaises: ['no-signal'],
    visibleWhen: 'acc-on',
    hiddenBy: NO_LOCATIONS,
  },
  'frozen-position': {
    verdict: 'faulty',
    reason: 'frozen-position',
    // When it thaws, the position jumps to where the vehicle really is: an impossible jump.
    alsoRaises: ['drift'],
    visibleWhen: 'moving',
    hiddenBy: [...NO_LOCATIONS, ...NO_FIX],
  },
  'position-drift': {
    verdict: 'faulty',
    reason: 'drift',
    alsoRaises: [],
    visibleWhen: 'any',
    hiddenBy: [...NO_LOCATIONS, ...NO_FIX],
  },
  'clock-skew': {
    verdict: 'faulty',
    reason: 'clock-skew',
    alsoRaises: [],
    visibleWhen: 'any',
    hiddenBy: NO_LOCATIONS,
  },
  'heartbeat-only': {
    verdict: 'faulty',
    reason: 'heartbeat-only',
    alsoRaises: [],
    visibleWhen: 'acc-on-before',
    hiddenBy: AWAY,
  },
  // Two overlapping absences are one offline episode: neither can be scored on its own.
  silent: { verdict: 'offline', rule: 'silence', hiddenBy: AWAY },
  offline: { verdict: 'offline', rule: 'disconnect', hiddenBy: AWAY },
  // Off the network, as a terminal in a tunnel or a coverage hole: offline to the platform until it
  // is back; the fixes it uploads then (0x0704) are history, not a sign of life meanwhile.
  'blind-area': { verdict: 'offline', rule: 'disconnect', hiddenBy: AWAY },
  'reconnect-storm': {
    verdict: 'not scored',
    why: 'the terminal reconnects at once: no engine reason, and it must not look offline (counts against offline precision)',
  },
  garbage: {
    verdict: 'not scored',
    why: "the gateway's concern (framing errors); no engine reason, and it must not cause a verdict",
  },
};
