import type { Edition, LocationFields } from '@jt808/protocol';
import type { RoutePosition } from '../geo/route.js';
import type { Random } from './random.js';
import type { Vehicle } from './vehicle.js';

/** Status word bits (JT/T 808 table 24/25) a healthy terminal sets. */
export const Status = {
  accOn: 1 << 0,
  positioned: 1 << 1,
  gps: 1 << 18,
  beidou: 1 << 19,
  /** 2019 only. */
  driving: 1 << 22,
} as const;

/** Alarm word bits the fault scenarios raise. */
export const Alarm = {
  gnssModuleFault: 1 << 4,
  gnssAntennaOpen: 1 << 5,
  gnssAntennaShort: 1 << 6,
  mainPowerUndervoltage: 1 << 7,
  mainPowerCut: 1 << 8,
} as const;

/** Terrain height: the plain east of ~114°E at 50-100 m, rising towards the western mountains. */
function altitudeAt(latitude: number, longitude: number): number {
  const west = Math.max(0, 114 - longitude);
  return Math.round(60 + west * 170 + Math.max(0, 33.5 - latitude) * 40);
}

/**
 * The location report a healthy terminal sends: the vehicle's position and motion, the fix
 * quality extras, and the GNSS time (simulated time, whole seconds).
 */
export function healthyLocation(
  vehicle: Vehicle,
  position: RoutePosition,
  simNowMs: number,
  edition: Edition,
  random: Random,
): LocationFields {
  const speed = Math.round(vehicle.speedKmh * 10) / 10;
  let status = Status.positioned | Status.gps | Status.beidou;
  if (vehicle.accOn) status |= Status.accOn;
  if (edition === '2019' && speed > 0) status |= Status.driving;
  return {
    alarm: 0,
    status,
    latitude: position.latitude,
    longitude: position.longitude,
    altitude: altitudeAt(position.latitude, position.longitude),
    speed,
    direction: Math.round(position.heading) % 360,
    time: new Date(Math.floor(simNowMs / 1000) * 1000),
    extras: {
      mileage: Math.round(vehicle.odometerKm * 10) / 10,
      signalStrength: 14 + random.below(18),
      satellites: 8 + random.below(13),
    },
  };
}
