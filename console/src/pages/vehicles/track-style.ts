import type { FeatureCollection } from 'geojson';
import type { StyleSpecification } from 'maplibre-gl';
import type { TrackPoint } from '../../lib/api.js';

/** The offline basemap files shipped under console/public/basemap (absent ones are left out). */
const BASEMAP_FILES = ['henan-province', 'henan-prefectures'] as const;

export async function loadBasemap(): Promise<Map<string, FeatureCollection>> {
  const layers = new Map<string, FeatureCollection>();
  await Promise.all(
    BASEMAP_FILES.map(async (name) => {
      try {
        const response = await fetch(`${import.meta.env.BASE_URL}basemap/${name}.geojson`);
        if (response.ok) layers.set(name, (await response.json()) as FeatureCollection);
      } catch {
        // No basemap: the track is drawn on the plain background.
      }
    }),
  );
  return layers;
}

export function trackLine(points: readonly TrackPoint[]): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features:
      points.length < 2
        ? []
        : [
            {
              type: 'Feature',
              properties: {},
              geometry: { type: 'LineString', coordinates: points.map((p) => [p.longitude, p.latitude]) },
            },
          ],
  };
}

export function trackPosition(point: TrackPoint | undefined): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: point
      ? [
          {
            type: 'Feature',
            properties: {},
            geometry: { type: 'Point', coordinates: [point.longitude, point.latitude] },
          },
        ]
      : [],
  };
}

/**
 * A style that needs no internet: a background, the basemap boundaries when shipped, the whole
 * track, the part already replayed and the vehicle's position. No text, so no glyphs.
 */
export function trackStyle(basemap: Map<string, FeatureCollection>): StyleSpecification {
  const empty: FeatureCollection = { type: 'FeatureCollection', features: [] };
  const base = [...basemap.entries()];
  return {
    version: 8,
    sources: {
      ...Object.fromEntries(base.map(([name, data]) => [name, { type: 'geojson' as const, data }])),
      track: { type: 'geojson', data: empty },
      replayed: { type: 'geojson', data: empty },
      position: { type: 'geojson', data: empty },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#eef1f4' } },
      ...base.map(([name]) => ({
        id: `${name}-line`,
        type: 'line' as const,
        source: name,
        paint: { 'line-color': '#9aa5b1', 'line-width': name.endsWith('province') ? 1.8 : 0.8 },
      })),
      { id: 'track', type: 'line', source: 'track', paint: { 'line-color': '#90a4ae', 'line-width': 3 } },
      {
        id: 'replayed',
        type: 'line',
        source: 'replayed',
        paint: { 'line-color': '#1565c0', 'line-width': 4 },
      },
      {
        id: 'position',
        type: 'circle',
        source: 'position',
        paint: {
          'circle-color': '#c62828',
          'circle-radius': 7,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 2,
        },
      },
    ],
  };
}
