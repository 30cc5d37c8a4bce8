/**
 * Builds the console's offline basemap (console/public/basemap/) from the map data of the echarts
 * 4.9.0 npm package (Apache-2.0): Henan's 18 prefecture-level cities from
 * map/json/province/henan.json and the province outline from map/json/china.json.
 *
 *   cd /tmp && npm pack echarts@4.9.0 && tar xzf echarts-4.9.0.tgz      # gives /tmp/package
 *   npx tsx console/scripts/basemap.ts /tmp/package
 *
 * echarts stores rings in its own compact text encoding ("UTF8Encoding": true): every pair of
 * characters is a zigzag-coded delta of x and y (char code − 64) from the previous point, starting
 * at the ring's encodeOffsets, in 1/1024 degree (echarts' src/coord/geo/parseGeoJson.js,
 * decodePolygon). We decode it, round to 1e-5 degree, close every ring and orient it by the
 * right-hand rule of RFC 7946 (outer rings counterclockwise, holes clockwise) so any renderer fills
 * it the same way.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Position = [number, number];
export type Ring = Position[];

interface EchartsGeometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: string[] | string[][];
  encodeOffsets: [number, number][] | [number, number][][];
}

interface EchartsFeature {
  id: string;
  type: 'Feature';
  properties: { name: string; cp?: [number, number] };
  geometry: EchartsGeometry;
}

export interface EchartsMap {
  type: 'FeatureCollection';
  UTF8Encoding?: boolean;
  UTF8Scale?: number;
  features: EchartsFeature[];
}

export interface AreaFeature {
  type: 'Feature';
  id: number;
  properties: { code: string; name: string; labelLon: number; labelLat: number };
  geometry: { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };
}

/** One echarts-encoded ring to degrees (echarts' decodePolygon, rounded to 1e-5 degree). */
export function decodeRing(encoded: string, offset: [number, number], scale = 1024): Ring {
  if (encoded.length % 2 !== 0) throw new Error('an encoded ring has an odd number of characters');
  const ring: Ring = [];
  let [x, y] = offset;
  for (let i = 0; i < encoded.length; i += 2) {
    const dx = encoded.charCodeAt(i) - 64;
    const dy = encoded.charCodeAt(i + 1) - 64;
    x += (dx >> 1) ^ -(dx & 1);
    y += (dy >> 1) ^ -(dy & 1);
    ring.push([round5(x / scale), round5(y / scale)]);
  }
  return ring;
}

function round5(value: number): number {
  return Math.round(value * 1e5) / 1e5;
}

/** Twice the signed area (shoelace): positive for a counterclockwise ring in lon/lat axes. */
export function signedArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j]![0] - ring[i]![0]) * (ring[j]![1] + ring[i]![1]);
  }
  return sum;
}

/** A closed ring (last point = first), counterclockwise when outer, clockwise when a hole. */
export function cleanRing(ring: Ring, outer: boolean): Ring {
  // Consecutive duplicates add nothing and give zero-length edges.
  const points = ring.filter((p, i) => i === 0 || p[0] !== ring[i - 1]![0] || p[1] !== ring[i - 1]![1]);
  const first = points[0];
  const last = points[points.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) points.push([first[0], first[1]]);
  if (points.length < 4) throw new Error('a ring needs at least three distinct points');
  return signedArea(points) > 0 === outer ? points : points.reverse();
}

function cleanPolygon(rings: Ring[]): Ring[] {
  return rings.map((ring, i) => cleanRing(ring, i === 0));
}

/** Decodes an echarts map (or passes a plain one through) into clean GeoJSON polygons. */
export function toAreaFeatures(map: EchartsMap): AreaFeature[] {
  const scale = map.UTF8Scale ?? 1024;
  return map.features.map((feature) => {
    const { geometry } = feature;
    const polygons: Ring[][] =
      geometry.type === 'Polygon'
        ? [
            (geometry.coordinates as string[]).map((ring, i) =>
              decodeRing(ring, (geometry.encodeOffsets as [number, number][])[i]!, scale),
            ),
          ]
        : (geometry.coordinates as string[][]).map((polygon, p) =>
            polygon.map((ring, i) =>
              decodeRing(ring, (geometry.encodeOffsets as [number, number][][])[p]![i]!, scale),
            ),
          );
    const cleaned = polygons.map(cleanPolygon);
    const [labelLon, labelLat] = feature.properties.cp ?? cleaned[0]![0]![0]!;
    return {
      type: 'Feature',
      id: Number(feature.id),
      properties: { code: feature.id, name: feature.properties.name, labelLon, labelLat },
      geometry:
        cleaned.length === 1
          ? { type: 'Polygon', coordinates: cleaned[0]! }
          : { type: 'MultiPolygon', coordinates: cleaned },
    };
  });
}

function main(packageDir: string, outDir: string): void {
  const read = (path: string) => JSON.parse(readFileSync(join(packageDir, path), 'utf8')) as EchartsMap;
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  if (version !== '4.9.0') throw new Error(`expected echarts 4.9.0, found ${version}`);
  const prefectures = toAreaFeatures(read('map/json/province/henan.json'));
  const china = read('map/json/china.json');
  const henan = toAreaFeatures({ ...china, features: china.features.filter((f) => f.id === '410000') });
  if (prefectures.length !== 18 || henan.length !== 1) throw new Error('unexpected echarts map contents');
  const write = (name: string, features: AreaFeature[]) =>
    writeFileSync(join(outDir, name), `${JSON.stringify({ type: 'FeatureCollection', features })}\n`);
  write('henan-prefectures.geojson', prefectures);
  write('henan-province.geojson', henan);
  console.log(`wrote ${prefectures.length} prefectures and the province outline to ${outDir}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const packageDir = process.argv[2];
  if (!packageDir) {
    console.error('usage: tsx console/scripts/basemap.ts <unpacked echarts-4.9.0 package directory>');
    process.exit(2);
  }
  main(packageDir, fileURLToPath(new URL('../public/basemap/', import.meta.url)));
}
