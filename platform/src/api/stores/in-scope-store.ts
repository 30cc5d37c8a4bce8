import type pg from 'pg';
import type { Scope } from '../scope.js';

/**
 * Whether a row the request names by id is one the user's scope sees: the guard a route runs
 * before it reads or changes anything of it (another center's id is a 404). Each takes a scope
 * that numbers its parameters from $2.
 */

async function exists(pool: pg.Pool, sql: string, id: number, scope: Scope): Promise<boolean> {
  const { rows } = await pool.query(sql, [id, ...scope.params]);
  return rows.length > 0;
}

export const ticketInScope = (pool: pg.Pool, scope: Scope, id: number) =>
  exists(pool, `SELECT 1 FROM tickets ticket WHERE ticket.id = $1 AND ${scope.tickets}`, id, scope);

export const vehicleInScope = (pool: pg.Pool, scope: Scope, id: number) =>
  exists(pool, `SELECT 1 FROM vehicles vehicle WHERE vehicle.id = $1 AND ${scope.vehicles}`, id, scope);

export const centerInScope = (pool: pg.Pool, scope: Scope, id: number) =>
  exists(pool, `SELECT 1 FROM centers center WHERE center.id = $1 AND ${scope.centers}`, id, scope);
