import type { LocationFields } from '@jt808/protocol';

/**
 * The regulator's data-qualification rules for a fix (bits 1-32). A fix that breaks any is stored
 * with the bits of the rules it broke (never dropped): the unqualified share is itself a KPI.
 * Bit 64 is ours, not the regulator's: see ExtrasUnparsed.
 */
export const Quality = {
  LongitudeOutOfRange: 1,
  LatitudeOutOfRange: 2,
  SpeedOutOfRange: 4,
  AltitudeOutOfRange: 8,
  TimeInFuture: 16,
  TimeMissing: 32,
  /**
   * The terminal's additional area did not parse to the end (zero padding, an item longer than what
   * was left): the codec kept the basic information and the items before it, `extras.unparsed`
   * keeps the rest as hex. The position, speed and time are as good as any other fix's, so this bit
   * does not make the fix unqualified (UNQUALIFIED) nor unusable for the current state.
   */
  ExtrasUnparsed: 64,
} as const;

/** The bits of the regulator's rules: a fix with none of them set counts as qualified (数据合格率). */
export const UNQUALIFIED =
  Quality.LongitudeOutOfRange |
  Quality.LatitudeOutOfRange |
  Quality.SpeedOutOfRange |
  Quality.AltitudeOutOfRange |
  Quality.TimeInFuture |
  Quality.TimeMissing;

export const QUALITY_LIMITS = {
  longitude: [73.55, 135.08],
  latitude: [3.85, 53.55],
  speed: [0, 160],
  altitude: [-200, 6500],
  /** How far ahead of the gateway's clock a GNSS time may be before it counts as "in the future". */
  futureToleranceMs: 5 * 60_000,
} as const;

export function qualityOf(fix: LocationFields, receivedAtMs: number): number {
  let flags = 0;
  const [lonMin, lonMax] = QUALITY_LIMITS.longitude;
  const [latMin, latMax] = QUALITY_LIMITS.latitude;
  if (!(fix.longitude >= lonMin && fix.longitude <= lonMax)) flags |= Quality.LongitudeOutOfRange;
  if (!(fix.latitude >= latMin && fix.latitude <= latMax)) flags |= Quality.LatitudeOutOfRange;
  if (!(fix.speed >= QUALITY_LIMITS.speed[0] && fix.speed <= QUALITY_LIMITS.speed[1]))
    flags |= Quality.SpeedOutOfRange;
  if (!(fix.altitude >= QUALITY_LIMITS.altitude[0] && fix.altitude <= QUALITY_LIMITS.altitude[1])) {
    flags |= Quality.AltitudeOutOfRange;
  }
  if (fix.time === null) flags |= Quality.TimeMissing;
  else if (fix.time.getTime() > receivedAtMs + QUALITY_LIMITS.futureToleranceMs)
    flags |= Quality.TimeInFuture;
  if (fix.extras.unparsed !== undefined) flags |= Quality.ExtrasUnparsed;
  return flags;
}
