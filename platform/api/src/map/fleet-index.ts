import type pg from 'pg';
import type { LiveDelta } from '../live/live-feed.js';
import {
  type FleetColumnsSource,
  MAP_STATUS,
  type MapStatus,
  MOVING_KMH,
  mapStatusOf,
  NO_POSITION,
} from './fleet-columns.js';

const MAP_STATUS_NAMES = Object.keys(MAP_STATUS) as MapStatus[];

export interface FleetRow {
  id: number;
  centerId: number;
  latitude: number | null;
  longitude: number | null;
  status: MapStatus;
}

/**
 * Every vehicle's map state (center, position, map status) in flat typed arrays in the API process
 * (about 18 bytes a vehicle: 7 MB for 400,000), kept current by the live feed's deltas. The map
 * snapshot of any user is then a pass over memory instead of a five-table join over the whole
 * roster per request (seconds at 400,000 vehicles). Vehicles loaded at start are in id order and
 * found by binary search; those that appear later (roster imports, first fixes of vehicles not
 * loaded) are appended and found through a small map.
 */
export class FleetIndex implements FleetColumnsSource {
  count = 0;
  ids: Uint32Array;
  centers: Uint32Array;
  latitudes: Int32Array;
  longitudes: Int32Array;
  statuses: Uint8Array;
  /** 1 when the last fix was at moving speed: an "online" verdict is moving or parked by it. */
  moving: Uint8Array;
  /** Slots are sorted by id up to here. */
  private sorted = 0;
  private readonly appended = new Map<number, number>();
  /**
   * Vehicles per center by map status, kept as slots change: every dashboard asks for them every
   * 10 s, and counting 400,000 slots per request took 45 % of the API's CPU at 30 requests a second.
   */
  private readonly tally = new Map<number, Uint32Array>();

  constructor(capacity = 1024) {
    this.ids = new Uint32Array(capacity);
    this.centers = new Uint32Array(capacity);
    this.latitudes = new Int32Array(capacity);
    this.longitudes = new Int32Array(capacity);
    this.statuses = new Uint8Array(capacity);
    this.moving = new Uint8Array(capacity);
  }

  /** Rows sorted by id (as `load` reads them). */
  static fromRows(rows: readonly FleetRow[]): FleetIndex {
    const index = new FleetIndex(Math.max(1024, Math.ceil(rows.length * 1.05)));
    for (const row of rows) {
      if (!(Number.isInteger(row.id) && row.id > 0 && row.id <= 0xffffffff)) {
        throw new RangeError(`vehicle id ${row.id} does not fit the map snapshot's uint32 column`);
      }
      const slot = index.append(row.id, row.centerId);
      index.place(slot, row.latitude, row.longitude);
      index.settle(slot, row.centerId, MAP_STATUS[row.status]);
      index.moving[slot] = row.status === 'moving' ? 1 : 0;
    }
    index.sorted = index.count;
    index.appended.clear();
    return index;
  }

  /**
   * Reads every vehicle from the database. Vehicles that never sent a fix are placed at their
   * monitoring center, so every vehicle is on the map (and cluster counts add up to the fleet).
   */
  static async load(pool: pg.Pool): Promise<FleetIndex> {
    const { rows } = await pool.query<
      [string, number, number | null, number | null, string | null, number | null]
    >({
      text: `SELECT vehicle.id, vehicle.center_id,
                    coalesce(st.latitude, center.latitude), coalesce(st.longitude, center.longitude),
                    s.status, st.speed
               FROM vehicles vehicle
               JOIN centers center ON center.id = vehicle.center_id
               LEFT JOIN terminals t ON t.vehicle_id = vehicle.id
               LEFT JOIN terminal_state st ON st.phone = t.phone
               LEFT JOIN terminal_status s ON s.phone = t.phone
              ORDER BY vehicle.id`,
      rowMode: 'array',
    });
    return FleetIndex.fromRows(
      rows.map(([id, centerId, latitude, longitude, status, speed]) => ({
        id: Number(id),
        centerId,
        latitude,
        longitude,
        status: mapStatusOf(status, speed),
      })),
    );
  }

