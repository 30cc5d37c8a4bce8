import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { scopeOf } from '../scope.js';

/** The regulator's figures for one center (or the province, center = null) over a period. */
interface KpiRow {
  center_id: number | null;
  vehicles: number;
  networked: number;
  online: number;
  fixes: number;
  qualified_fixes: number;
  drifting: number;
  track_km: number;
  complete_track_km: number;
}

/**
 * The regulator's KPIs over [from, to), per center and for the province:
 * - 入网率 networked rate: vehicles whose terminal ever sent a qualified fix (up to `to`) / vehicles in the roster;
 * - 上线率 online rate: vehicles heard from in the period / networked vehicles;
 * - 轨迹完整率 track completeness: km between consecutive fixes no more than `gapSeconds` apart / all km
 *   between consecutive fixes (a longer gap is a hole in the track, its distance counts as missing);
 * - 数据合格率 data qualification rate: qualified fixes / all fixes (the regulator's ranges, see Quality);
 * - 卫星定位漂移率 drift rate: vehicles judged drifting in the period / vehicles online in the period.
 */
export const kpiRoutes: FastifyPluginAsync<{ pool: pg.Pool }> = async (app, { pool }) => {
  app.get<{ Querystring: { from: string; to: string; gapSeconds?: number; format?: 'json' | 'csv' } }>(
    '/api/kpis',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: {
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            gapSeconds: { type: 'integer', minimum: 10, maximum: 86_400, default: 180 },
            format: { type: 'string', enum: ['json', 'csv'], default: 'json' },
          },
        },
      },
    },
    async (request, reply) => {
      const { from, to, gapSeconds = 180, format = 'json' } = request.query;
      const scope = scopeOf(request.user, 4);
      const { rows } = await pool.query<KpiRow>(
        `WITH scoped AS (
           SELECT vehicle.id, vehicle.center_id, t.phone FROM vehicles vehicle LEFT JOIN terminals t ON t.vehicle_id = vehicle.id
            WHERE ${scope.vehicles}),
         networked AS (
           SELECT DISTINCT phone FROM positions_hourly WHERE hour < $2 AND fixes > unqualified),
         online AS (
           SELECT DISTINCT phone FROM terminal_activity_hourly WHERE hour >= date_bin('1 hour', $1::timestamptz, TIMESTAMPTZ '2000-01-01Z') AND hour < $2),
         fixes AS (
           SELECT phone, sum(fixes) AS fixes, sum(fixes - unqualified) AS qualified FROM positions_hourly
            WHERE hour >= date_bin('1 hour', $1::timestamptz, TIMESTAMPTZ '2000-01-01Z') AND hour < $2 GROUP BY phone),
         drifting AS (
           SELECT DISTINCT phone FROM status_transitions WHERE at >= $1 AND at < $2 AND 'drift' = ANY (reasons)),
         segments AS (
           SELECT phone,
                  extract(epoch FROM gps_time - lag(gps_time) OVER w) AS gap,
                  12742 * asin(least(1, sqrt(
                    sin(radians(latitude - lag(latitude) OVER w) / 2) ^ 2 +
                    cos(radians(latitude)) * cos(radians(lag(latitude) OVER w)) * sin(radians(longitude - lag(longitude) OVER w) / 2) ^ 2
                  ))) AS km
             FROM positions WHERE gps_time >= $1 AND gps_time < $2 AND quality = 0
           WINDOW w AS (PARTITION BY phone ORDER BY gps_time)),
         tracks AS (
           SELECT phone, sum(km) AS km, sum(km) FILTER (WHERE gap <= $3) AS complete_km FROM segments WHERE gap IS NOT NULL GROUP BY phone)
         SELECT s.center_id,
                count(*)::int AS vehicles,
                count(n.phone)::int AS networked,
                count(o.phone)::int AS online,
                coalesce(sum(f.fixes), 0)::float8 AS fixes,
                coalesce(sum(f.qualified), 0)::float8 AS qualified_fixes,
                count(d.phone) FILTER (WHERE o.phone IS NOT NULL)::int AS drifting,
                coalesce(sum(tr.km), 0)::float8 AS track_km,
                coalesce(sum(tr.complete_km), 0)::float8 AS complete_track_km
           FROM scoped s
           LEFT JOIN networked n ON n.phone = s.phone
           LEFT JOIN online o ON o.phone = s.phone
           LEFT JOIN fixes f ON f.phone = s.phone
           LEFT JOIN drifting d ON d.phone = s.phone
           LEFT JOIN tracks tr ON tr.phone = s.phone
          GROUP BY GROUPING SETS ((s.center_id), ())
          ORDER BY s.center_id NULLS LAST`,
        [from, to, gapSeconds, ...scope.params],
      );
      const kpis = rows.map((row) => ({
        center: row.center_id === null ? 'province' : row.center_id,
        vehicles: row.vehicles,
        networkedRate: ratio(row.networked, row.vehicles),
        onlineRate: ratio(row.online, row.networked),
        trackCompleteness: ratio(row.complete_track_km, row.track_km),
        dataQualificationRate: ratio(row.qualified_fixes, row.fixes),
        driftRate: ratio(row.drifting, row.online),
      }));
      if (format === 'json') return { from, to, gapSeconds, kpis };
      const header = 'center,vehicles,入网率,上线率,轨迹完整率,数据合格率,卫星定位漂移率';
      const lines = kpis.map((k) =>
        [
          k.center,
          k.vehicles,
          k.networkedRate,
          k.onlineRate,
          k.trackCompleteness,
          k.dataQualificationRate,
          k.driftRate,
        ].join(','),
      );
      return reply.type('text/csv; charset=utf-8').send(`\uFEFF${[header, ...lines].join('\r\n')}\r\n`);
    },
  );
};

function ratio(part: number, whole: number): number {
  return whole > 0 ? Number((part / whole).toFixed(4)) : 0;
}
