import { bearingDeg, distanceM, type LatLon } from './geodesy.js';

/** Where a vehicle is on a route: the point, and the heading of the segment it is on. */
export interface RoutePosition extends LatLon {
  heading: number;
}

/**
 * A road between two cities as a polyline of short straight segments. Positions are interpolated
 * linearly within a segment, whose heading is its bearing; vehicles keep a segment hint so that
 * finding their segment costs O(1) as they move forward.
 */
export class Route {
  /** Metres from the start to the end. */
  readonly length: number;
  private readonly latitudes: Float64Array;
  private readonly longitudes: Float64Array;
  /** Distance from the start to point k. */
  private readonly offsets: Float64Array;
  /** Bearing of segment k (from point k to point k+1). */
  private readonly bearings: Float64Array;

  constructor(
    readonly from: number,
    readonly to: number,
    points: readonly LatLon[],
  ) {
    if (points.length < 2) throw new Error('a route needs at least two points');
    const n = points.length;
    this.latitudes = Float64Array.from(points, (p) => p.latitude);
    this.longitudes = Float64Array.from(points, (p) => p.longitude);
    this.offsets = new Float64Array(n);
    this.bearings = new Float64Array(n - 1);
    for (let k = 1; k < n; k++) {
      this.offsets[k] = this.offsets[k - 1]! + distanceM(points[k - 1]!, points[k]!);
      this.bearings[k - 1] = bearingDeg(points[k - 1]!, points[k]!);
    }
    this.length = this.offsets[n - 1]!;
  }

  /** The segment holding `distance` (clamped to the route), searching forward from `hint`. */
  segmentAt(distance: number, hint = 0): number {
    const last = this.bearings.length - 1;
    let k = Math.min(Math.max(hint, 0), last);
    if (this.offsets[k]! > distance) k = 0;
    while (k < last && this.offsets[k + 1]! <= distance) k++;
    return k;
  }

  /** Writes the position at `distance` on segment `segment` (from `segmentAt`) into `out`. */
  positionAt(distance: number, segment: number, out: RoutePosition): RoutePosition {
    const start = this.offsets[segment]!;
    const span = this.offsets[segment + 1]! - start;
    const t = span > 0 ? Math.min(Math.max((distance - start) / span, 0), 1) : 0;
    out.latitude = this.latitudes[segment]! + t * (this.latitudes[segment + 1]! - this.latitudes[segment]!);
    out.longitude =
      this.longitudes[segment]! + t * (this.longitudes[segment + 1]! - this.longitudes[segment]!);
    out.heading = this.bearings[segment]!;
    return out;
  }

  /** Point k of the polyline (for tests and drawing). */
  point(k: number): LatLon {
    return { latitude: this.latitudes[k]!, longitude: this.longitudes[k]! };
  }

  get pointCount(): number {
    return this.latitudes.length;
  }
}
