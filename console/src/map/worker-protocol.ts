import type { Cluster, FleetView } from './aggregate.js';
import type { DrawnPoint, PointDiff } from './point-diff.js';

/** Messages from the page to the fleet worker. */
export type ToFleetWorker =
  /** Load the map snapshot from `url`; the worker listens to the live feed from then on. */
  { type: 'load'; url: string } | { type: 'frame'; view: FleetView };

export interface FleetFrame {
  type: 'frame';
  clusters: Cluster[];
  /** While the view is clustered: the vehicles alone in their cell, drawn as HTML markers. */
  singles: DrawnPoint[];
  /** The changes to the map's vehicle layer (empty while the view is clustered). */
  points: PointDiff;
  visible: number;
  /** Vehicles drawn one by one after this frame (markers and layer). */
  drawn: number;
  totals: number[];
  unplaced: number;
  /** Time the worker spent on the frame. */
  workerMs: number;
  /** Messages of deltas applied before this frame (all the worker announced so far, in order). */
  batches: number;
}

/** Messages from the fleet worker to the page. */
export type FromFleetWorker =
  | { type: 'loaded'; count: number; atMs: number }
  /** A message of live deltas arrived (and was applied) at `atMs` (epoch ms, performance.timeOrigin + now). */
  | { type: 'deltas'; atMs: number }
  | { type: 'error'; message: string }
  | FleetFrame;
