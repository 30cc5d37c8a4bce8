import { type FleetStore, xToLon, yToLat } from './fleet-store.js';

export interface DrawnPoint {
  id: number;
  lon: number;
  lat: number;
  status: number;
}

/** What changed among the vehicles drawn one by one since the last frame (maplibre's updateData diff). */
export interface PointDiff {
  add: DrawnPoint[];
  update: DrawnPoint[];
  remove: number[];
}

/**
 * Remembers which vehicles the map draws one by one and where, so each frame sends only the
 * vehicles that appeared, moved, changed colour or left: a live update touches only what changed.
 */
export class PointTracker {
  private drawn = new Map<number, { x: number; y: number; status: number }>();

  diff(store: FleetStore, slots: readonly number[]): PointDiff {
    const next = new Map<number, { x: number; y: number; status: number }>();
    const result: PointDiff = { add: [], update: [], remove: [] };
    for (const slot of slots) {
      const id = store.ids[slot]!;
      const now = { x: store.x[slot]!, y: store.y[slot]!, status: store.statuses[slot]! };
      next.set(id, now);
      const before = this.drawn.get(id);
      if (before && before.x === now.x && before.y === now.y && before.status === now.status) continue;
      (before ? result.update : result.add).push({
        id,
        lon: xToLon(now.x),
        lat: yToLat(now.y),
        status: now.status,
      });
    }
    for (const id of this.drawn.keys()) if (!next.has(id)) result.remove.push(id);
    this.drawn = next;
    return result;
  }
}
