import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MapConfig } from '@jt808/api-contract';
import { ANYONE } from '../guard.js';
import { encodeFleetColumns } from '../map/fleet-columns.js';
import type { FleetKeeper } from '../map/fleet-keeper.js';
import { visibleSlots } from '../map/visible.js';

const gzipAsync = promisify(gzip);

export interface MapRouteOptions {
  fleet: FleetKeeper;
  /**
   * A raster tile URL template ({z}/{x}/{y}) for production (default: the MAP_TILE_URL environment
   * variable); without one the console draws its offline basemap.
   */
  tileUrl?: string | null | undefined;
  /** Attribution the tile server requires (default: MAP_TILE_ATTRIBUTION). */
  tileAttribution?: string | null | undefined;
}

/** The basemap settings: the options, else MAP_TILE_URL and MAP_TILE_ATTRIBUTION (null: none). */
export function tileSettings(options: Pick<MapRouteOptions, 'tileUrl' | 'tileAttribution'> = {}): {
  tileUrl: string | null;
  tileAttribution: string | null;
} {
  return {
    tileUrl: (options.tileUrl ?? process.env.MAP_TILE_URL) || null,
    tileAttribution: (options.tileAttribution ?? process.env.MAP_TILE_ATTRIBUTION) || null,
  };
}

/**
 * What the console's map needs besides the live feed: GET /api/map/fleet, every vehicle in scope as
 * binary columns (map/fleet-columns.ts; gzip-compressed when the client accepts it) from the
 * in-memory fleet index, and GET /api/map/config, the basemap settings.
 */
export const mapRoutes: FastifyPluginAsyncTypebox<MapRouteOptions> = async (app, options) => {
  const { pool } = app;
  const { fleet } = options;
  const { tileUrl, tileAttribution } = tileSettings(options);

  app.get(
    '/map/config',
    { config: { roles: ANYONE }, schema: { response: { 200: MapConfig } } },
    async () => ({ tileUrl, tileAttribution }),
  );

  app.get('/map/fleet', { config: { roles: ANYONE } }, async (request, reply) => {
    const index = await fleet.current();
    const keep = await visibleSlots(pool, index, request.user);
    const bytes = encodeFleetColumns(index, Date.now(), keep);
    reply.header('content-type', 'application/octet-stream').header('cache-control', 'no-store');
    if (!/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')))
      return reply.send(Buffer.from(bytes));
    // Level 1: positions scattered over a province barely compress further, and it is 3x faster than 6.
    const body = await gzipAsync(bytes, { level: 1 });
    return reply.header('content-encoding', 'gzip').send(body);
  });
};
