import { ParameterId } from '@jt808/protocol';
import { type PositionRow, Quality } from '@jt808/storage';
import { ALARM_BIT_REASONS, FAULT_REASONS, type FaultReason, REASON_INDEX } from './reasons.js';
import type { StatusSettings } from './settings.js';

export type Status = 'never-seen' | 'online' | 'offline' | 'faulty';

const ACC_ON = 1;
const POSITIONED = 2;
/** Report intervals outside this range say nothing about the cadence (a reconnect, a long sleep). */
const MIN_INTERVAL_MS = 1000;
const MAX_INTERVAL_MS = 4 * 3_600_000;
const EWMA_WEIGHT = 0.2;

/**
 * What the engine knows of one terminal, kept small (well under 1 KB) for 400,000 of them: when it
 * last reported (ingest/reports.ts), its learned report cadence with ACC on and off, its last fix, and since when
 * each fault condition has held (0 when it does not).
 */
export class TerminalHealth {
  lastSeenMs = 0;
  online = false;
  /** When the current (or last) session signed in, and when the last one closed. */
  connectedAtMs = 0;
  /** The gateway session that signed in last ('' before any): only its close takes the terminal offline. */
  sessionId = '';
  disconnectedAtMs = 0;
  /** Learned cadence: moving averages of the intervals between locations, by ACC state. */
  intervalAccOnMs = 0;
  intervalAccOffMs = 0;
  /** From the terminal's parameters when it reported them (0 = unknown): default and sleep report intervals, heartbeat. */
  configuredDrivingMs = 0;
  configuredSleepMs = 0;
  configuredHeartbeatMs = 0;
  lastLocationMs = 0;
  accOn = false;
  lastFixGnssMs = 0;
  latitude = Number.NaN;
  longitude = Number.NaN;
  /** Onset (ms) of each fault condition, indexed like FAULT_REASONS; 0 = not present. */
  readonly onsets = new Float64Array(FAULT_REASONS.length);
  status: Status = 'never-seen';
  statusSinceMs = 0;
  /** Bit i set = FAULT_REASONS[i] is a current reason. */
  reasons = 0;
  /** Changed since the last save. */
  dirty = false;

  constructor(
    readonly phone: string,
    public centerId: number | null = null,
  ) {}

  seen(atMs: number): void {
    if (atMs > this.lastSeenMs) this.lastSeenMs = atMs;
    this.dirty = true;
  }

  /**
   * A session opened or closed. The close of a session that is not the current one (a connection
   * the terminal replaced, on this gateway or another) changes nothing: the terminal is still on
   * its newer session. Neither is hearing from the terminal (ingest/reports.ts): a terminal that
   * signs in again and again but reports nothing goes offline all the same.
   */
  session(online: boolean, atMs: number, sessionId: string): void {
    if (!online && this.sessionId !== '' && sessionId !== this.sessionId) return;
    this.dirty = true;
    this.online = online;
    if (online) {
      this.connectedAtMs = atMs;
      this.sessionId = sessionId;
    } else this.disconnectedAtMs = atMs;
  }

  /** Takes in one fix (as ingest decoded it), received at `fix.receivedAt`. */
  fix(fix: PositionRow, settings: StatusSettings): void {
    const atMs = fix.receivedAt.getTime();
    this.seen(atMs);
    this.learnCadence(atMs);
    this.accOn = (fix.status & ACC_ON) !== 0;
    const positioned = (fix.status & POSITIONED) !== 0;
    for (const { bit, reason } of ALARM_BIT_REASONS)
      this.condition(reason, ((fix.alarm >>> bit) & 1) === 1, atMs);
    this.condition('no-fix', this.accOn && !positioned, atMs);
    const gnssMs = fix.quality & Quality.TimeMissing ? 0 : fix.gpsTime.getTime();
    this.condition(
      'clock-skew',
      gnssMs === 0 || Math.abs(gnssMs - atMs) > settings.clockSkewSeconds * 1000,
      atMs,
    );
    this.condition('no-signal', fix.satellites === 0 || fix.signalStrength === 0, atMs);
    this.condition('heartbeat-only', false, atMs);
    if (positioned) this.movement(atMs, gnssMs, fix, settings);
  }

