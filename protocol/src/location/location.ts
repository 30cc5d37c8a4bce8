import { copyBytes } from '../codec/bytes.js';
import type { BodyReader } from '../codec/reader.js';
import { declaresMore, type Unparsed, unparsedAt } from '../codec/unparsed.js';
import type { BodyWriter } from '../codec/writer.js';
import { Jt808Error } from '../errors.js';
import { alarmFlags, type LoadState, loadState, STATUS_SOUTH, STATUS_WEST, statusFlags } from './flags.js';
import { readBcdTime, writeBcdTime } from './time.js';

/** An additional item the codec has no field for, kept byte for byte. */
export interface RawItem {
  id: number;
  data: Uint8Array;
}

/** Location additional items (2013 table 27 / 2019 table 27) with their scaled units. */
export interface LocationExtras {
  /** 0x01 odometer, km (wire unit 1/10 km). */
  mileage?: number;
  /** 0x02 fuel gauge, L (wire unit 1/10 L). */
  fuel?: number;
  /** 0x03 speed from the driving recorder, km/h (wire unit 1/10 km/h). */
  recorderSpeed?: number;
  /** 0x04 id of an alarm event that needs manual confirmation. */
  alarmEventId?: number;
  /** 0x11 overspeed alarm: location type 0 none, 1 circle, 2 rectangle, 3 polygon, 4 route. */
  overspeedAlarm?: { locationType: number; areaId?: number };
  /** 0x12 area/route in-out alarm: direction 0 in, 1 out. */
  areaAlarm?: { locationType: number; areaId: number; direction: number };
  /** 0x13 route driving time alarm: seconds driven; result 0 too short, 1 too long. */
  routeTimeAlarm?: { routeId: number; drivingTime: number; result: number };
  /** 0x25 extended vehicle signal status word. */
  extendedSignals?: number;
  /** 0x2A IO status word. */
  ioStatus?: number;
  /** 0x2B analog inputs: AD0 in bits 0-15, AD1 in bits 16-31. */
  analog?: { ad0: number; ad1: number };
  /** 0x30 wireless network signal strength. */
  signalStrength?: number;
  /** 0x31 number of GNSS satellites in use. */
  satellites?: number;
  /** Every other item (and a known id whose length is wrong), byte for byte in arrival order. */
  others?: RawItem[];
  /**
   * The rest of the additional area from the first byte that is not a whole item (zero padding, an
   * item longer than what is left, a header cut short), raw; the items before it are decoded.
   */
  unparsed?: Unparsed;
}

/** The location basic information (28 bytes) plus additional items, shared by 0x0200/0x0201/0x0704. */
export interface LocationFields {
  /** Alarm word as sent; `alarmFlags(alarm)` names its bits. */
  alarm: number;
  /** Status word as sent; `statusFlags(status)` names its bits. */
  status: number;
  /** Signed degrees: negative when the status word's south bit is set. */
  latitude: number;
  /** Signed degrees: negative when the status word's west bit is set. */
  longitude: number;
  /** Metres above sea level (read as signed: a few terminals report depressions below zero). */
  altitude: number;
  /** km/h (wire unit 1/10 km/h). */
  speed: number;
  /** Degrees 0-359, clockwise from north. */
  direction: number;
  /** GNSS time as an exact instant (the wire carries Beijing time); null for an all-zero or impossible time. */
  time: Date | null;
  extras: LocationExtras;
}

/** A decoded location. Named flags are computed on access so decoding stays allocation-light. */
export class Location implements LocationFields {
  constructor(
    public alarm: number,
    public status: number,
    public latitude: number,
    public longitude: number,
    public altitude: number,
    public speed: number,
    public direction: number,
    public time: Date | null,
    public extras: LocationExtras,
  ) {}

  get alarmFlags(): string[] {
    return alarmFlags(this.alarm);
  }

  get statusFlags(): string[] {
    return statusFlags(this.status);
  }

  get load(): LoadState {
    return loadState(this.status);
  }
}

export const LOCATION_BASIC_BYTES = 28;

/**
 * Reads the 28-byte basic information and then additional items up to `end` (at most `r.end`).
 * Only the basic information is required: additional bytes that do not parse end up in
 * `extras.unparsed` instead of failing the location.
 */
