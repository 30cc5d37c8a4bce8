/**
 * Reads the platform's map snapshot (GET /api/map/fleet; the layout is written down in
 * platform/api/src/map/fleet-columns.ts) as typed-array views over the received bytes: nothing is
 * parsed or copied.
 */
export const FLEET_MAGIC = 0x31464d4a;
export const NO_POSITION = -0x80000000;
const HEADER_BYTES = 16;

export interface FleetColumns {
  count: number;
  atMs: number;
  ids: Uint32Array;
  /** 1e-5 degrees; NO_POSITION when unknown. */
  latitudes: Int32Array;
  longitudes: Int32Array;
  centers: Uint32Array;
  statuses: Uint8Array;
}

export function readFleetColumns(buffer: ArrayBuffer): FleetColumns {
  if (buffer.byteLength < HEADER_BYTES) throw new Error('map snapshot: too short');
  const view = new DataView(buffer);
  if (view.getUint32(0, true) !== FLEET_MAGIC) throw new Error('map snapshot: not a fleet snapshot');
  const count = view.getUint32(4, true);
  if (buffer.byteLength !== HEADER_BYTES + 17 * count) throw new Error('map snapshot: truncated');
  let offset = HEADER_BYTES;
  const column = <T>(make: (b: ArrayBuffer, o: number, n: number) => T, bytesEach: number): T => {
    const array = make(buffer, offset, count);
    offset += bytesEach * count;
    return array;
  };
  // Typed arrays read the platform's byte order; every browser we target is little-endian, as is the wire.
  return {
    count,
    atMs: view.getFloat64(8, true),
    ids: column((b, o, n) => new Uint32Array(b, o, n), 4),
    latitudes: column((b, o, n) => new Int32Array(b, o, n), 4),
    longitudes: column((b, o, n) => new Int32Array(b, o, n), 4),
    centers: column((b, o, n) => new Uint32Array(b, o, n), 4),
    statuses: column((b, o, n) => new Uint8Array(b, o, n), 1),
  };
}
