import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CenterHours, Centers, PeriodQuery, ref } from '@jt808/api-contract';
import { type Scope, scopeOf } from '@jt808/storage';
import type { LimitFunction } from 'p-limit';
import { AnswerCache, type CachePolicy, periodTtlMs } from '../answer-cache.js';
import { dashboardPeriods } from '../dashboard-periods.js';
import { ANYONE } from '../guard.js';
import { withinMaxSpan } from '../limits.js';
import type { FleetKeeper } from '../map/fleet-keeper.js';
import { answersPerCenter } from '../per-center.js';
import type { User } from '../sessions.js';
import { type CenterRow, centersIn, type HourlyRow, hoursByCenter } from '../stores/centers-store.js';
import type { WarmUps } from '../warm-up.js';

/** Whom the warm-up computes for: every center. */
const PROVINCE: User = { id: 0, username: 'warm-up', role: 'admin', centerIds: [], servicePointId: null };

/** Centers the user may see, with counts by status and the current online rate. */
export const centerRoutes: FastifyPluginAsyncTypebox<{
  cache: CachePolicy;
  aggregates: LimitFunction;
  fleet: FleetKeeper;
  warmUps: WarmUps;
}> = async (app, { cache: policy, aggregates, fleet, warmUps }) => {
  const { pool } = app;
  // The dashboards poll these: the same scope (and period) get the same answer for a while.
  const centersCache = new AnswerCache<CenterRow[]>();
  /** Per center and period. */
  const hourlyCache = new AnswerCache<HourlyRow[]>(10_000);
  const centersOf = (scope: Scope) =>
    centersCache.get(JSON.stringify(scope), policy.currentMs, () => centersIn(pool, scope));
  const hourlyPerCenter = (period: { from: string; to: string }, centers: readonly number[]) =>
    answersPerCenter(
      hourlyCache,
      centers,
      (center) => JSON.stringify([center, period.from, period.to]),
      periodTtlMs(policy, period.from, period.to),
      (missing) => aggregates(() => hoursByCenter(pool, period, missing)),
      () => [],
    );
  // The dashboard's default chart for every center, before the API takes requests (app.ts, warmUp).
  warmUps.push(async (nowMs) => {
    const centers = await centersOf(scopeOf(PROVINCE, 1));
    await hourlyPerCenter(
      dashboardPeriods(nowMs).hourly,
      centers.map((center) => center.id),
    );
  });
  app.get(
    '/centers',
    { config: { roles: ANYONE }, schema: { response: { 200: Centers } } },
    async (request) => {
      const scope = scopeOf(request.user, 1);
      const centers = await centersOf(scope);
      // The counts come from the API's in-memory fleet index, current to the last second: a count
      // query over a center's terminals and statuses per scope cost 0.2-1.3 s (bench/RESULTS.md, "API").
      const counts = (await fleet.current()).countsByCenter();
      return centers.map((center) => {
        const of = counts.get(center.id);
        const online = (of?.moving ?? 0) + (of?.parked ?? 0);
        const faulty = of?.faulty ?? 0;
        const offline = of?.offline ?? 0;
        const neverSeen = of?.['never-seen'] ?? 0;
        const seen = online + faulty + offline;
        return {
          ...center,
          vehicles: seen + neverSeen,
          online,
          faulty,
          offline,
          neverSeen,
          // Online rate: vehicles connected now (healthy or not) over vehicles whose terminal ever checked in.
          onlineRate: seen === 0 ? 0 : (online + faulty) / seen,
        };
      });
    },
  );

  /** Hourly series for charts: vehicles heard from, vehicles reporting fixes, fixes and unqualified fixes. */
  app.get(
    '/centers/hourly',
    {
      config: { roles: ANYONE },
      preHandler: withinMaxSpan,
      schema: { querystring: ref(PeriodQuery), response: { 200: CenterHours } },
    },
    async (request) => {
      const { from, to } = request.query;
      const scope = scopeOf(request.user, 1);
      const centers = await centersOf(scope);
      const rows = (
        await hourlyPerCenter(
          { from, to },
          centers.map((center) => center.id),
        )
      ).flat();
      return rows.map((row) => ({
        ...row,
        // The row's Date as JSON gives it (the contract's type is the ISO string that goes out).
        hour: row.hour.toISOString(),
        onlineRate: row.vehicles === 0 ? 0 : row.vehiclesOnline / row.vehicles,
      }));
    },
  );
};