  /** Vehicles of each center by map status (a center without vehicles is absent). */
  countsByCenter(): Map<number, Record<MapStatus, number>> {
    const counts = new Map<number, Record<MapStatus, number>>();
    for (const [center, tally] of this.tally) {
      if (tally.every((n) => n === 0)) continue;
      counts.set(
        center,
        Object.fromEntries(MAP_STATUS_NAMES.map((name) => [name, tally[MAP_STATUS[name]]!])) as Record<
          MapStatus,
          number
        >,
      );
    }
    return counts;
  }

  slotOf(id: number): number | undefined {
    let low = 0;
    let high = this.sorted - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const at = this.ids[mid]!;
      if (at === id) return mid;
      if (at < id) low = mid + 1;
      else high = mid - 1;
    }
    return this.appended.get(id);
  }

  /** Applies the live feed's deltas (positions, status verdicts) to their vehicles. */
  apply(deltas: readonly LiveDelta[]): void {
    for (const delta of deltas) {
      const slot = this.slotOf(delta.v) ?? this.append(delta.v, delta.c);
      let status = this.statuses[slot]!;
      if (delta.t === 'pos') {
        this.place(slot, delta.lat, delta.lon);
        const moving = delta.spd >= MOVING_KMH;
        this.moving[slot] = moving ? 1 : 0;
        // Motion only refines "online": a fix does not bring an offline or faulty vehicle back.
        if (status === MAP_STATUS.moving || status === MAP_STATUS.parked) {
          status = moving ? MAP_STATUS.moving : MAP_STATUS.parked;
        }
      } else {
        status = MAP_STATUS[mapStatusOf(delta.s, this.moving[slot] === 1 ? MOVING_KMH : 0)];
      }
      this.settle(slot, delta.c, status);
    }
  }

  /** Moves a slot to its center and status, and the tally with it. */
  private settle(slot: number, center: number, status: number): void {
    const was = this.statuses[slot]!;
    const wasIn = this.centers[slot]!;
    if (was === status && wasIn === center) return;
    this.tallyOf(wasIn)[was]!--;
    this.tallyOf(center)[status]!++;
    this.centers[slot] = center;
    this.statuses[slot] = status;
  }

  private tallyOf(center: number): Uint32Array {
    let tally = this.tally.get(center);
    if (!tally) {
      tally = new Uint32Array(MAP_STATUS_NAMES.length);
      this.tally.set(center, tally);
    }
    return tally;
  }

  private place(slot: number, latitude: number | null, longitude: number | null): void {
    const located =
      latitude !== null && longitude !== null && Number.isFinite(latitude) && Number.isFinite(longitude);
    this.latitudes[slot] = located ? Math.round(latitude * 1e5) : NO_POSITION;
    this.longitudes[slot] = located ? Math.round(longitude * 1e5) : NO_POSITION;
  }

  private append(id: number, center: number): number {
    if (this.count === this.ids.length) this.grow();
    const slot = this.count++;
    this.ids[slot] = id;
    this.centers[slot] = center;
    this.latitudes[slot] = NO_POSITION;
    this.longitudes[slot] = NO_POSITION;
    this.statuses[slot] = MAP_STATUS['never-seen'];
    this.tallyOf(center)[MAP_STATUS['never-seen']]!++;
    this.moving[slot] = 0;
    this.appended.set(id, slot);
    return slot;
  }

  private grow(): void {
    const capacity = Math.ceil(this.ids.length * 1.5);
    const grown = <T extends Uint32Array | Int32Array | Uint8Array>(array: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(array as never);
      return next;
    };
    this.ids = grown(this.ids, (n) => new Uint32Array(n));
    this.centers = grown(this.centers, (n) => new Uint32Array(n));
    this.latitudes = grown(this.latitudes, (n) => new Int32Array(n));
    this.longitudes = grown(this.longitudes, (n) => new Int32Array(n));
    this.statuses = grown(this.statuses, (n) => new Uint8Array(n));
    this.moving = grown(this.moving, (n) => new Uint8Array(n));
  }
}
