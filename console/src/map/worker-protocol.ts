import type { Cluster, FleetView } from './aggregate.js';
import type { PointDiff } from './point-diff.js';

/** Messages from the page to the fleet worker. */
export type ToFleetWorker =
  | { type: 'load'; url: string }
  /** A message of the live feed as it came (a JSON array of deltas). */
  | { type: 'deltas'; json: string }
  | { type: 'frame'; view: FleetView };

export interface FleetFrame {
  type: 'frame';
  clusters: Cluster[];
  points: PointDiff;
  visible: number;
  /** Vehicles drawn one by one after this frame. */
  drawn: number;
  totals: number[];
  unplaced: number;
  /** Time the worker spent on the frame. */
  workerMs: number;
  /** Messages of deltas applied before this frame (all received so far, in order). */
  batches: number;
}

/** Messages from the fleet worker to the page. */
export type FromFleetWorker =
  | { type: 'loaded'; count: number; atMs: number }
  | { type: 'error'; message: string }
  | FleetFrame;
