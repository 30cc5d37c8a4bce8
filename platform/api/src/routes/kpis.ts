import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { KpiQuery, KpiReport } from '@jt808/api-contract';
import { scopeOf, seesEverything } from '@jt808/storage';
import type { FastifyReply } from 'fastify';
import type { LimitFunction } from 'p-limit';
import { AnswerCache, type CachePolicy, periodTtlMs } from '../answer-cache.js';
import { dashboardPeriods, type Period } from '../dashboard-periods.js';
import { ANYONE } from '../guard.js';
import { type CenterCounts, COUNT_NAMES, type Kpi, kpisOf } from '../kpi-figures.js';
import { withinMaxSpan } from '../limits.js';
import { answersPerCenter } from '../per-center.js';
import { allCenterIds, countsOf } from '../stores/kpis-store.js';
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
export const kpiRoutes: FastifyPluginAsyncTypebox<{
  cache: CachePolicy;
  aggregates: LimitFunction;
  warmUps: WarmUps;
}> = async (app, { cache: policy, aggregates, warmUps }) => {
  const { pool } = app;
  // The dashboards poll the KPIs: the same center and period get the same counts for a while, and
  // every scope is made of its centers' counts (a service point's, made of its tickets' vehicles,
  // is kept as a whole).
  const perCenter = new AnswerCache<CenterCounts>(20_000);
  const perScope = new AnswerCache<CenterCounts[]>();
  const allCenters = new AnswerCache<number[]>();
  const countsIn = (period: Period, vehicles: string, params: unknown[]) =>
    aggregates(() => countsOf(pool, period, vehicles, params));
  const centerIds = () => allCenters.get('all', policy.currentMs, () => allCenterIds(pool));
  /** The counts of each center over the period, from the cache or computed together. */
  const countsPerCenter = (period: Period, centers: readonly number[]) =>
    answersPerCenter(
      perCenter,
      centers,
      (center) => JSON.stringify([center, period.from, period.to, period.gapSeconds]),
      periodTtlMs(policy, period.from, period.to),
      async (missing) =>
        new Map(
          (await countsIn(period, 'vehicle.center_id = ANY ($4::int[])', [missing])).map((row) => [
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
  app.get(
    '/kpis',
    {
      config: { roles: ANYONE },
      preHandler: withinMaxSpan,
      // The CSV is text, sent as it is; the JSON goes out through the report's schema.
      schema: { querystring: KpiQuery, response: { 200: KpiReport } },
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
              () => countsIn(period, scope.vehicles, scope.params),
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
      return sendCsv(reply, kpis);
    },
  );
};

/** The KPIs as CSV (UTF-8 with a BOM, for spreadsheets): the rates, then the counts they are made of. */
function sendCsv(reply: FastifyReply, kpis: Kpi[]) {
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
}
