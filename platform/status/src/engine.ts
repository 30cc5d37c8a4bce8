import type { Delivery } from '@jt808/bus';
import { rowsOf } from '@jt808/storage';
import { evaluate, type Verdict } from './evaluate.js';
import { FAULT_REASONS, type FaultReason } from './reasons.js';
import { type CenterOverrides, type StatusSettings, settingsForCenter } from './settings.js';
import { type Status, TerminalHealth } from './terminal-health.js';

export interface Transition {
  phone: string;
  atMs: number;
  from: Status;
  to: Status;
  reasons: FaultReason[];
}

export function reasonNames(mask: number): FaultReason[] {
  return FAULT_REASONS.filter((_, i) => (mask & (1 << i)) !== 0);
}

/**
 * The online-status engine: keeps every terminal's health in memory, takes in bus events, and in
 * each pass turns the health of every terminal into a verdict (never seen, online, offline, faulty
 * with reasons), reporting the terminals whose verdict changed. Verdict times come from the
 * terminals' own times, so replaying the same history gives the same transitions.
 */
export class StatusEngine {
  private readonly terminals = new Map<string, TerminalHealth>();
  private readonly all: TerminalHealth[] = [];
  /** Per-center settings, merged once per center. */
  private centerSettings = new Map<number, StatusSettings>();
  private overrides = new Map<number, CenterOverrides>();

  constructor(readonly settings: StatusSettings) {}

  /** Replaces the per-center overrides (floor and ceiling of the offline judgement, ticket thresholds). */
  setCenterOverrides(overrides: Map<number, CenterOverrides>): void {
    this.overrides = overrides;
    this.centerSettings = new Map(
      [...overrides].map(([center, o]) => [center, settingsForCenter(this.settings, o)]),
    );
  }

  centerOverrides(centerId: number | null): CenterOverrides | undefined {
    return centerId === null ? undefined : this.overrides.get(centerId);
  }

  private settingsOf(health: TerminalHealth): StatusSettings {
    return (health.centerId !== null && this.centerSettings.get(health.centerId)) || this.settings;
  }

  get size(): number {
    return this.all.length;
  }

  /** The health of `phone`, created (never seen) on first mention. */
  terminal(phone: string, centerId: number | null = null): TerminalHealth {
    let health = this.terminals.get(phone);
    if (!health) {
      health = new TerminalHealth(phone, centerId);
      health.dirty = true; // a terminal's first verdict (never seen) is stored too
      this.terminals.set(phone, health);
      this.all.push(health);
    }
    return health;
  }

  get(phone: string): TerminalHealth | undefined {
    return this.terminals.get(phone);
  }

  /** Every terminal, in the order they became known. */
  list(): readonly TerminalHealth[] {
    return this.all;
  }

  /** Takes in a batch of bus events (decoded the same way ingest decodes them). */
  apply(batch: Delivery[]): void {
    const rows = rowsOf(batch);
    for (const [phone, activity] of rows.activity) this.terminal(phone).seen(activity.lastSeen.getTime());
    for (const change of rows.sessions)
      this.terminal(change.phone).session(change.online, change.at.getTime(), change.sessionId);
    for (const report of rows.parameters) this.terminal(report.phone).parameters(report.values);
    const fixes = rows.positions.slice().sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
    for (const fix of fixes) this.terminal(fix.phone).fix(fix, this.settings);
  }

  /** Evaluates every terminal at `nowMs`; returns the changes (and updates the stored verdicts). */
  pass(nowMs: number): Transition[] {
    const transitions: Transition[] = [];
    for (const health of this.all) {
      const verdict: Verdict = evaluate(health, nowMs, this.settingsOf(health));
      if (verdict.status === health.status && verdict.reasons === health.reasons) continue;
      transitions.push({
        phone: health.phone,
        atMs: verdict.sinceMs,
        from: health.status,
        to: verdict.status,
        reasons: reasonNames(verdict.reasons),
      });
      health.status = verdict.status;
      health.reasons = verdict.reasons;
      health.statusSinceMs = verdict.sinceMs;
      health.dirty = true;
    }
    return transitions;
  }

  /** Terminals changed since the last call (to persist), marked clean. */
  takeDirty(): TerminalHealth[] {
    const dirty: TerminalHealth[] = [];
    for (const health of this.all) {
      if (!health.dirty) continue;
      health.dirty = false;
      dirty.push(health);
    }
    return dirty;
  }

  counts(): Record<Status, number> {
    const counts: Record<Status, number> = { 'never-seen': 0, online: 0, offline: 0, faulty: 0 };
    for (const health of this.all) counts[health.status]++;
    return counts;
  }
}
