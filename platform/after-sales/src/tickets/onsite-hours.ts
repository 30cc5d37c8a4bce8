/**
 * How long a service point has to be on site, by how far it must travel. The service standard
 * writes 12 h for the local case; nearby and another region are the center's to set (defaults
 * here), each center may override all three (center_settings.onsite_hours_*).
 *
 * A ticket's distance class is set by the dispatcher when sending a service point (the dispatcher
 * knows where the vehicle is parked and where the crew will come from); until then it is local,
 * the standard's case. Pure but for the loader.
 */
import { DISTANCES, type Distance } from '@jt808/api-contract';
import type { Queryable } from '@jt808/storage';

export { DISTANCES, type Distance };

export type OnsiteHours = Record<Distance, number>;

export const DEFAULT_ONSITE_HOURS: Readonly<OnsiteHours> = Object.freeze({
  local: 12,
  nearby: 24,
  'other-region': 48,
});

/** A center's on-site hours: its overrides over the defaults. */
export function withCenterHours(
  row:
    | {
        onsite_hours_local: number | null;
        onsite_hours_nearby: number | null;
        onsite_hours_other_region: number | null;
      }
    | undefined,
): OnsiteHours {
  return {
    local: row?.onsite_hours_local ?? DEFAULT_ONSITE_HOURS.local,
    nearby: row?.onsite_hours_nearby ?? DEFAULT_ONSITE_HOURS.nearby,
    'other-region': row?.onsite_hours_other_region ?? DEFAULT_ONSITE_HOURS['other-region'],
  };
}

/** The on-site hours of a center (the defaults for none). */
export async function onsiteHoursOf(db: Queryable, centerId: number | null): Promise<OnsiteHours> {
  if (centerId === null) return { ...DEFAULT_ONSITE_HOURS };
  const { rows } = await db.query<{
    onsite_hours_local: number | null;
    onsite_hours_nearby: number | null;
    onsite_hours_other_region: number | null;
  }>(
    `SELECT onsite_hours_local, onsite_hours_nearby, onsite_hours_other_region
       FROM center_settings WHERE center_id = $1`,
    [centerId],
  );
  return withCenterHours(rows[0]);
}

/** Sets a center's on-site hours whole (null: back to the default). */
export async function saveOnsiteHours(
  db: Queryable,
  centerId: number,
  hours: Record<Distance, number | null>,
): Promise<void> {
  await db.query(
    `INSERT INTO center_settings (center_id, onsite_hours_local, onsite_hours_nearby, onsite_hours_other_region)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (center_id) DO UPDATE SET onsite_hours_local = EXCLUDED.onsite_hours_local,
       onsite_hours_nearby = EXCLUDED.onsite_hours_nearby, onsite_hours_other_region = EXCLUDED.onsite_hours_other_region`,
    [centerId, hours.local, hours.nearby, hours['other-region']],
  );
}