export function decodeLocation(r: BodyReader, end = r.end): Location {
  if (r.pos + LOCATION_BASIC_BYTES > end) {
    throw new Jt808Error(
      'truncated',
      `location needs ${LOCATION_BASIC_BYTES} bytes, has ${end - r.pos}`,
      r.buf.subarray(r.pos, end),
    );
  }
  const b = r.buf;
  const p = r.pos;
  const alarm = u32(b, p);
  const status = u32(b, p + 4);
  const latRaw = u32(b, p + 8);
  const lonRaw = u32(b, p + 12);
  const altitudeRaw = (b[p + 16]! << 8) | b[p + 17]!;
  const speedRaw = (b[p + 18]! << 8) | b[p + 19]!;
  const direction = (b[p + 20]! << 8) | b[p + 21]!;
  const time = readBcdTime(b, p + 22);
  r.pos = p + LOCATION_BASIC_BYTES;
  const extras = decodeExtras(r, end);
  return new Location(
    alarm,
    status,
    status & STATUS_SOUTH ? -latRaw / 1e6 : latRaw / 1e6,
    status & STATUS_WEST ? -lonRaw / 1e6 : lonRaw / 1e6,
    altitudeRaw > 0x7fff ? altitudeRaw - 0x10000 : altitudeRaw,
    speedRaw / 10,
    direction,
    time,
    extras,
  );
}

function u32(b: Uint8Array, p: number): number {
  return b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
}

function decodeExtras(r: BodyReader, end: number): LocationExtras {
  const extras: LocationExtras = {};
  const b = r.buf;
  let p = r.pos;
  while (p < end) {
    const id = b[p]!;
    // Checked only on an id 0x00, which the standard does not define: the happy path stays a
    // two-byte read per item.
    if (id === 0 && allZero(b, p, end)) {
      extras.unparsed = unparsedAt(r, p, end, 'zero padding');
      break;
    }
    if (p + 2 > end) {
      extras.unparsed = unparsedAt(r, p, end, 'item header cut short, 1 byte left');
      break;
    }
    const length = b[p + 1]!;
    const start = p + 2;
    if (start + length > end) {
      const reason = `item 0x${id.toString(16).padStart(2, '0')} ${declaresMore(length, end - start)}`;
      extras.unparsed = unparsedAt(r, p, end, reason);
      break;
    }
    p = start + length;
    if (!decodeKnownItem(extras, id, b, start, length)) {
      if (extras.others === undefined) extras.others = [];
      extras.others.push({ id, data: copyBytes(b, start, p) });
    }
  }
  r.pos = end;
  return extras;
}

function allZero(b: Uint8Array, from: number, end: number): boolean {
  for (let p = from; p < end; p++) if (b[p] !== 0) return false;
  return true;
}

/** Stores a known item in `extras`; false when the id is not known or its length is wrong. */
function decodeKnownItem(
  extras: LocationExtras,
  id: number,
  b: Uint8Array,
  p: number,
  length: number,
): boolean {
  switch (id) {
    case 0x01:
      if (length !== 4) return false;
      extras.mileage = u32(b, p) / 10;
      return true;
    case 0x02:
      if (length !== 2) return false;
      extras.fuel = ((b[p]! << 8) | b[p + 1]!) / 10;
      return true;
    case 0x03:
      if (length !== 2) return false;
      extras.recorderSpeed = ((b[p]! << 8) | b[p + 1]!) / 10;
      return true;
    case 0x04:
      if (length !== 2) return false;
      extras.alarmEventId = (b[p]! << 8) | b[p + 1]!;
      return true;
    case 0x11:
      if (length === 1 && b[p] === 0) extras.overspeedAlarm = { locationType: 0 };
      else if (length === 5 && b[p] !== 0)
        extras.overspeedAlarm = { locationType: b[p]!, areaId: u32(b, p + 1) };
      else return false;
      return true;
    case 0x12:
      if (length !== 6) return false;
      extras.areaAlarm = { locationType: b[p]!, areaId: u32(b, p + 1), direction: b[p + 5]! };
      return true;
    case 0x13:
      if (length !== 7) return false;
      extras.routeTimeAlarm = {
        routeId: u32(b, p),
        drivingTime: (b[p + 4]! << 8) | b[p + 5]!,
        result: b[p + 6]!,
      };
      return true;
    case 0x25:
      if (length !== 4) return false;
      extras.extendedSignals = u32(b, p);
      return true;
    case 0x2a:
      if (length !== 2) return false;
      extras.ioStatus = (b[p]! << 8) | b[p + 1]!;
      return true;
    case 0x2b:
      if (length !== 4) return false;
      extras.analog = { ad1: (b[p]! << 8) | b[p + 1]!, ad0: (b[p + 2]! << 8) | b[p + 3]! };
      return true;
    case 0x30:
      if (length !== 1) return false;
      extras.signalStrength = b[p]!;
      return true;
    case 0x31:
      if (length !== 1) return false;
      extras.satellites = b[p]!;
      return true;
    default:
      return false;
  }
}