  /** Frozen position and drift compare this fix with the previous positioned one. */
  private movement(atMs: number, gnssMs: number, fix: PositionRow, settings: StatusSettings): void {
    const hadFix = this.lastFixGnssMs > 0;
    const samePlace = hadFix && fix.latitude === this.latitude && fix.longitude === this.longitude;
    // Only a move ends a frozen position: standing at the same place says nothing either way.
    if (!samePlace) this.condition('frozen-position', false, atMs);
    else if (fix.speed > settings.frozenSpeedKmh) {
      // Moving without a change of place: frozen since the previous fix reported this place
      // (at most one report interval back).
      const since = Math.min(Math.max(0, gnssMs - this.lastFixGnssMs), this.expectedIntervalMs());
      this.condition('frozen-position', true, atMs - since);
    }
    const outOfRange = !(
      fix.latitude >= 3.85 &&
      fix.latitude <= 53.55 &&
      fix.longitude >= 73.55 &&
      fix.longitude <= 135.08
    );
    let jump = false;
    if (hadFix && gnssMs > this.lastFixGnssMs) {
      const hours = (gnssMs - this.lastFixGnssMs) / 3_600_000;
      jump =
        distanceKm(this.latitude, this.longitude, fix.latitude, fix.longitude) / hours >
        settings.driftSpeedKmh;
    }
    this.condition('drift', outOfRange || jump, atMs);
    if (gnssMs >= this.lastFixGnssMs) {
      this.lastFixGnssMs = gnssMs;
      this.latitude = fix.latitude;
      this.longitude = fix.longitude;
    }
  }

  private learnCadence(atMs: number): void {
    const interval = atMs - this.lastLocationMs;
    if (this.lastLocationMs > 0 && interval >= MIN_INTERVAL_MS && interval <= MAX_INTERVAL_MS) {
      // The interval just ended followed the cadence of the ACC state the terminal was in.
      if (this.accOn) this.intervalAccOnMs = average(this.intervalAccOnMs, interval);
      else this.intervalAccOffMs = average(this.intervalAccOffMs, interval);
    }
    this.lastLocationMs = atMs;
  }

  condition(reason: FaultReason, present: boolean, atMs: number): void {
    const index = REASON_INDEX[reason];
    if (!present) this.onsets[index] = 0;
    else if (this.onsets[index] === 0) this.onsets[index] = atMs;
  }

  /** Takes in the cadence parameters from a 0x0104 answer (0x0029 default interval, 0x0027 sleep interval, 0x0001 heartbeat). */
  parameters(values: Map<number, number>): void {
    const seconds = (id: number) => (values.get(id) ?? 0) * 1000;
    this.configuredDrivingMs = seconds(ParameterId.defaultReportInterval) || this.configuredDrivingMs;
    this.configuredSleepMs = seconds(ParameterId.sleepReportInterval) || this.configuredSleepMs;
    this.configuredHeartbeatMs = seconds(ParameterId.heartbeatInterval) || this.configuredHeartbeatMs;
    this.dirty = true;
  }

  /**
   * The longest silence to expect now: the cadence learned for the current ACC state, else the
   * configured one, else the standard's usual 30 s / 300 s; a configured heartbeat shortens it (a
   * terminal with nothing else to say still sends a heartbeat).
   */
  expectedIntervalMs(): number {
    const learned = this.accOn ? this.intervalAccOnMs : this.intervalAccOffMs;
    const configured = this.accOn ? this.configuredDrivingMs : this.configuredSleepMs;
    const interval = learned || configured || (this.accOn ? 30_000 : 300_000);
    return this.configuredHeartbeatMs > 0 ? Math.min(interval, this.configuredHeartbeatMs) : interval;
  }
}

function average(current: number, sample: number): number {
  return current === 0 ? sample : current + EWMA_WEIGHT * (sample - current);
}

function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 12_742 * Math.asin(Math.min(1, Math.sqrt(a)));
}
