import { scopeOf, seesEverything } from '@jt808/storage';
import type pg from 'pg';
import type { User } from '../sessions.js';
import type { FleetIndex } from './fleet-index.js';

/**
 * Which slots of the fleet index `user` may see; undefined when every vehicle. A center's user is
 * scoped by the index's own center column: the index reloads when the roster announces a change
 * (a vehicle moved to another center), as the live feed's own lookup does, and 300 operators
 * connecting at once then cost a pass over memory each rather than 300 queries for their ids. A
 * service point's vehicles (those on its tickets) are asked of the database with the scope query
 * every route uses.
 */
export async function visibleSlots(
  pool: pg.Pool,
  index: FleetIndex,
  user: User,
): Promise<((slot: number) => boolean) | undefined> {
  if (seesEverything(user)) return undefined;
  if (user.role !== 'service') {
    const centers = new Set(user.centerIds);
    return (slot) => centers.has(index.centers[slot]!);
  }
  const scope = scopeOf(user, 1);
  const { rows } = await pool.query<[string]>({
    text: `SELECT vehicle.id FROM vehicles vehicle WHERE ${scope.vehicles}`,
    values: scope.params,
    rowMode: 'array',
  });
  const visible = new Set(rows.map(([id]) => Number(id)));
  return (slot) => visible.has(index.ids[slot]!);
}