/**
 * Writes the basic information; with `withExtras` also the additional items (known ids first).
 * `extras.unparsed` is a note on what a terminal sent, not an item: it is not written.
 */
export function encodeLocation(w: BodyWriter, location: LocationFields, withExtras = true): void {
  const south = location.latitude < 0 || Object.is(location.latitude, -0);
  const west = location.longitude < 0 || Object.is(location.longitude, -0);
  let status = location.status & ~(STATUS_SOUTH | STATUS_WEST);
  if (south) status |= STATUS_SOUTH;
  if (west) status |= STATUS_WEST;
  w.u32(location.alarm, 'alarm word');
  w.u32(status >>> 0, 'status word');
  w.u32(Math.round(Math.abs(location.latitude) * 1e6), 'latitude');
  w.u32(Math.round(Math.abs(location.longitude) * 1e6), 'longitude');
  const altitude = location.altitude;
  if (!(Number.isInteger(altitude) && altitude >= -0x8000 && altitude <= 0xffff)) {
    throw new Jt808Error('bad-value', `altitude ${altitude} m does not fit a WORD`);
  }
  w.u16(altitude < 0 ? altitude + 0x10000 : altitude, 'altitude');
  w.u16(Math.round(location.speed * 10), 'speed');
  w.u16(location.direction, 'direction');
  w.bytes(timeBytes(location.time));
  if (withExtras) encodeExtras(w, location.extras);
}

const TIME_SCRATCH = new Uint8Array(6);

function timeBytes(time: Date | null): Uint8Array {
  writeBcdTime(time, TIME_SCRATCH, 0);
  return TIME_SCRATCH;
}

function encodeExtras(w: BodyWriter, extras: LocationExtras): void {
  const item = (id: number, length: number) => w.u8(id).u8(length);
  if (extras.mileage !== undefined) item(0x01, 4).u32(Math.round(extras.mileage * 10), 'mileage');
  if (extras.fuel !== undefined) item(0x02, 2).u16(Math.round(extras.fuel * 10), 'fuel');
  if (extras.recorderSpeed !== undefined)
    item(0x03, 2).u16(Math.round(extras.recorderSpeed * 10), 'recorder speed');
  if (extras.alarmEventId !== undefined) item(0x04, 2).u16(extras.alarmEventId, 'alarm event id');
  const overspeed = extras.overspeedAlarm;
  if (overspeed !== undefined) {
    if (overspeed.locationType === 0) item(0x11, 1).u8(0);
    else
      item(0x11, 5)
        .u8(overspeed.locationType)
        .u32(overspeed.areaId ?? 0, 'area id');
  }
  const area = extras.areaAlarm;
  if (area !== undefined) item(0x12, 6).u8(area.locationType).u32(area.areaId, 'area id').u8(area.direction);
  const route = extras.routeTimeAlarm;
  if (route !== undefined)
    item(0x13, 7).u32(route.routeId, 'route id').u16(route.drivingTime).u8(route.result);
  if (extras.extendedSignals !== undefined) item(0x25, 4).u32(extras.extendedSignals, 'extended signals');
  if (extras.ioStatus !== undefined) item(0x2a, 2).u16(extras.ioStatus, 'IO status');
  if (extras.analog !== undefined) item(0x2b, 4).u16(extras.analog.ad1, 'AD1').u16(extras.analog.ad0, 'AD0');
  if (extras.signalStrength !== undefined) item(0x30, 1).u8(extras.signalStrength, 'signal strength');
  if (extras.satellites !== undefined) item(0x31, 1).u8(extras.satellites, 'satellites');
  for (const other of extras.others ?? []) item(other.id, other.data.length).bytes(other.data);
}
