/**
 * The map's fleet snapshot as plain little-endian columns, so the browser reads it with typed-array
 * views and no parsing (console/src/map/fleet-columns.ts is the reader; docs/console.md explains
 * why not the live feed's protobuf snapshot: the map also needs each vehicle's center and whether
 * it is moving).
 *
 *   offset 0   uint32  MAGIC
 *   offset 4   uint32  n, the number of vehicles
 *   offset 8   float64 time of the snapshot, ms since the epoch
 *   offset 16  uint32[n] vehicle ids
 *              int32[n]  latitudes in 1e-5 degrees (NO_POSITION when unknown)
 *              int32[n]  longitudes in 1e-5 degrees
 *              uint32[n] center ids
 *              uint8[n]  MapStatus codes
 */
export const FLEET_MAGIC = 0x31464d4a; // "JMF1"
export const NO_POSITION = -0x80000000;
export const HEADER_BYTES = 16;

/** Map status: the engine's verdict, with "online" split by motion. */
export const MAP_STATUS = { 'never-seen': 0, moving: 1, parked: 2, offline: 3, faulty: 4 } as const;
export type MapStatus = keyof typeof MAP_STATUS;

/** A vehicle moving at least this fast (km/h) is drawn as moving; slower readings are GNSS jitter at rest. */
export const MOVING_KMH = 5;

export function mapStatusOf(status: string | null, speedKmh: number | null): MapStatus {
  if (status === 'online') return (speedKmh ?? 0) >= MOVING_KMH ? 'moving' : 'parked';
  if (status === 'offline' || status === 'faulty') return status;
  return 'never-seen';
}

/** The columns to encode (FleetIndex holds them). */
export interface FleetColumnsSource {
  count: number;
  ids: Uint32Array;
  centers: Uint32Array;
  /** 1e-5 degrees, NO_POSITION when unknown. */
  latitudes: Int32Array;
  longitudes: Int32Array;
  /** MAP_STATUS codes. */
  statuses: Uint8Array;
}

/** Encodes the vehicles whose slot `keep` accepts (every vehicle without it). Pure. */
export function encodeFleetColumns(
  source: FleetColumnsSource,
  atMs: number,
  keep?: (slot: number) => boolean,
): Uint8Array {
  const kept: number[] = [];
  for (let slot = 0; slot < source.count; slot++) if (!keep || keep(slot)) kept.push(slot);
  const n = kept.length;
  const bytes = new Uint8Array(HEADER_BYTES + 17 * n);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, FLEET_MAGIC, true);
  view.setUint32(4, n, true);
  view.setFloat64(8, atMs, true);
  // Column by column into typed views (the wire and every platform we run on are little-endian).
  const column = <T>(make: (buffer: ArrayBuffer, offset: number, length: number) => T, index: number) =>
    make(bytes.buffer, HEADER_BYTES + 4 * n * index, n);
  const ids = column((b, o, l) => new Uint32Array(b, o, l), 0);
  const lats = column((b, o, l) => new Int32Array(b, o, l), 1);
  const lons = column((b, o, l) => new Int32Array(b, o, l), 2);
  const centers = column((b, o, l) => new Uint32Array(b, o, l), 3);
  const statuses = new Uint8Array(bytes.buffer, HEADER_BYTES + 16 * n, n);
  kept.forEach((slot, i) => {
    ids[i] = source.ids[slot]!;
    lats[i] = source.latitudes[slot]!;
    lons[i] = source.longitudes[slot]!;
    centers[i] = source.centers[slot]!;
    statuses[i] = source.statuses[slot]!;
  });
  return bytes;
}
