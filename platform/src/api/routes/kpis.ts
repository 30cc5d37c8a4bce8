import type { FastifyPluginAsync } from 'fastify';
import type { LimitFunction } from 'p-limit';
import type pg from 'pg';
import { UNQUALIFIED } from '../../ingest/quality.js';
import { AnswerCache, type CachePolicy, periodTtlMs } from '../answer-cache.js';
import { ANYONE } from '../guard.js';
import { withinMaxSpan } from '../limits.js';
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
 * - 数据合格率 data qualification rate: qualified fixes / all fixes (the regulator's ranges: no UNQUALIFIED
 *   bit; a fix whose additional area was sloppy, Quality.ExtrasUnparsed, has intact basic data and counts);
 * - 卫星定位漂移率 drift rate: vehicles judged drifting in the period / vehicles online in the period.
 */
export const kpiRoutes: FastifyPluginAsync<{
  pool: pg.Pool;
  cache: CachePolicy;
  aggregates: LimitFunction;
}> = async (app, { pool, cache: policy, aggregates }) => {
  // The dashboards poll the KPIs: the same scope and period get the same figures for a while.
  const cache = new AnswerCache<KpiRow[]>();
  app.get<{ Querystring: { from: string; to: string; gapSeconds?: number; format?: 'json' | 'csv' } }>(
    '/kpis',
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
            gapSeconds: { type: 'integer', minimum: 10, maximum: 86_400, default: 180 },
            format: { type: 'string', enum: ['json', 'csv'], default: 'json' },
          },
        },
      },
    },
    async (request, reply) => {
      const { from, to, gapSeconds = 180, format = 'json' } = request.query;
      const scope = scopeOf(request.user, 4);
      const key = JSON.stringify([scope, from, to, gapSeconds]);
      const rows = await cache.get(key, periodTtlMs(policy, to), () =>
        aggregates(async () => {
          const { rows } = await pool.query<KpiRow>(
            // Everything is looked up per terminal of the scope, through indexes that start with the
            // terminal, so a center's KPIs cost that center's rows rather than the province's.
            `WITH scoped AS MATERIALIZED (
             SELECT vehicle.id, vehicle.center_id, t.phone FROM vehicles vehicle LEFT JOIN terminals t ON t.vehicle_id = vehicle.id
              WHERE ${scope.vehicles})
           SELECT s.center_id,
                  count(*)::int AS vehicles,
                  count(*) FILTER (WHERE flag.networked)::int AS networked,
                  count(*) FILTER (WHERE flag.online)::int AS online,
                  coalesce(sum(f.fixes), 0)::float8 AS fixes,
                  coalesce(sum(f.qualified), 0)::float8 AS qualified_fixes,
                  count(*) FILTER (WHERE flag.drifting AND flag.online)::int AS drifting,
                  coalesce(sum(tr.km), 0)::float8 AS track_km,
                  coalesce(sum(tr.complete_km), 0)::float8 AS complete_track_km
             FROM scoped s
            CROSS JOIN LATERAL (
              SELECT EXISTS (SELECT 1 FROM positions_hourly h WHERE h.phone = s.phone AND h.hour < $2 AND h.fixes > h.unqualified) AS networked,
                     EXISTS (SELECT 1 FROM terminal_activity_hourly a WHERE a.phone = s.phone
                                AND a.hour >= date_bin('1 hour', $1::timestamptz, TIMESTAMPTZ '2000-01-01Z') AND a.hour < $2) AS online,
                     EXISTS (SELECT 1 FROM status_transitions d WHERE d.phone = s.phone AND d.at >= $1 AND d.at < $2
                                AND 'drift' = ANY (d.reasons)) AS drifting) flag
             LEFT JOIN LATERAL (
               SELECT sum(h.fixes) AS fixes, sum(h.fixes - h.unqualified) AS qualified FROM positions_hourly h
                WHERE h.phone = s.phone AND h.hour >= date_bin('1 hour', $1::timestamptz, TIMESTAMPTZ '2000-01-01Z') AND h.hour < $2) f ON true
             LEFT JOIN LATERAL (
               SELECT sum(km) AS km, sum(km) FILTER (WHERE gap <= $3) AS complete_km
                 FROM (SELECT extract(epoch FROM gps_time - lag(gps_time) OVER w) AS gap,
                              12742 * asin(least(1, sqrt(
                                sin(radians(latitude - lag(latitude) OVER w) / 2) ^ 2 +
                                cos(radians(latitude)) * cos(radians(lag(latitude) OVER w)) * sin(radians(longitude - lag(longitude) OVER w) / 2) ^ 2
                              ))) AS km
                         FROM positions p WHERE p.phone = s.phone AND p.gps_time >= $1 AND p.gps_time < $2 AND p.quality & ${UNQUALIFIED} = 0
                       WINDOW w AS (ORDER BY gps_time)) segment
                WHERE gap IS NOT NULL) tr ON true
            GROUP BY GROUPING SETS ((s.center_id), ())
            ORDER BY s.center_id NULLS LAST`,
            [from, to, gapSeconds, ...scope.params],
          );
          return rows;
        }),
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
