import type { MapConfig } from '@jt808/api-contract';
import type { FeatureCollection } from 'geojson';
import type { StyleSpecification } from 'maplibre-gl';
import { STATUS_COLORS } from './map-status.js';

/** Raster tiles ({z}/{x}/{y}) for production and their attribution (GET /api/map/config); null for the offline basemap. */
export type BasemapConfig = MapConfig;

export interface BasemapData {
  prefectures: FeatureCollection;
  province: FeatureCollection;
}

/**
 * The map's style: a plain background (or the configured tile server) under Henan's prefecture and
 * province boundaries, and the single-vehicle layer. No glyphs, sprites or fonts: every text on
 * the map is an HTML marker, so nothing is fetched from the internet.
 */
export function basemapStyle(config: BasemapConfig, data: BasemapData): StyleSpecification {
  const raster = config.tileUrl !== null;
  return {
    version: 8,
    sources: {
      ...(raster
        ? {
            tiles: {
              type: 'raster',
              tiles: [config.tileUrl!],
              tileSize: 256,
              ...(config.tileAttribution ? { attribution: config.tileAttribution } : {}),
            },
          }
        : {}),
      prefectures: { type: 'geojson', data: data.prefectures },
      province: { type: 'geojson', data: data.province },
      vehicles: {
        type: 'geojson',
        data: { type: 'FeatureCollection', features: [] },
        // Drawn vehicles are few (clusters stand in for the rest); no extra simplification.
        buffer: 16,
      },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#e8ecef' } },
      ...(raster ? [{ id: 'tiles', type: 'raster' as const, source: 'tiles' }] : []),
      {
        id: 'prefecture-fill',
        type: 'fill',
        source: 'prefectures',
        paint: { 'fill-color': '#fbfcfc', 'fill-opacity': raster ? 0 : 0.9 },
      },
      {
        id: 'prefecture-line',
        type: 'line',
        source: 'prefectures',
        paint: { 'line-color': '#9aa5b1', 'line-width': 0.8 },
      },
      {
        id: 'province-line',
        type: 'line',
        source: 'province',
        paint: { 'line-color': '#52606d', 'line-width': 1.8 },
      },
      {
        id: 'vehicles',
        type: 'circle',
        source: 'vehicles',
        paint: {
          'circle-color': [
            'match',
            ['get', 's'],
            0,
            STATUS_COLORS[0]!,
            1,
            STATUS_COLORS[1]!,
            2,
            STATUS_COLORS[2]!,
            3,
            STATUS_COLORS[3]!,
            STATUS_COLORS[4]!,
          ],
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 6, 3, 12, 5, 16, 7],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1,
        },
      },
    ],
  };
}
