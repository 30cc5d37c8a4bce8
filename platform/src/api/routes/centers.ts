import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { scopeOf } from '../scope.js';

/** Centers the user may see, with counts by status and the current online rate. */
export const centerRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get('/api/centers', async (request) => {
    const scope = scopeOf(request.user, 1);
    const { rows } = await pool.query(
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
    // Online rate: vehicles connected now (healthy or not) over vehicles whose terminal ever checked in.
    return rows.map((row) => {
      const seen = row.online + row.faulty + row.offline;
      return { ...row, onlineRate: seen === 0 ? 0 : (row.online + row.faulty) / seen };
    });
  });

  /** Hourly series for charts: vehicles heard from, vehicles reporting fixes, fixes and unqualified fixes. */
  app.get<{ Querystring: { from: string; to: string } }>(
    '/api/centers/hourly',
    {
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
      const scope = scopeOf(request.user, 3);
      const { rows } = await pool.query(
        `SELECT h.center_id, h.hour, h.vehicles_online::int, h.vehicles_reporting::int, h.fixes::int, h.unqualified_fixes::int,
                (SELECT count(*) FROM vehicles v WHERE v.center_id = h.center_id)::int AS vehicles
           FROM center_hourly h JOIN centers center ON center.id = h.center_id
          WHERE h.hour >= $1 AND h.hour < $2 AND ${scope.centers}
          ORDER BY h.center_id, h.hour`,
        [request.query.from, request.query.to, ...scope.params],
      );
      return rows.map((row) => ({
        ...row,
        onlineRate: row.vehicles === 0 ? 0 : row.vehicles_online / row.vehicles,
      }));
    },
  );
};
