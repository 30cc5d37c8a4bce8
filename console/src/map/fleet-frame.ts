import { aggregate, type FleetView } from './aggregate.js';
import type { FleetStore } from './fleet-store.js';
import { drawnPoint, type PointTracker } from './point-diff.js';
import type { FleetFrame } from './worker-protocol.js';

/**
 * One view of the fleet as the page draws it. While the view is clustered, the vehicles alone in
 * their cell go to the page as a list for HTML markers, like the clusters, and the map's WebGL
 * vehicle layer is emptied: under the live feed a vehicle becomes or stops being alone in its cell
 * every few seconds somewhere in the province, and each such change to the layer was a WebGL
 * redraw, which under software compositing held the page's thread for 100-250 ms (bench/RESULTS.md,
 * "Console map"). Their number is bounded by the cells on screen (80 px each), like the clusters'.
 * A view with few enough vehicles to draw them all (up to MAX_POINTS) draws them in the layer,
 * changed ones only (`tracker`).
 */
export function fleetFrame(
  store: FleetStore,
  tracker: PointTracker,
  view: FleetView,
): Omit<FleetFrame, 'type' | 'workerMs' | 'batches'> {
  const result = aggregate(store, view);
  const clustered = result.clusters.length > 0;
  return {
    clusters: result.clusters,
    singles: clustered ? result.points.map((slot) => drawnPoint(store, slot)) : [],
    points: tracker.diff(store, clustered ? [] : result.points, view.zoom),
    visible: result.visible,
    drawn: result.points.length,
    totals: result.totals,
    unplaced: result.unplaced,
  };
}
