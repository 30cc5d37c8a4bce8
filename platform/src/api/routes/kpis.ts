import type { FastifyPluginAsync } from 'fastify';
import type { LimitFunction } from 'p-limit';
import type pg from 'pg';
import { UNQUALIFIED } from '../../ingest/quality.js';
import { AnswerCache, type CachePolicy, periodTtlMs } from '../answer-cache.js';
import { dashboardPeriods, type Period } from '../dashboard-periods.js';
import { ANYONE } from '../guard.js';
import { type CenterCounts, COUNT_NAMES, kpisOf } from '../kpi-figures.js';
import { withinMaxSpan } from '../limits.js';
import { answersPerCenter } from '../per-center.js';
import { scopeOf, seesEverything } from '../scope.js';
import type { WarmUps } from '../warm-up.js';

/** Centers per query while warming up: short queries, so a request for a center soon gets its turn. */
const WARM_UP_CENTERS = 5;

const NO_COUNTS: Omit<CenterCounts, 'center_id'> = {
  vehicles: 0,
  networked: 0,
  online: 0,
  drifting: 0,
  fixes: 0,
  qualified_fixes: 0,
  track_km: 0,
  complete_track_km: 0,
};

/**
 * The regulator's KPIs over [from, to), per center and for the province (docs/api.md, "KPIs", has
 * each next to the regulator's wording). Every numerator counts a subset of its denominator's
 * vehicles, fixes or km by the query's construction, never by a clamp, so no rate can pass 100 %:
 * - 入网率: networked vehicles (their terminal sent a qualified fix in an hour that starts before `to`) / vehicles;
 * - 上线率: online vehicles (networked, and heard from, ingest/reports.ts, in an hour the period
 *   touches) / networked vehicles;
 * - 轨迹完整率: km between consecutive qualified fixes in the period at most `gapSeconds` apart / all
 *   km between them (a longer gap is a hole in the track, its distance counts as missing);
 * - 数据合格率: qualified fixes (no UNQUALIFIED bit; sloppy extras, Quality.ExtrasUnparsed, still
 *   count) / all fixes of the same vehicles in the hours the period touches;
 * - 卫星定位漂移率: online vehicles judged drifting in the period / online vehicles.
 * The counts go out with the rates, so a regulator can recompute each rate and the province's.
 */
