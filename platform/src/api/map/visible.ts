import type pg from 'pg';
import { scopeOf } from '../scope.js';
import type { User } from '../sessions.js';
import type { FleetIndex } from './fleet-index.js';

/**
 * Which slots of the fleet index `user` may see; undefined when every vehicle. The index holds the
 * state; who may see which vehicle is asked of the database with the same scope query as every
 * other route (an index-only scan of one center's vehicle ids takes milliseconds), so a vehicle
 * moved to another center leaves the old center's map at once, not when the index reloads.
 */
export async function visibleSlots(
  pool: pg.Pool,
  index: FleetIndex,
  user: User,
): Promise<((slot: number) => boolean) | undefined> {
  const scope = scopeOf(user, 1);
  if (scope.vehicles === 'TRUE') return undefined;
  const { rows } = await pool.query<[string]>({
    text: `SELECT vehicle.id FROM vehicles vehicle WHERE ${scope.vehicles}`,
    values: scope.params,
    rowMode: 'array',
  });
  const visible = new Set(rows.map(([id]) => Number(id)));
  return (slot) => visible.has(index.ids[slot]!);
}
