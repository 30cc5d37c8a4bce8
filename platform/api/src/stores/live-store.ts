import type pg from 'pg';

/** The vehicles a service point's staff see on the live feed: those of its tickets. */
export async function servicePointVehicles(
  pool: pg.Pool,
  servicePointId: number | null,
): Promise<Set<number>> {
  const { rows } = await pool.query<{ vehicle_id: string }>(
    'SELECT DISTINCT vehicle_id FROM tickets WHERE service_point_id = $1 AND vehicle_id IS NOT NULL',
    [servicePointId],
  );
  return new Set(rows.map((r) => Number(r.vehicle_id)));
}
