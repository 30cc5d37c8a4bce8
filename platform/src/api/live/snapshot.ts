import { readFileSync } from 'node:fs';
import type pg from 'pg';
import protobuf from 'protobufjs';
import type { Scope } from '../scope.js';

const root = protobuf.parse(
  readFileSync(new URL('../../../schema/live.proto', import.meta.url), 'utf8'),
).root;
const FleetSnapshot = root.lookupType('jt808.live.v1.FleetSnapshot');

export const STATUS_CODES: Record<string, number> = { 'never-seen': 0, online: 1, offline: 2, faulty: 3 };

export interface SnapshotVehicle {
  id: number;
  latitude: number | null;
  longitude: number | null;
  status: string;
}

/** Encodes vehicles (sorted by id) as the delta-coded columns of FleetSnapshot. Pure. */
export function encodeSnapshot(vehicles: SnapshotVehicle[], atMs: number): Uint8Array {
  const ids: number[] = [];
  const lats: number[] = [];
  const lons: number[] = [];
  const status: number[] = [];
  let id = 0;
  let lat = 0;
  let lon = 0;
  for (const v of vehicles) {
    ids.push(v.id - id);
    id = v.id;
    const vLat = Math.round((v.latitude ?? 0) * 1e5);
    const vLon = Math.round((v.longitude ?? 0) * 1e5);
    lats.push(vLat - lat);
    lons.push(vLon - lon);
    lat = vLat;
    lon = vLon;
    status.push(STATUS_CODES[v.status] ?? 0);
  }
  return FleetSnapshot.encode({
    atMs,
    vehicleIdDeltas: ids,
    latitudeDeltas: lats,
    longitudeDeltas: lons,
    status,
  }).finish();
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

/** Every vehicle in scope with its position and status, ready for encodeSnapshot. */
export async function loadSnapshotVehicles(pool: pg.Pool, scope: Scope): Promise<SnapshotVehicle[]> {
  const { rows } = await pool.query<{
    id: string;
    latitude: number | null;
    longitude: number | null;
    status: string | null;
  }>(
    `SELECT vehicle.id, st.latitude, st.longitude, s.status
       FROM vehicles vehicle
       LEFT JOIN terminals t ON t.vehicle_id = vehicle.id
       LEFT JOIN terminal_state st ON st.phone = t.phone
       LEFT JOIN terminal_status s ON s.phone = t.phone
      WHERE ${scope.vehicles}
      ORDER BY vehicle.id`,
    scope.params,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    latitude: r.latitude,
    longitude: r.longitude,
    status: r.status ?? 'never-seen',
  }));
}
