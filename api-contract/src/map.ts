import { type Static, Type } from 'typebox';
import { Nullable } from './shared.js';

/** GET /api/map/config: the basemap's raster tile URL template and attribution; null draws the offline basemap. */
export const MapConfig = Type.Object({
  tileUrl: Nullable(Type.String()),
  tileAttribution: Nullable(Type.String()),
});
export type MapConfig = Static<typeof MapConfig>;
