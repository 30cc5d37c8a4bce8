import type { Queryable } from '../db/pool.js';
import type { Unit } from './warranty.js';

/**
 * A terminal as the warranty rules see it: how it was shipped or when installed, and the dates
 * its vehicle's unit was exchanged before (resolved tickets that put in a replacement terminal).
 */
export async function unitOf(db: Queryable, phone: string): Promise<Unit | undefined> {
  const { rows } = await db.query<{
    shipped_on: string | null;
    ship_mode: 'express' | 'freight' | null;
    installed_on: string | null;
    exchanges: string[];
  }>(
    `SELECT to_char(t.shipped_on, 'YYYY-MM-DD') AS shipped_on, t.ship_mode,
            to_char(t.installed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS installed_on,
            coalesce((SELECT array_agg(to_char(x.resolved_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') ORDER BY x.resolved_at)
                        FROM tickets x
                       WHERE x.replacement_phone IS NOT NULL AND x.resolved_at IS NOT NULL
                         AND x.vehicle_id IS NOT NULL AND x.vehicle_id = t.vehicle_id), '{}') AS exchanges
       FROM terminals t WHERE t.phone = ltrim($1, '0')`,
    [phone],
  );
  const row = rows[0];
  return (
    row && {
      shippedOn: row.shipped_on,
      shipMode: row.ship_mode,
      installedOn: row.installed_on,
      exchanges: row.exchanges,
    }
  );
}
