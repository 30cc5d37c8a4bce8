import type pg from 'pg';
import type { Scope } from '../scope.js';

/** Whether the scope sees the callback (by its vehicle); `scope` numbers its parameters from $2. */
export async function callbackInScope(pool: pg.Pool, scope: Scope, id: number): Promise<boolean> {
  const { rows } = await pool.query(
    `SELECT 1 FROM callbacks c JOIN vehicles vehicle ON vehicle.id = c.vehicle_id WHERE c.id = $1 AND ${scope.vehicles}`,
    [id, ...scope.params],
  );
  return rows.length > 0;
}