export const kpiRoutes: FastifyPluginAsync<{
  pool: pg.Pool;
  cache: CachePolicy;
  aggregates: LimitFunction;
  warmUps: WarmUps;
}> = async (app, { pool, cache: policy, aggregates, warmUps }) => {
  // The dashboards poll the KPIs: the same center and period get the same counts for a while, and
  // every scope is made of its centers' counts (a service point's, made of its tickets' vehicles,
  // is kept as a whole).
  const perCenter = new AnswerCache<CenterCounts>(20_000);
  const perScope = new AnswerCache<CenterCounts[]>();
  const allCenters = new AnswerCache<number[]>();
  const countsOf = (period: Period, vehicles: string, params: unknown[]) =>
    aggregates(async () => {
      const { rows } = await pool.query<CenterCounts>(
        // Everything is looked up per terminal of the scope, through indexes that start with the
        // terminal, so a center's KPIs cost that center's rows rather than the province's.
        `WITH scoped AS MATERIALIZED (
         SELECT vehicle.id, vehicle.center_id, t.phone FROM vehicles vehicle LEFT JOIN terminals t ON t.vehicle_id = vehicle.id
          WHERE ${vehicles})
       SELECT s.center_id,
              count(*)::int AS vehicles,
              -- Online is networked AND heard from, drifting is online AND judged drifting:
              -- each count is a subset of the one before it, vehicle by vehicle.
              count(*) FILTER (WHERE flag.networked)::int AS networked,
              count(*) FILTER (WHERE flag.networked AND flag.heard)::int AS online,
              count(*) FILTER (WHERE flag.networked AND flag.heard AND flag.judged_drifting)::int AS drifting,
              coalesce(sum(f.fixes), 0)::float8 AS fixes,
              coalesce(sum(f.qualified), 0)::float8 AS qualified_fixes,
              coalesce(sum(tr.km), 0)::float8 AS track_km,
              coalesce(sum(tr.complete_km), 0)::float8 AS complete_track_km
         FROM scoped s
        CROSS JOIN LATERAL (
          SELECT EXISTS (SELECT 1 FROM positions_hourly h WHERE h.phone = s.phone AND h.hour < $2 AND h.fixes > h.unqualified) AS networked,
                 EXISTS (SELECT 1 FROM terminal_activity_hourly a WHERE a.phone = s.phone
                            AND a.hour >= date_bin('1 hour', $1::timestamptz, TIMESTAMPTZ '2000-01-01Z') AND a.hour < $2) AS heard,
                 EXISTS (SELECT 1 FROM status_transitions d WHERE d.phone = s.phone AND d.at >= $1 AND d.at < $2
                            AND 'drift' = ANY (d.reasons)) AS judged_drifting
          -- Keeps the planner from pasting each EXISTS into every FILTER that names its flag
          -- (networked would be looked up three times per vehicle).
          OFFSET 0) flag
         -- Qualified fixes and all fixes are counted from the same rollup rows.
         LEFT JOIN LATERAL (
           SELECT sum(h.fixes) AS fixes, sum(h.fixes - h.unqualified) AS qualified FROM positions_hourly h
            WHERE h.phone = s.phone AND h.hour >= date_bin('1 hour', $1::timestamptz, TIMESTAMPTZ '2000-01-01Z') AND h.hour < $2) f ON true
         -- Complete km are the all-km segments a filter keeps; every segment is >= 0 km.
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
        GROUP BY s.center_id
        ORDER BY s.center_id`,
        [period.from, period.to, period.gapSeconds, ...params],
      );
      return rows;
    });
  const centerIds = () =>
    allCenters.get('all', policy.currentMs, async () =>
      (await pool.query<{ id: number }>('SELECT id FROM centers ORDER BY id')).rows.map((c) => c.id),
    );
  /** The counts of each center over the period, from the cache or computed together. */
  const countsPerCenter = (period: Period, centers: readonly number[]) =>
    answersPerCenter(
      perCenter,
      centers,
      (center) => JSON.stringify([center, period.from, period.to, period.gapSeconds]),
      periodTtlMs(policy, period.from, period.to),
      async (missing) =>
        new Map(
          (await countsOf(period, 'vehicle.center_id = ANY ($4::int[])', [missing])).map((row) => [
            row.center_id,
            row,
          ]),
        ),
      (center) => ({ ...NO_COUNTS, center_id: center }),
    );
  // The dashboard's default period for every center, computed before the API takes requests
  // (app.ts, warmUp): a few centers per query, through the aggregates' lane.
  warmUps.push(async (nowMs) => {
    const { kpis } = dashboardPeriods(nowMs);
    const centers = await centerIds();
    const batches: number[][] = [];
    for (let i = 0; i < centers.length; i += WARM_UP_CENTERS)
      batches.push(centers.slice(i, i + WARM_UP_CENTERS));
    await Promise.all(batches.map((batch) => countsPerCenter(kpis, batch)));
  });
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
      const period = { from, to, gapSeconds };
      const rows =
        request.user.role === 'service'
          ? await perScope.get(
              JSON.stringify([scope, from, to, gapSeconds]),
              periodTtlMs(policy, from, to),
              () => countsOf(period, scope.vehicles, scope.params),
            )
          : // A center without vehicles has no figures (as the query gives none for it).
            (
              await countsPerCenter(
                period,
                seesEverything(request.user) ? await centerIds() : request.user.centerIds,
              )
            ).filter((row) => row.vehicles > 0);
      const kpis = kpisOf(rows);
      if (format === 'json') return { from, to, gapSeconds, kpis };
      const header = `center,vehicles,入网率,上线率,轨迹完整率,数据合格率,卫星定位漂移率,${COUNT_NAMES.join(',')}`;
      const lines = kpis.map((k) =>
        [
          k.center,
          k.vehicles,
          k.networkedRate,
          k.onlineRate,
          k.trackCompleteness,
          k.dataQualificationRate,
          k.driftRate,
          ...COUNT_NAMES.map((name) => k.counts[name]),
        ].join(','),
      );
      return reply.type('text/csv; charset=utf-8').send(`\uFEFF${[header, ...lines].join('\r\n')}\r\n`);
    },
  );
};
