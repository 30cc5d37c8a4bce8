import type { FastifyPluginAsync } from 'fastify';
import type { LimitFunction } from 'p-limit';
import type pg from 'pg';
import { AnswerCache, type CachePolicy, periodTtlMs } from '../answer-cache.js';
import { dashboardPeriods } from '../dashboard-periods.js';
import { ANYONE } from '../guard.js';
import { withinMaxSpan } from '../limits.js';
import type { FleetKeeper } from '../map/fleet-keeper.js';
import { answersPerCenter } from '../per-center.js';
import { type Scope, scopeOf } from '../scope.js';
import type { User } from '../sessions.js';
import type { WarmUps } from '../warm-up.js';

interface CenterRow {
  id: number;
  code: string;
  name: string;
  region: string;
  latitude: number | null;
  longitude: number | null;
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

/** Whom the warm-up computes for: every center. */
const PROVINCE: User = { id: 0, username: 'warm-up', role: 'admin', centerIds: [], servicePointId: null };

/** Centers the user may see, with counts by status and the current online rate. */
export const centerRoutes: FastifyPluginAsync<{
  pool: pg.Pool;
  cache: CachePolicy;
  aggregates: LimitFunction;
  fleet: FleetKeeper;
  warmUps: WarmUps;
}> = async (app, { pool, cache: policy, aggregates, fleet, warmUps }) => {
  // The dashboards poll these: the same scope (and period) get the same answer for a while.
  const centersCache = new AnswerCache<CenterRow[]>();
  /** Per center and period. */
  const hourlyCache = new AnswerCache<HourlyRow[]>(10_000);
  const centersOf = (scope: Scope) =>
    centersCache.get(JSON.stringify(scope), policy.currentMs, async () => {
      const { rows } = await pool.query<CenterRow>(
        `SELECT center.id, center.code, center.name, center.region, center.latitude, center.longitude
           FROM centers center WHERE ${scope.centers} ORDER BY center.id`,
        scope.params,
      );
      return rows;
    });
  const hourlyPerCenter = (period: { from: string; to: string }, centers: readonly number[]) =>
    answersPerCenter(
      hourlyCache,
      centers,
      (center) => JSON.stringify([center, period.from, period.to]),
      periodTtlMs(policy, period.from, period.to),
      (missing) =>
        aggregates(async () => {
          // A plain condition on the view's center column, which PostgreSQL pushes into the
          // view's grouping; scoped through a join instead, the view would add up every center's
          // hours before the join kept one.
          const { rows } = await pool.query<HourlyRow>(
            `SELECT h.center_id, h.hour, h.vehicles_online::int, h.vehicles_reporting::int, h.fixes::int, h.unqualified_fixes::int,
                (SELECT count(*) FROM vehicles v WHERE v.center_id = h.center_id)::int AS vehicles
           FROM center_hourly h
          WHERE h.hour >= $1 AND h.hour < $2 AND h.center_id = ANY ($3::int[])
          ORDER BY h.center_id, h.hour`,
            [period.from, period.to, missing],
          );
          const byCenter = new Map<number, HourlyRow[]>();
          for (const row of rows) {
            const list = byCenter.get(row.center_id);
            if (list) list.push(row);
            else byCenter.set(row.center_id, [row]);
          }
          return byCenter;
        }),
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
  app.get('/centers', { config: { roles: ANYONE } }, async (request) => {
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
        never_seen: neverSeen,
        // Online rate: vehicles connected now (healthy or not) over vehicles whose terminal ever checked in.
        onlineRate: seen === 0 ? 0 : (online + faulty) / seen,
      };
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
      const centers = await centersOf(scope);
      const rows = (
        await hourlyPerCenter(
          { from, to },
          centers.map((center) => center.id),
        )
      ).flat();
      return rows.map((row) => ({
        ...row,
        onlineRate: row.vehicles === 0 ? 0 : row.vehicles_online / row.vehicles,
      }));
    },
  );
};
