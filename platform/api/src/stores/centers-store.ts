import type { Center } from '@jt808/api-contract';
import type { Scope } from '@jt808/storage';
import type pg from 'pg';

/** The centers' queries (GET /api/centers and /api/centers/hourly). */

/** A center as stored: the contract's Center before the counts are added to it. */
export type CenterRow = Pick<Center, 'id' | 'code' | 'name' | 'region' | 'latitude' | 'longitude'>;

/** A center's hour by the contract's names (CenterHour), the hour still a Date, before its online rate. */
export interface HourlyRow {
  centerId: number;
  hour: Date;
  vehiclesOnline: number;
  vehiclesReporting: number;
  fixes: number;
  unqualifiedFixes: number;
  vehicles: number;
}

/** The centers the scope sees, by id. */
export async function centersIn(pool: pg.Pool, scope: Scope): Promise<CenterRow[]> {
  const { rows } = await pool.query<CenterRow>(
    `SELECT center.id, center.code, center.name, center.region, center.latitude, center.longitude
       FROM centers center WHERE ${scope.centers} ORDER BY center.id`,
    scope.params,
  );
  return rows;
}

/** The hours of [from, to) of each of the centers, by center. */
export async function hoursByCenter(
  pool: pg.Pool,
  period: { from: string; to: string },
  centers: readonly number[],
): Promise<Map<number, HourlyRow[]>> {
  // A plain condition on the view's center column, which PostgreSQL pushes into the view's
  // grouping; scoped through a join instead, the view would add up every center's hours before
  // the join kept one.
  const { rows } = await pool.query<HourlyRow>(
    `SELECT h.center_id AS "centerId", h.hour, h.vehicles_online::int AS "vehiclesOnline",
        h.vehicles_reporting::int AS "vehiclesReporting", h.fixes::int, h.unqualified_fixes::int AS "unqualifiedFixes",
        (SELECT count(*) FROM vehicles v WHERE v.center_id = h.center_id)::int AS vehicles
       FROM center_hourly h
      WHERE h.hour >= $1 AND h.hour < $2 AND h.center_id = ANY ($3::int[])
      ORDER BY h.center_id, h.hour`,
    [period.from, period.to, centers],
  );
  const byCenter = new Map<number, HourlyRow[]>();
  for (const row of rows) {
    const list = byCenter.get(row.centerId);
    if (list) list.push(row);
    else byCenter.set(row.centerId, [row]);
  }
  return byCenter;
}
