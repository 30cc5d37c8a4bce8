import { FAULT_REASONS, REASON_INDEX } from './reasons.js';
import type { StatusSettings } from './settings.js';
import type { Status, TerminalHealth } from './terminal-health.js';

export interface Verdict {
  status: Status;
  /** Bitmask over FAULT_REASONS (faulty only). */
  reasons: number;
  /** When this verdict became true: derived from the terminal's own times, so a restart re-derives the same instant. */
  sinceMs: number;
}

const HEARTBEAT_ONLY = REASON_INDEX['heartbeat-only'];

/** The status of one terminal at `nowMs`, from what it has sent so far. Pure. */
export function evaluate(health: TerminalHealth, nowMs: number, settings: StatusSettings): Verdict {
  if (health.lastSeenMs === 0) return { status: 'never-seen', reasons: 0, sinceMs: 0 };
  const offlineSince = offlineSinceMs(health, settings);
  if (offlineSince <= nowMs) return { status: 'offline', reasons: 0, sinceMs: offlineSince };
  let reasons = 0;
  let since = Number.POSITIVE_INFINITY;
  for (let i = 0; i < FAULT_REASONS.length; i++) {
    const onset = i === HEARTBEAT_ONLY ? heartbeatOnlyOnset(health, settings) : health.onsets[i]!;
    if (onset === 0) continue;
    const due = onset + settings.faultAfterSeconds[FAULT_REASONS[i]!] * 1000;
    if (due > nowMs) continue;
    reasons |= 1 << i;
    if (due < since) since = due;
  }
  if (reasons !== 0) return { status: 'faulty', reasons, sinceMs: since };
  return { status: 'online', reasons: 0, sinceMs: health.lastSeenMs };
}

/** When the terminal counts as offline (may lie in the future): silence past its cadence, or a closed connection past the grace. */
export function offlineSinceMs(health: TerminalHealth, settings: StatusSettings): number {
  const intervals = settings.intervalsBeforeOffline * health.expectedIntervalMs();
  const after = Math.min(
    settings.offlineCeilingSeconds * 1000,
    Math.max(settings.offlineFloorSeconds * 1000, intervals),
  );
  let since = health.lastSeenMs + after;
  if (!health.online && health.disconnectedAtMs > 0 && health.disconnectedAtMs >= health.lastSeenMs) {
    since = Math.min(since, health.disconnectedAtMs + settings.disconnectGraceSeconds * 1000);
  }
  return since;
}

/**
 * Heartbeat-only: still talking (not offline) but no location for several intervals while the
 * last fix said ACC on. Derived rather than observed: no single message shows it. Locations are
 * expected from the later of the last one and the current sign-in: a terminal coming back after
 * an outage has been away, not talking without locations.
 */
function heartbeatOnlyOnset(health: TerminalHealth, settings: StatusSettings): number {
  const expectedSince = Math.max(health.lastLocationMs, health.connectedAtMs);
  if (!health.accOn || health.lastLocationMs === 0 || health.lastSeenMs <= expectedSince) return 0;
  const onset = expectedSince + settings.intervalsBeforeOffline * health.expectedIntervalMs();
  return onset <= health.lastSeenMs ? onset : 0;
}
