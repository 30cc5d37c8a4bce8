import { withCenterHours } from '@jt808/after-sales';
import type { CenterOnsiteHours } from '@jt808/api-contract';
import type { Scope } from '@jt808/storage';
import type pg from 'pg';

/** The on-site hours of every center the scope sees (GET /api/onsite-hours), its overrides over the defaults. */
export async function onsiteHoursIn(pool: pg.Pool, scope: Scope): Promise<CenterOnsiteHours[]> {
  const { rows } = await pool.query<{
    id: number;
    name: string;
    onsite_hours_local: number | null;
    onsite_hours_nearby: number | null;
    onsite_hours_other_region: number | null;
  }>(
    `SELECT center.id, center.name, cs.onsite_hours_local, cs.onsite_hours_nearby, cs.onsite_hours_other_region
       FROM centers center LEFT JOIN center_settings cs ON cs.center_id = center.id
      WHERE ${scope.centers} ORDER BY center.id`,
    scope.params,
  );
  return rows.map((row) => ({ centerId: row.id, name: row.name, hours: withCenterHours(row) }));
}
