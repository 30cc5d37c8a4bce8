import type { LocationFields } from '@jt808/protocol';
import { hashUnit, type Random, Salt } from '../fleet/random.js';
import { Alarm, Status } from '../fleet/report.js';
import { destination, type LatLon } from '../geo/geodesy.js';
import { Fault, LOSES_FIX } from './faults.js';

/** Per-terminal state of position faults, allocated only for terminals that get one. */
export interface FaultMemory {
  /** The fix held on to while frozen or without a fix: the position when the fault began. */
  held: LatLon;
  /** The current drift, degrees. */
  driftLatitude: number;
  driftLongitude: number;
}

export interface FaultContext {
  faults: number;
  memory: FaultMemory | undefined;
  index: number;
  seed: number;
  random: Random;
  /** clock-skew hours from the scenario, else a per-terminal default. */
  skewHours: number | undefined;
  /** position-drift largest jump from the scenario, km. */
  driftKm: number | undefined;
}

const ALARM_OF: readonly [number, number][] = [
  [Fault.gnssModuleFault, Alarm.gnssModuleFault],
  [Fault.gnssAntennaOpen, Alarm.gnssAntennaOpen],
  [Fault.gnssAntennaShort, Alarm.gnssAntennaShort],
  [Fault.undervoltage, Alarm.mainPowerUndervoltage],
  [Fault.powerCut, Alarm.mainPowerCut],
];

/**
 * Distorts a healthy report the way a faulty terminal would send it. GNSS hardware faults also
 * lose the fix, as the real failures do; a terminal without a fix repeats its last position (or,
 * for half of the no-fix terminals, zeros, as some firmware does).
 */
export function applyFaults(location: LocationFields, context: FaultContext): LocationFields {
  const { faults } = context;
  for (const [fault, alarm] of ALARM_OF) if (faults & fault) location.alarm |= alarm;
  if (faults & LOSES_FIX) loseFix(location, context);
  else if (faults & Fault.frozenPosition) hold(location, context.memory);
  else if (faults & Fault.positionDrift) drift(location, context);
  if (faults & Fault.clockSkew && location.time !== null) {
    location.time = new Date(location.time.getTime() + skewHours(context) * 3_600_000);
  }
  return location;
}

/** What a terminal remembers when a position fault begins. */
export function rememberPosition(position: LatLon): FaultMemory {
  return {
    held: { latitude: position.latitude, longitude: position.longitude },
    driftLatitude: 0,
    driftLongitude: 0,
  };
}

function loseFix(location: LocationFields, context: FaultContext): void {
  location.status &= ~(Status.positioned | Status.gps | Status.beidou | Status.driving);
  location.speed = 0;
  location.direction = 0;
  location.extras.satellites = context.faults & Fault.noFix ? context.random.below(4) : 0;
  const zeros = context.faults & Fault.noFix && hashUnit(context.seed, Salt.faultDetail, context.index) < 0.5;
  if (zeros) {
    location.latitude = 0;
    location.longitude = 0;
    location.altitude = 0;
  } else {
    hold(location, context.memory);
  }
}

function hold(location: LocationFields, memory: FaultMemory | undefined): void {
  if (memory === undefined) return;
  location.latitude = memory.held.latitude;
  location.longitude = memory.held.longitude;
}

/** Jumps of tens of km, redrawn on about every other report. */
function drift(location: LocationFields, context: FaultContext): void {
  const memory = context.memory;
  if (memory === undefined) return;
  const km = context.driftKm ?? 60;
  if (memory.driftLatitude === 0 || context.random.next() < 0.5) {
    const origin = { latitude: location.latitude, longitude: location.longitude };
    const away = destination(
      origin,
      context.random.between(0, 360),
      context.random.between(km / 6, km) * 1000,
    );
    memory.driftLatitude = away.latitude - origin.latitude;
    memory.driftLongitude = away.longitude - origin.longitude;
  }
  location.latitude += memory.driftLatitude;
  location.longitude += memory.driftLongitude;
}

/** 1 to 12 hours, ahead or behind, fixed per terminal. */
function skewHours(context: FaultContext): number {
  if (context.skewHours !== undefined) return context.skewHours;
  const hours = 1 + Math.floor(hashUnit(context.seed, Salt.faultDetail + 1, context.index) * 12);
  return hashUnit(context.seed, Salt.faultDetail + 2, context.index) < 0.5 ? hours : -hours;
}
