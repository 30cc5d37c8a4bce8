import { UNQUALIFIED } from '@jt808/storage';
import type pg from 'pg';
import type { Period } from '../dashboard-periods.js';
import type { CenterCounts } from '../kpi-figures.js';

/** The KPIs' queries (GET /api/kpis; the rates and what they mean: routes/kpis.ts). */

/**
 * Each center's counts over the period, of the vehicles `vehicles` (a condition on \`vehicle\`)
 * selects with `params` from $4 on.
 */
export async function countsOf(
  pool: pg.Pool,
  period: Period,
  vehicles: string,
  params: unknown[],
): Promise<CenterCounts[]> {
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
}

/** Every center's id. */
export async function allCenterIds(pool: pg.Pool): Promise<number[]> {
  return (await pool.query<{ id: number }>('SELECT id FROM centers ORDER BY id')).rows.map((c) => c.id);
}
