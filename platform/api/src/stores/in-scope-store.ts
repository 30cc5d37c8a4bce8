import type { Scope } from '@jt808/storage';
import type pg from 'pg';

/**
 * Whether a row the request names by id is one the user's scope sees: the guard a route runs
 * before it reads or changes anything of it (another center's id is a 404). Each takes a scope
 * that numbers its parameters from $2.
 */

async function exists(pool: pg.Pool, sql: string, id: number | string, scope: Scope): Promise<boolean> {
  const { rows } = await pool.query(sql, [id, ...scope.params]);
  return rows.length > 0;
}

export const ticketInScope = (pool: pg.Pool, scope: Scope, id: number) =>
  exists(pool, `SELECT 1 FROM tickets ticket WHERE ticket.id = $1 AND ${scope.tickets}`, id, scope);

export const vehicleInScope = (pool: pg.Pool, scope: Scope, id: number) =>
  exists(pool, `SELECT 1 FROM vehicles vehicle WHERE vehicle.id = $1 AND ${scope.vehicles}`, id, scope);

export const centerInScope = (pool: pg.Pool, scope: Scope, id: number) =>
  exists(pool, `SELECT 1 FROM centers center WHERE center.id = $1 AND ${scope.centers}`, id, scope);

export const complaintInScope = (pool: pg.Pool, scope: Scope, id: number) =>
  exists(pool, `SELECT 1 FROM complaints ticket WHERE ticket.id = $1 AND ${scope.tickets}`, id, scope);

/** A callback, by its vehicle. */
export const callbackInScope = (pool: pg.Pool, scope: Scope, id: number) =>
  exists(
    pool,
    `SELECT 1 FROM callbacks c JOIN vehicles vehicle ON vehicle.id = c.vehicle_id WHERE c.id = $1 AND ${scope.vehicles}`,
    id,
    scope,
  );

export const servicePointInScope = (pool: pg.Pool, scope: Scope, id: number) =>
  exists(
    pool,
    `SELECT 1 FROM service_points point WHERE point.id = $1 AND ${scope.servicePoints}`,
    id,
    scope,
  );

/** An installer, by their service point: out of the scope's, they are no installer of it. */
export const installerInScope = (pool: pg.Pool, scope: Scope, code: string) =>
  exists(
    pool,
    `SELECT 1 FROM installers i JOIN service_points point ON point.id = i.service_point_id
      WHERE i.code = $1 AND ${scope.servicePoints}`,
    code,
    scope,
  );

/** A terminal fitted to a vehicle of the scope, named by its SIM as a caller gives it (leading zeros). */
export const fittedTerminalInScope = (pool: pg.Pool, scope: Scope, terminal: string) =>
  exists(
    pool,
    `SELECT 1 FROM terminals t JOIN vehicles vehicle ON vehicle.id = t.vehicle_id WHERE t.phone = ltrim($1, '0') AND ${scope.vehicles}`,
    terminal,
    scope,
  );

/**
 * A terminal as its shipment is edited (`setShipment`): one not yet fitted counts too, for a scope
 * whose vehicle condition holds without a vehicle (the province's).
 */
export const terminalInScope = (pool: pg.Pool, scope: Scope, phone: string) =>
  exists(
    pool,
    `SELECT 1 FROM terminals found LEFT JOIN vehicles vehicle ON vehicle.id = found.vehicle_id
      WHERE found.phone = $1 AND ${scope.vehicles}`,
    phone,
    scope,
  );
