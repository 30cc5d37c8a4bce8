import type { LiveDelta } from '@jt808/api-contract';
import { type FleetColumns, NO_POSITION } from './fleet-columns.js';
import { MOVING_KMH, STATUS_CODE, statusCodeOf } from './map-status.js';

/** Web Mercator in world units (0..1 from the antimeridian west and from the north edge). */
export const lonToX = (lon: number): number => (lon + 180) / 360;
export const latToY = (lat: number): number =>
  0.5 - Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) / (2 * Math.PI);
export const xToLon = (x: number): number => x * 360 - 180;
export const yToLat = (y: number): number =>
  (360 / Math.PI) * Math.atan(Math.exp((0.5 - y) * 2 * Math.PI)) - 90;

/**
 * What the store reads of the live feed's deltas (the contract's LiveDelta, docs/api.md "Live feed"):
 * a type of the contract's, so the worker's code needs nothing of the page's.
 */
export type FleetDelta =
  | Pick<Extract<LiveDelta, { t: 'pos' }>, 't' | 'v' | 'c' | 'lat' | 'lon' | 'spd'>
  | Pick<Extract<LiveDelta, { t: 'status' }>, 't' | 'v' | 'c' | 's'>;

/**
 * Every vehicle the user may see, one slot each in flat typed arrays (400,000 vehicles take about
 * 9 MB), kept current by the live feed's deltas. A delta writes its vehicle's slot and nothing
 * else, so a burst of thousands of positions costs a few milliseconds.
 */
export class FleetStore {
  count = 0;
  ids: Uint32Array;
  /** Web Mercator position; NaN when the vehicle has none yet. */
  x: Float64Array;
  y: Float64Array;
  centers: Uint32Array;
  /** Map status codes (map-status.ts). */
  statuses: Uint8Array;
  /** 1 when the last fix was at moving speed: an "online" verdict shows as moving or parked by it. */
  moving: Uint8Array;
  private readonly slots = new Map<number, number>();

  constructor(capacity = 1024) {
    this.ids = new Uint32Array(capacity);
    this.x = new Float64Array(capacity);
    this.y = new Float64Array(capacity);
    this.centers = new Uint32Array(capacity);
    this.statuses = new Uint8Array(capacity);
    this.moving = new Uint8Array(capacity);
  }

  static fromColumns(columns: FleetColumns): FleetStore {
    const store = new FleetStore(Math.max(1024, Math.ceil(columns.count * 1.05)));
    for (let i = 0; i < columns.count; i++) {
      const lat = columns.latitudes[i]!;
      const lon = columns.longitudes[i]!;
      const located = lat !== NO_POSITION && lon !== NO_POSITION;
      store.append(
        columns.ids[i]!,
        columns.centers[i]!,
        located ? lonToX(lon / 1e5) : Number.NaN,
        located ? latToY(lat / 1e5) : Number.NaN,
        columns.statuses[i]!,
      );
    }
    return store;
  }

  slotOf(vehicleId: number): number | undefined {
    return this.slots.get(vehicleId);
  }

  /** Applies live deltas; a vehicle not seen before (added to the roster since) gets a new slot. */
  apply(deltas: readonly FleetDelta[]): void {
    for (const delta of deltas) {
      let slot = this.slots.get(delta.v);
      if (slot === undefined) {
        slot = this.append(delta.v, delta.c, Number.NaN, Number.NaN, STATUS_CODE['never-seen']);
      }
      this.centers[slot] = delta.c;
      if (delta.t === 'pos') {
        if (!(Number.isFinite(delta.lat) && Number.isFinite(delta.lon))) continue;
        this.x[slot] = lonToX(delta.lon);
        this.y[slot] = latToY(delta.lat);
        const status = this.statuses[slot]!;
        // Motion only refines "online": a fix does not bring an offline or faulty vehicle back.
        if (status === STATUS_CODE.moving || status === STATUS_CODE.parked) {
          this.statuses[slot] = delta.spd >= MOVING_KMH ? STATUS_CODE.moving : STATUS_CODE.parked;
        }
        this.moving[slot] = delta.spd >= MOVING_KMH ? 1 : 0;
      } else {
        this.statuses[slot] = statusCodeOf(delta.s, this.moving[slot] === 1);
      }
    }
  }

  private append(id: number, center: number, x: number, y: number, status: number): number {
    if (this.count === this.ids.length) this.grow();
    const slot = this.count++;
    this.ids[slot] = id;
    this.centers[slot] = center;
    this.x[slot] = x;
    this.y[slot] = y;
    this.statuses[slot] = status;
    this.moving[slot] = status === STATUS_CODE.moving ? 1 : 0;
    this.slots.set(id, slot);
    return slot;
  }

  private grow(): void {
    const capacity = Math.ceil(this.ids.length * 1.5);
    const grown = <T extends Uint32Array | Float64Array | Uint8Array>(
      array: T,
      make: (n: number) => T,
    ): T => {
      const next = make(capacity);
      next.set(array as never);
      return next;
    };
    this.ids = grown(this.ids, (n) => new Uint32Array(n));
    this.x = grown(this.x, (n) => new Float64Array(n));
    this.y = grown(this.y, (n) => new Float64Array(n));
    this.centers = grown(this.centers, (n) => new Uint32Array(n));
    this.statuses = grown(this.statuses, (n) => new Uint8Array(n));
    this.moving = grown(this.moving, (n) => new Uint8Array(n));
  }
}
