import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanRing, decodeRing, type Ring, signedArea, toAreaFeatures } from '../scripts/basemap.js';

/** echarts' encoding of one ring (the inverse of decodeRing), to build inputs with known answers. */
function encodeRing(ring: Ring, scale = 1024): { encoded: string; offset: [number, number] } {
  const offset: [number, number] = [Math.round(ring[0]![0] * scale), Math.round(ring[0]![1] * scale)];
  let [px, py] = offset;
  let encoded = '';
  for (const [lon, lat] of ring) {
    const x = Math.round(lon * scale);
    const y = Math.round(lat * scale);
    const zig = (d: number) => (d << 1) ^ (d >> 31);
    encoded += String.fromCharCode(zig(x - px) + 64, zig(y - py) + 64);
    [px, py] = [x, y];
  }
  return { encoded, offset };
}

const square: Ring = [
  [113, 34],
  [113, 35],
  [114, 35],
  [114, 34],
]; // clockwise, not closed

describe('basemap conversion (console/scripts/basemap.ts)', () => {
  it("decodes echarts' zigzag delta encoding", () => {
    const { encoded, offset } = encodeRing(square);
    expect(decodeRing(encoded, offset)).toEqual(square);
    expect(() => decodeRing('@', [0, 0])).toThrow(/odd/);
  });

  it('closes rings and orients them by the right-hand rule', () => {
    const outer = cleanRing(square, true);
    expect(outer[0]).toEqual(outer[outer.length - 1]);
    expect(signedArea(outer)).toBeGreaterThan(0); // counterclockwise
    const hole = cleanRing([...square].reverse(), false);
    expect(hole[0]).toEqual(hole[hole.length - 1]);
    expect(signedArea(hole)).toBeLessThan(0); // clockwise
    // Already closed and repeated points: closed once, duplicates dropped.
    expect(cleanRing([...square, square[3]!, square[0]!], true)).toHaveLength(5);
    expect(() => cleanRing(square.slice(0, 2), true)).toThrow(/three/);
  });

  it('turns an echarts map into clean polygons and multipolygons', () => {
    const a = encodeRing(square);
    const inner = encodeRing([
      [113.2, 34.2],
      [113.8, 34.2],
      [113.8, 34.8],
      [113.2, 34.8],
    ]);
    const [polygon, multi] = toAreaFeatures({
      type: 'FeatureCollection',
      UTF8Encoding: true,
      features: [
        {
          id: '410100',
          type: 'Feature',
          properties: { name: '郑州市', cp: [113.5, 34.5] },
          geometry: {
            type: 'Polygon',
            coordinates: [a.encoded, inner.encoded],
            encodeOffsets: [a.offset, inner.offset],
          },
        },
        {
          id: '410300',
          type: 'Feature',
          properties: { name: '洛阳市' },
          geometry: {
            type: 'MultiPolygon',
            coordinates: [[a.encoded], [a.encoded]],
            encodeOffsets: [[a.offset], [a.offset]],
          },
        },
      ],
    });
    expect(polygon!.properties).toEqual({ code: '410100', name: '郑州市', labelLon: 113.5, labelLat: 34.5 });
    const rings = polygon!.geometry.coordinates as Ring[];
    expect(signedArea(rings[0]!)).toBeGreaterThan(0);
    expect(signedArea(rings[1]!)).toBeLessThan(0);
    expect(multi!.geometry.type).toBe('MultiPolygon');
  });

  it('ships clean GeoJSON: 18 prefecture-level cities, every ring closed and oriented', () => {
    for (const [file, count] of [
      ['henan-prefectures.geojson', 18],
      ['henan-province.geojson', 1],
    ] as const) {
      const collection = JSON.parse(
        readFileSync(new URL(`../public/basemap/${file}`, import.meta.url), 'utf8'),
      ) as {
        features: { geometry: { type: string; coordinates: Ring[] | Ring[][] } }[];
      };
      expect(collection.features).toHaveLength(count);
      for (const { geometry } of collection.features) {
        const polygons = (
          geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
        ) as Ring[][];
        for (const polygon of polygons) {
          polygon.forEach((ring, i) => {
            expect(ring[0]).toEqual(ring[ring.length - 1]);
            expect(signedArea(ring) > 0).toBe(i === 0);
          });
        }
      }
    }
  });
});
