import type { HistoryEntry, HistorySubject, Owner, Shipment, ShipmentInput } from '@jt808/api-contract';
import { type Acting, changing, type Scope } from '@jt808/storage';
import type pg from 'pg';

/**
 * A vehicle's owner and a terminal's shipment, set one at a time (the roster import loads them in
 * bulk: docs/roster-import.md), and the change history of the roster's after-sales facts. Each
 * function takes a scope built with the parameters its query puts before the scope's (n).
 */

/** Replaces the owner of a vehicle in scope (n = 5), unmasked; undefined out of scope. */
export async function setOwner(
  pool: pg.Pool,
  acting: Acting,
  scope: Scope,
  vehicleId: number,
  owner: Omit<Owner, 'id'>,
): Promise<Owner | undefined> {
  const { rows } = await changing(pool, acting, (client) =>
    client.query<Owner>(
      `UPDATE vehicles vehicle SET owner_name = $2, owner_phone = $3, owner_id_number = $4
        WHERE vehicle.id = $1 AND ${scope.vehicles}
      RETURNING vehicle.id, vehicle.owner_name AS name, vehicle.owner_phone AS phone, vehicle.owner_id_number AS "idNumber"`,
      [vehicleId, owner.name, owner.phone, owner.idNumber, ...scope.params],
    ),
  );
  return rows[0];
}

/**
 * Sets or clears (both null) a terminal's shipment (n = 4). A terminal is in scope through the
 * vehicle it is on; one on no vehicle yet (shipped, not installed) only for those who see the
 * province, whose scope is TRUE. Undefined out of scope.
 */
export async function setShipment(
  pool: pg.Pool,
  acting: Acting,
  scope: Scope,
  phone: string,
  shipment: ShipmentInput,
): Promise<Shipment | undefined> {
  const { rows } = await changing(pool, acting, (client) =>
    client.query<Shipment>(
      `UPDATE terminals t SET shipped_on = $2, ship_mode = $3
         FROM terminals found LEFT JOIN vehicles vehicle ON vehicle.id = found.vehicle_id
        WHERE found.phone = $1 AND t.phone = found.phone AND ${scope.vehicles}
      RETURNING t.phone, to_char(t.shipped_on, 'YYYY-MM-DD') AS "shippedOn", t.ship_mode AS "shipMode"`,
      [phone, shipment.shippedOn, shipment.shipMode, ...scope.params],
    ),
  );
  return rows[0];
}

/** The SIM of the terminal on a vehicle in scope (n = 2): null without one, undefined out of scope. */
export async function terminalOfVehicle(
  pool: pg.Pool,
  scope: Scope,
  vehicleId: number,
): Promise<string | null | undefined> {
  const { rows } = await pool.query<{ phone: string | null }>(
    `SELECT t.phone FROM vehicles vehicle LEFT JOIN terminals t ON t.vehicle_id = vehicle.id
      WHERE vehicle.id = $1 AND ${scope.vehicles}`,
    [vehicleId, ...scope.params],
  );
  return rows[0]?.phone;
}

/** A page of history: the newest changes of a record. */
const HISTORY_LIMIT = 500;

/**
 * The changes of the records named by `subjects` (subject, key), newest first, unmasked. The
 * caller has checked the records are in the user's scope.
 */
export async function historyOf(
  pool: pg.Pool,
  subjects: ReadonlyArray<[HistorySubject, string]>,
): Promise<HistoryEntry[]> {
  const { rows } = await pool.query<HistoryEntry>(
    `SELECT h.at, h.subject, h.field, h.old_value AS old, h.new_value AS new, h.actor, h.source
       FROM roster_history h
       JOIN unnest($1::text[], $2::text[]) AS wanted (subject, subject_key)
         ON h.subject = wanted.subject AND h.subject_key = wanted.subject_key
      ORDER BY h.at DESC, h.id DESC LIMIT ${HISTORY_LIMIT}`,
    [subjects.map(([subject]) => subject), subjects.map(([, key]) => key)],
  );
  return rows;
}
