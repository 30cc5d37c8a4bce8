import { distanceM, type LatLon } from './geodesy.js';
import { CITIES, cityIndex, ROAD_LINKS } from './henan.js';
import { Route } from './route.js';

/** Length of the straight pieces a road is drawn with. Short enough that heading changes stay gentle. */
const SEGMENT_M = 3_000;
/** Roads bow sideways by up to this share of their length, so they do not run as the crow flies. */
const MAX_BEND = 0.06;

const neighbours: number[][] = CITIES.map(() => []);
for (const [a, b] of ROAD_LINKS) {
  neighbours[cityIndex(a)]!.push(cityIndex(b));
  neighbours[cityIndex(b)]!.push(cityIndex(a));
}

/** Cities joined to `city` by one expressway link. */
export function neighboursOf(city: number): readonly number[] {
  return neighbours[city]!;
}

/**
 * The route between two cities, built once per ordered pair and shared by every vehicle that
 * drives it (a fleet of 400,000 holds at most 18 × 17 routes).
 */
export function routeBetween(from: number, to: number): Route {
  if (from === to) throw new Error('a route needs two different cities');
  const key = from * CITIES.length + to;
  let route = routes.get(key);
  if (route === undefined) {
    route = new Route(from, to, polylineAlong(cityPath(from, to)));
    routes.set(key, route);
  }
  return route;
}

const routes = new Map<number, Route>();

/** Cities passed through on the shortest road path (Dijkstra over the expressway links). */
export function cityPath(from: number, to: number): number[] {
  const n = CITIES.length;
  const dist = new Array<number>(n).fill(Number.POSITIVE_INFINITY);
  const previous = new Array<number>(n).fill(-1);
  const done = new Array<boolean>(n).fill(false);
  dist[from] = 0;
  for (;;) {
    let u = -1;
    for (let i = 0; i < n; i++) if (!done[i] && (u < 0 || dist[i]! < dist[u]!)) u = i;
    if (u < 0 || dist[u] === Number.POSITIVE_INFINITY || u === to) break;
    done[u] = true;
    for (const v of neighbours[u]!) {
      const via = dist[u]! + distanceM(CITIES[u]!, CITIES[v]!);
      if (via < dist[v]!) {
        dist[v] = via;
        previous[v] = u;
      }
    }
  }
  if (previous[to] === -1) throw new Error(`no road from ${CITIES[from]!.name} to ${CITIES[to]!.name}`);
  const path = [to];
  while (path[0] !== from) path.unshift(previous[path[0]!]!);
  return path;
}

function polylineAlong(path: readonly number[]): LatLon[] {
  const points: LatLon[] = [CITIES[path[0]!]!];
  for (let i = 1; i < path.length; i++) {
    const link = linkPolyline(path[i - 1]!, path[i]!);
    for (let k = 1; k < link.length; k++) points.push(link[k]!);
  }
  return points;
}

/**
 * One expressway link, drawn the same whichever way it is driven: the lower city index is always
 * the start, and the bend (amplitude and a gentle S-wiggle) is fixed by the pair of cities.
 */
function linkPolyline(a: number, b: number): LatLon[] {
  const [first, second] = a < b ? [a, b] : [b, a];
  const start = CITIES[first]!;
  const end = CITIES[second]!;
  const length = distanceM(start, end);
  const pieces = Math.max(2, Math.ceil(length / SEGMENT_M));
  // Local plane in metres around the link's midpoint.
  const midLat = (start.latitude + end.latitude) / 2;
  const metresPerDegLat = 110_574;
  const metresPerDegLon = 111_320 * Math.cos((midLat * Math.PI) / 180);
  const dx = (end.longitude - start.longitude) * metresPerDegLon;
  const dy = (end.latitude - start.latitude) * metresPerDegLat;
  const norm = Math.hypot(dx, dy);
  const px = -dy / norm;
  const py = dx / norm;
  const shape = (first * 31 + second * 17) % 11;
  const bend = length * MAX_BEND * ((shape / 10) * 2 - 1);
  const wiggle = length * 0.012 * (shape % 2 === 0 ? 1 : -1);
  const points: LatLon[] = [];
  for (let k = 0; k <= pieces; k++) {
    const t = k / pieces;
    const side = Math.sin(Math.PI * t) * (bend + wiggle * Math.sin(3 * Math.PI * t));
    points.push({
      latitude: start.latitude + (t * dy + side * py) / metresPerDegLat,
      longitude: start.longitude + (t * dx + side * px) / metresPerDegLon,
    });
  }
  return a < b ? points : points.reverse();
}
