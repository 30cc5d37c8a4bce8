import { type SimTime, toReal, toSimulated } from '@jt808/platform';
import type { ObservedTransition } from './observations.js';

/** What a verdict says is wrong: a fault reason, or `offline`. */
export type Label = string;

/** The engine starting to say `label` about a terminal. */
export interface Detection {
  phone: string;
  label: Label;
  /** Simulated ms the label began, by the engine's own account (see `exact`). */
  atMs: number;
  /**
   * True when `atMs` is this label's own start: offline always; a reason when the terminal was
   * healthy before. A reason joining a faulty verdict, or new on a terminal coming back from
   * offline, shares the verdict's start, which may be older: its time is taken from when the
   * platform stored the transition instead (an upper bound).
   */
  exact: boolean;
  /** Real ms between the label's start and the platform storing the transition. */
  reportLagMs: number;
}

function labelsOf(transition: ObservedTransition): Label[] {
  if (transition.to === 'offline') return ['offline'];
  if (transition.to === 'faulty') return transition.reasons;
  return [];
}

/**
 * Every label the engine began to say, from the stored transitions (in the order stored). A
 * terminal back from offline resumes the verdict it had before it went (until a fix says
 * otherwise): the reasons it had then are not new detections.
 */
export function detectionsOf(transitions: readonly ObservedTransition[], time: SimTime): Detection[] {
  const current = new Map<string, Label[]>();
  const beforeOffline = new Map<string, Label[]>();
  const detections: Detection[] = [];
  for (const t of transitions) {
    const before = current.get(t.phone) ?? [];
    const after = labelsOf(t);
    current.set(t.phone, after);
    if (t.to === 'offline') beforeOffline.set(t.phone, before);
    const resumed = t.from === 'offline' ? (beforeOffline.get(t.phone) ?? []) : [];
    for (const label of after) {
      if (before.includes(label) || resumed.includes(label)) continue;
      const exact = label === 'offline' || t.from === 'online' || t.from === 'never-seen';
      const atMs = exact ? t.atMs : toSimulated(time, t.recordedAtRealMs);
      detections.push({
        phone: t.phone,
        label,
        atMs,
        exact,
        reportLagMs: t.recordedAtRealMs - toReal(time, atMs),
      });
    }
  }
  return detections;
}
