import { FAULT_REASONS, type FaultReason } from './reasons.js';

/**
 * What the status engine judges by. Offline is measured against each terminal's own cadence,
 * clamped between a floor and a ceiling (per center when centers override them).
 */
export interface StatusSettings {
  /** A terminal is offline after this many of its expected report intervals without a message... */
  intervalsBeforeOffline: number;
  /** ...but never sooner than this... */
  offlineFloorSeconds: number;
  /** ...and never later than this. */
  offlineCeilingSeconds: number;
  /** A closed TCP connection with no new one within this grace period is offline. */
  disconnectGraceSeconds: number;
  /** Seconds a fault condition must hold before the terminal counts as faulty, per reason. */
  faultAfterSeconds: Record<FaultReason, number>;
  /** Speeds above this (km/h) between two fixes are a jump, not a drive. */
  driftSpeedKmh: number;
  /** GNSS time this far from the gateway's clock is clock skew. */
  clockSkewSeconds: number;
  /** Reported speed (km/h) above which unchanged coordinates count as a frozen position. */
  frozenSpeedKmh: number;
}

const FAULT_AFTER_DEFAULT = 600;

export const DEFAULT_SETTINGS: StatusSettings = {
  intervalsBeforeOffline: 3,
  offlineFloorSeconds: 180,
  offlineCeilingSeconds: 1800,
  disconnectGraceSeconds: 120,
  faultAfterSeconds: {
    ...(Object.fromEntries(FAULT_REASONS.map((r) => [r, FAULT_AFTER_DEFAULT])) as Record<
      FaultReason,
      number
    >),
    // Power and antenna faults are physical: ten minutes of a set bit is not a glitch.
    'power-cut': 300,
    'no-fix': 900,
    // Drift is judged per jump; a single impossible jump is a fault of the positioning.
    drift: 0,
    'heartbeat-only': 900,
    'no-signal': 900,
  },
  driftSpeedKmh: 250,
  clockSkewSeconds: 600,
  frozenSpeedKmh: 5,
};

/** Thresholds a center may set for its own terminals. */
export interface CenterOverrides {
  offlineFloorSeconds?: number;
  offlineCeilingSeconds?: number;
  repairOfflineHours?: number;
  repairFaultyMinutes?: number;
}

/** The settings of one center: the platform's, with the center's overrides on top. */
export function settingsForCenter(
  base: StatusSettings,
  overrides: CenterOverrides | undefined,
): StatusSettings {
  if (!overrides) return base;
  return {
    ...base,
    offlineFloorSeconds: overrides.offlineFloorSeconds ?? base.offlineFloorSeconds,
    offlineCeilingSeconds: overrides.offlineCeilingSeconds ?? base.offlineCeilingSeconds,
  };
}
