import { type FleetStore, xToLon, yToLat } from './fleet-store.js';

export interface DrawnPoint {
  id: number;
  lon: number;
  lat: number;
  status: number;
}

/** A vehicle of the store as the map draws it. */
export function drawnPoint(store: FleetStore, slot: number): DrawnPoint {
  return {
    id: store.ids[slot]!,
    lon: xToLon(store.x[slot]!),
    lat: yToLat(store.y[slot]!),
    status: store.statuses[slot]!,
  };
}

/** What changed among the vehicles drawn one by one since the last frame (maplibre's updateData diff). */
export interface PointDiff {
  add: DrawnPoint[];
  update: DrawnPoint[];
  remove: number[];
}

/**
 * Remembers which vehicles the map draws one by one and where, so each frame sends only the
 * vehicles that appeared, moved on screen, changed colour or left: a live update touches only what
 * changed. A move of less than half a pixel at the view's zoom is not sent (the drawn position stays
 * the last one sent, so such moves add up until they show): at the province's zoom a pixel is about
 * 2 km and a fix every 30 s moves a vehicle a few hundred metres, so the whole province's stream
 * would otherwise redraw the map every second for nothing visible. Under software compositing
 * (chromium without a GPU) each redraw held the page's thread for 100-600 ms (bench/RESULTS.md,
 * "Console map").
 */
export class PointTracker {
  private drawn = new Map<number, { x: number; y: number; status: number }>();

  diff(store: FleetStore, slots: readonly number[], zoom: number): PointDiff {
    // World units (0..1) of half a screen pixel: maplibre's world is 512 * 2^zoom pixels wide.
    const halfPixel = 0.5 / (512 * 2 ** zoom);
    const next = new Map<number, { x: number; y: number; status: number }>();
    const result: PointDiff = { add: [], update: [], remove: [] };
    for (const slot of slots) {
      const id = store.ids[slot]!;
      const x = store.x[slot]!;
      const y = store.y[slot]!;
      const status = store.statuses[slot]!;
      const before = this.drawn.get(id);
      if (
        before &&
        before.status === status &&
        Math.abs(before.x - x) < halfPixel &&
        Math.abs(before.y - y) < halfPixel
      ) {
        next.set(id, before);
        continue;
      }
      next.set(id, { x, y, status });
      (before ? result.update : result.add).push(drawnPoint(store, slot));
    }
    for (const id of this.drawn.keys()) if (!next.has(id)) result.remove.push(id);
    this.drawn = next;
    return result;
  }
}
