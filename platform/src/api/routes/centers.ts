import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { AnswerCache, type CachePolicy, periodTtlMs } from '../answer-cache.js';
import { ANYONE } from '../guard.js';
import { withinMaxSpan } from '../limits.js';
import { scopeOf } from '../scope.js';

interface CenterRow {
  id: number;
  code: string;
  name: string;
  region: string;
  latitude: number | null;
  longitude: number | null;
  vehicles: number;
  online: number;
  faulty: number;
  offline: number;
  never_seen: number;
}

interface HourlyRow {
  center_id: number;
  hour: Date;
  vehicles_online: number;
  vehicles_reporting: number;
  fixes: number;
  unqualified_fixes: number;
  vehicles: number;
}

/** Centers the user may see, with counts by status and the current online rate. */
export const centerRoutes: FastifyPluginAsync<{ pool: pg.Pool; cache: CachePolicy }> = async (
  app,
  { pool, cache: policy },
) => {
  // The dashboards poll these: the same scope (and period) get the same answer for a while.
  const countsCache = new AnswerCache<CenterRow[]>();
  const hourlyCache = new AnswerCache<HourlyRow[]>();
  app.get('/centers', { config: { roles: ANYONE } }, async (request) => {
    const scope = scopeOf(request.user, 1);
    const rows = await countsCache.get(JSON.stringify(scope), policy.currentMs, async () => {
      const { rows } = await pool.query<CenterRow>(
        `SELECT center.id, center.code, center.name, center.region, center.latitude, center.longitude,
              count(vehicle.id)::int AS vehicles,
              count(*) FILTER (WHERE s.status = 'online')::int AS online,
              count(*) FILTER (WHERE s.status = 'faulty')::int AS faulty,
              count(*) FILTER (WHERE s.status = 'offline')::int AS offline,
              (count(vehicle.id) - count(*) FILTER (WHERE s.status IN ('online', 'faulty', 'offline')))::int AS never_seen
         FROM centers center
         LEFT JOIN vehicles vehicle ON vehicle.center_id = center.id
         LEFT JOIN terminals t ON t.vehicle_id = vehicle.id
         LEFT JOIN terminal_status s ON s.phone = t.phone
        WHERE ${scope.centers}
        GROUP BY center.id
        ORDER BY center.id`,
        scope.params,
      );
      return rows;
    });
    // Online rate: vehicles connected now (healthy or not) over vehicles whose terminal ever checked in.
    return rows.map((row) => {
      const seen = row.online + row.faulty + row.offline;
      return { ...row, onlineRate: seen === 0 ? 0 : (row.online + row.faulty) / seen };
    });
  });

  /** Hourly series for charts: vehicles heard from, vehicles reporting fixes, fixes and unqualified fixes. */
  app.get<{ Querystring: { from: string; to: string } }>(
    '/centers/hourly',
    {
      config: { roles: ANYONE },
      preHandler: withinMaxSpan,
      schema: {
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: {
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      const scope = scopeOf(request.user, 1);
      const rows = await hourlyCache.get(
        JSON.stringify([scope, from, to]),
        periodTtlMs(policy, to),
        async () => {
          // The centers in scope first, then the view with a plain condition on its center column,
          // which PostgreSQL pushes into the view's grouping; scoped through a join instead, the view
          // would add up every center's hours before the join kept one.
          const { rows: centers } = await pool.query<{ id: number }>(
            `SELECT center.id FROM centers center WHERE ${scope.centers}`,
            scope.params,
          );
          const { rows } = await pool.query<HourlyRow>(
            `SELECT h.center_id, h.hour, h.vehicles_online::int, h.vehicles_reporting::int, h.fixes::int, h.unqualified_fixes::int,
                  (SELECT count(*) FROM vehicles v WHERE v.center_id = h.center_id)::int AS vehicles
             FROM center_hourly h
            WHERE h.hour >= $1 AND h.hour < $2 AND h.center_id = ANY ($3::int[])
            ORDER BY h.center_id, h.hour`,
            [from, to, centers.map((c) => c.id)],
          );
          return rows;
        },
      );
      return rows.map((row) => ({
        ...row,
        onlineRate: row.vehicles === 0 ? 0 : row.vehicles_online / row.vehicles,
      }));
    },
  );
};
