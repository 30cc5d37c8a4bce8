import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { type FleetColumnsSource, MAP_STATUS, type MapStatus, NO_POSITION } from '../map/fleet-columns.js';

const root = protobuf.parse(readFileSync(new URL('../../schema/live.proto', import.meta.url), 'utf8')).root;
const FleetSnapshot = root.lookupType('jt808.live.v1.FleetSnapshot');

export const STATUS_CODES: Record<string, number> = { 'never-seen': 0, online: 1, offline: 2, faulty: 3 };

export interface SnapshotVehicle {
  id: number;
  latitude: number | null;
  longitude: number | null;
  status: string;
}

/**
 * Encodes vehicles (sorted by id) as the delta-coded columns of FleetSnapshot. Pure.
 *
 * The packed columns are written straight into one buffer: protobufjs's Writer queues an operation
 * object per value, 1.6 million of them for 400,000 vehicles (about 1 s, four times JSON.stringify
 * of the same rows; bench/RESULTS.md, "API"). The bytes are the schema's wire format, which
 * decodeSnapshot reads back with protobufjs.
 */
export function encodeSnapshot(vehicles: SnapshotVehicle[], atMs: number): Uint8Array {
  const n = vehicles.length;
  const ids = new Uint32Array(n);
  const lats = new Int32Array(n);
  const lons = new Int32Array(n);
  const status = new Uint32Array(n);
  let id = 0;
  let lat = 0;
  let lon = 0;
  vehicles.forEach((v, i) => {
    ids[i] = v.id - id;
    id = v.id;
    const vLat = Math.round((v.latitude ?? 0) * 1e5);
    const vLon = Math.round((v.longitude ?? 0) * 1e5);
    lats[i] = vLat - lat;
    lons[i] = vLon - lon;
    lat = vLat;
    lon = vLon;
    status[i] = STATUS_CODES[v.status] ?? 0;
  });
  // Worst case: a 10-byte at_ms, and per column a tag, a 5-byte length and 5 bytes a value.
  const out = new WireWriter(16 + 4 * (6 + 5 * n));
  if (atMs !== 0) {
    out.varint(1 << 3); // at_ms, varint
    out.varint(atMs);
  }
  out.packed(2, ids, false);
  out.packed(3, lats, true);
  out.packed(4, lons, true);
  out.packed(5, status, false);
  return out.finish();
}

/** Just enough of the protobuf wire format for FleetSnapshot: varints and packed varint columns. */
class WireWriter {
  private readonly bytes: Uint8Array;
  private at = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }

  /** A non-negative integer up to 2^53 (at_ms needs more than 32 bits). */
  varint(value: number): void {
    while (value >= 0x80) {
      this.bytes[this.at++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.bytes[this.at++] = value;
  }

  private varint32(value: number): void {
    while (value > 0x7f) {
      this.bytes[this.at++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.bytes[this.at++] = value;
  }

  /** A packed repeated field; `zigzag` for sint32. Empty columns are left out, as proto3 does. */
  packed(field: number, values: Uint32Array | Int32Array, zigzag: boolean): void {
    if (values.length === 0) return;
    this.varint32((field << 3) | 2);
    // The length comes before the values: write them after a 5-byte gap, then move them back.
    const lengthAt = this.at;
    this.at += 5;
    const start = this.at;
    for (const value of values) this.varint32(zigzag ? ((value << 1) ^ (value >> 31)) >>> 0 : value >>> 0);
    const length = this.at - start;
    this.at = lengthAt;
    this.varint32(length);
    this.bytes.copyWithin(this.at, start, start + length);
    this.at += length;
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.at);
  }
}

/** The inverse of encodeSnapshot (what a client does), for tests and tools. */
export function decodeSnapshot(bytes: Uint8Array): { atMs: number; vehicles: SnapshotVehicle[] } {
  const message = FleetSnapshot.toObject(FleetSnapshot.decode(bytes), { longs: Number, arrays: true }) as {
    atMs: number;
    vehicleIdDeltas: number[];
    latitudeDeltas: number[];
    longitudeDeltas: number[];
    status: number[];
  };
  const names = Object.keys(STATUS_CODES);
  const vehicles: SnapshotVehicle[] = [];
  let id = 0;
  let lat = 0;
  let lon = 0;
  message.vehicleIdDeltas.forEach((delta, i) => {
    id += delta;
    lat += message.latitudeDeltas[i]!;
    lon += message.longitudeDeltas[i]!;
    vehicles.push({
      id,
      latitude: lat / 1e5,
      longitude: lon / 1e5,
      status: names[message.status[i]!] ?? 'never-seen',
    });
  });
  return { atMs: message.atMs, vehicles };
}

/** The live status of each map status (the map splits "online" by motion). */
const LIVE_STATUS_OF_MAP: Record<MapStatus, string> = {
  'never-seen': 'never-seen',
  moving: 'online',
  parked: 'online',
  offline: 'offline',
  faulty: 'faulty',
};
const MAP_STATUS_NAMES = Object.keys(MAP_STATUS) as MapStatus[];

/**
 * The vehicles of the in-memory fleet index whose slot `keep` accepts (all without it), sorted by
 * id, ready for encodeSnapshot: a snapshot is a pass over memory, not a query over the roster.
 * A vehicle that never reported is where the index placed it (its center).
 */
export function snapshotVehicles(
  index: FleetColumnsSource,
  keep?: (slot: number) => boolean,
): SnapshotVehicle[] {
  const vehicles: SnapshotVehicle[] = [];
  let sorted = true;
  for (let slot = 0; slot < index.count; slot++) {
    if (keep && !keep(slot)) continue;
    const id = index.ids[slot]!;
    if (vehicles.length > 0 && id < vehicles[vehicles.length - 1]!.id) sorted = false;
    const located = index.latitudes[slot] !== NO_POSITION;
    vehicles.push({
      id,
      latitude: located ? index.latitudes[slot]! / 1e5 : null,
      longitude: located ? index.longitudes[slot]! / 1e5 : null,
      status: LIVE_STATUS_OF_MAP[MAP_STATUS_NAMES[index.statuses[slot]!]!],
    });
  }
  // Vehicles the index learned of after loading sit at its end.
  if (!sorted) vehicles.sort((a, b) => a.id - b.id);
  return vehicles;
}
