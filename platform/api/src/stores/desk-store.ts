import type { Scope } from '@jt808/storage';
import type pg from 'pg';

/** The service desk's queries (GET /api/desk/calls, GET /api/warranty/:terminal's check of scope). */

/**
 * The scope's calls, newest first, matching `q` by plate (part of it), caller's phone, owner's phone
 * or name, or SIM (any text when empty); `scope` numbers its parameters from $3.
 */
export async function deskCallsIn(pool: pg.Pool, scope: Scope, q: string, limit: number) {
  const { rows } = await pool.query(
    `SELECT c.id, c.received_at AS "receivedAt", c.caller_name AS "callerName", c.caller_phone AS "callerPhone",
            c.vehicle_id AS "vehicleId", vehicle.plate, c.phone, c.description, c.category, c.severity, c.channel,
            c.answered_on_call AS "answeredOnCall", c.ticket_id AS "ticketId", c.attached, c.taken_by AS "takenBy",
            vehicle.owner_name AS "ownerName"
       FROM desk_calls c JOIN vehicles vehicle ON vehicle.id = c.vehicle_id
      WHERE ($1 = '' OR vehicle.plate ILIKE '%' || $1 || '%' OR c.caller_phone = $1 OR vehicle.owner_phone = $1
             OR vehicle.owner_name = $1 OR c.phone = ltrim($1, '0'))
        AND ${scope.vehicles}
      ORDER BY c.received_at DESC LIMIT $2`,
    [q, limit, ...scope.params],
  );
  return rows;
}
