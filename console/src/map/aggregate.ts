import { type FleetStore, latToY, lonToX, xToLon, yToLat } from './fleet-store.js';
import { MAP_STATUSES } from './map-status.js';

/** What the map shows: a viewport at a zoom, and the user's filter. */
export interface FleetView {
  /** [west, south, east, north] in degrees. */
  bbox: [number, number, number, number];
  zoom: number;
  /** Center ids to show; empty for all. */
  centers: number[];
  /** Map status codes to show; empty for all. */
  statuses: number[];
}

export interface Cluster {
  /** Stable while the map pans at one zoom level: the grid cell. */
  key: string;
  lon: number;
  lat: number;
  count: number;
  /** Vehicles per map status code. */
  byStatus: number[];
}

export interface Aggregation {
  clusters: Cluster[];
  /** Store slots of the vehicles drawn one by one. */
  points: number[];
  /** Vehicles that pass the filter inside the viewport. */
  visible: number;
  /** Vehicles of the chosen centers anywhere, per map status code, whatever the status filter (the legend's counts). */
  totals: number[];
  /** Vehicles that pass the filter but have no position (and no center position) to draw them at. */
  unplaced: number;
}

/** A cluster cell is this many screen pixels wide (maplibre's 512-pixel tiles). */
export const CELL_PX = 80;
/** Up to this many vehicles in the viewport are drawn one by one rather than clustered. */
export const MAX_POINTS = 3000;

const STATUS_COUNT = MAP_STATUSES.length;

/**
 * Clusters the fleet for one view on a screen-pixel grid anchored to the world (so clusters do not
 * jump while panning). One pass over flat arrays: about 400,000 vehicles in a few milliseconds,
 * with no index to rebuild when a live update moves a vehicle. When the viewport holds at most
 * `maxPoints` vehicles they are all drawn one by one; otherwise cells holding a single vehicle
 * are drawn as that vehicle and the rest as clusters.
 */
export function aggregate(store: FleetStore, view: FleetView, maxPoints = MAX_POINTS): Aggregation {
  const level = Math.max(0, Math.floor(view.zoom));
  const cell = CELL_PX / (512 * 2 ** level);
  const [west, south, east, north] = view.bbox;
  const x0 = lonToX(west);
  const x1 = lonToX(east);
  const y0 = latToY(Math.min(85, north));
  const y1 = latToY(Math.max(-85, south));
  const cx0 = Math.floor(x0 / cell);
  const cy0 = Math.floor(y0 / cell);
  const cols = Math.floor(x1 / cell) - cx0 + 1;
  const rows = Math.floor(y1 / cell) - cy0 + 1;
  if (!(cols > 0 && rows > 0 && cols * rows <= 1_000_000)) {
    throw new RangeError(`aggregate: a viewport of ${cols} x ${rows} cells`);
  }
  const counts = new Uint32Array(cols * rows * STATUS_COUNT);
  const cellTotals = new Uint32Array(cols * rows);
  const sumX = new Float64Array(cols * rows);
  const sumY = new Float64Array(cols * rows);
  const lastSlot = new Int32Array(cols * rows);
  const totals = new Array<number>(STATUS_COUNT).fill(0);
  const centerFilter = view.centers.length > 0 ? new Set(view.centers) : undefined;
  const statusFilter = new Uint8Array(STATUS_COUNT).fill(view.statuses.length > 0 ? 0 : 1);
  for (const code of view.statuses) statusFilter[code] = 1;

  const { x, y, statuses, centers } = store;
  const inView: number[] = [];
  let visible = 0;
  let unplaced = 0;
  for (let slot = 0; slot < store.count; slot++) {
    if (centerFilter && !centerFilter.has(centers[slot]!)) continue;
    const status = statuses[slot]!;
    totals[status]!++;
    if (statusFilter[status] === 0) continue;
    const px = x[slot]!;
    const py = y[slot]!;
    if (Number.isNaN(px)) {
      unplaced++;
      continue;
    }
    if (px < x0 || px > x1 || py < y0 || py > y1) continue;
    visible++;
    if (inView.length <= maxPoints) inView.push(slot);
    const index = Math.floor(px / cell) - cx0 + (Math.floor(py / cell) - cy0) * cols;
    counts[index * STATUS_COUNT + status]!++;
    cellTotals[index]!++;
    sumX[index]! += px;
    sumY[index]! += py;
    lastSlot[index] = slot;
  }

  if (visible <= maxPoints) return { clusters: [], points: inView, visible, totals, unplaced };
  const clusters: Cluster[] = [];
  const points: number[] = [];
  for (let index = 0; index < cellTotals.length; index++) {
    const count = cellTotals[index]!;
    if (count === 0) continue;
    if (count === 1) {
      points.push(lastSlot[index]!);
      continue;
    }
    const cx = cx0 + (index % cols);
    const cy = cy0 + Math.floor(index / cols);
    clusters.push({
      key: `${level}/${cx}/${cy}`,
      lon: xToLon(sumX[index]! / count),
      lat: yToLat(sumY[index]! / count),
      count,
      byStatus: Array.from(counts.subarray(index * STATUS_COUNT, (index + 1) * STATUS_COUNT)),
    });
  }
  return { clusters, points, visible, totals, unplaced };
}
