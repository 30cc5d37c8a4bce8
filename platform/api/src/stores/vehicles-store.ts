import type { Scope } from '@jt808/storage';
import type pg from 'pg';

/** The vehicles' queries (GET /api/vehicles, /api/vehicles/:id and its track). */

// The contract's camelCase names (api-contract/src/vehicles.ts): these queries serve the API alone.
const VEHICLE_COLUMNS = `vehicle.id, vehicle.plate, vehicle.plate_color AS "plateColor", vehicle.vin,
  vehicle.center_id AS "centerId", t.phone, t.terminal_id AS "terminalId", t.maker, t.model,
  coalesce(s.status, 'never-seen') AS status, coalesce(s.reasons, '{}') AS reasons, s.since AS "statusSince",
  st.online, st.last_seen_at AS "lastSeenAt", st.last_fix_time AS "lastFixTime", st.latitude, st.longitude,
  st.speed, st.direction, st.alarm::text AS alarm, st.satellites, st.signal_strength AS "signalStrength"`;

const VEHICLE_JOINS = `FROM vehicles vehicle
  LEFT JOIN terminals t ON t.vehicle_id = vehicle.id
  LEFT JOIN terminal_status s ON s.phone = t.phone
  LEFT JOIN terminal_state st ON st.phone = t.phone`;

/** One vehicle also shows its owner and its terminal's shipment. */
const DETAIL_COLUMNS = `${VEHICLE_COLUMNS}, vehicle.owner_name AS "ownerName", vehicle.owner_phone AS "ownerPhone",
  vehicle.owner_id_number AS "ownerIdNumber", to_char(t.shipped_on, 'YYYY-MM-DD') AS "shippedOn", t.ship_mode AS "shipMode"`;

/**
 * A page of the scope's vehicles matching `q` (a plate's part, a VIN, a SIM's start; empty: all), by
 * id; `scope` numbers its parameters from $4.
 */
export async function vehiclesMatching(
  pool: pg.Pool,
  scope: Scope,
  search: { q: string; limit: number; offset: number },
) {
  // The matches first, from the vehicles alone (plate, VIN: an index-only scan of the center's
  // entries) and from the terminals' phone index, then the page of them with their state: a
  // condition over the joined rows would join every vehicle in scope to its terminal first.
  const { rows } = await pool.query(
    `WITH matched AS (
       SELECT vehicle.id FROM vehicles vehicle
        WHERE ${scope.vehicles} AND ($1 = '' OR vehicle.plate ILIKE '%' || $1 || '%' OR vehicle.vin = upper($1))
       UNION
       SELECT vehicle.id FROM terminals t JOIN vehicles vehicle ON vehicle.id = t.vehicle_id
        WHERE $1 <> '' AND t.phone LIKE ltrim($1, '0') || '%' AND ${scope.vehicles})
     SELECT ${VEHICLE_COLUMNS} ${VEHICLE_JOINS}
      WHERE vehicle.id IN (SELECT id FROM matched)
      ORDER BY vehicle.id LIMIT $2 OFFSET $3`,
    [search.q, search.limit, search.offset, ...scope.params],
  );
  return rows;
}

/** The vehicle with its owner and shipment if the scope sees it; `scope` numbers its parameters from $2. */
export async function vehicleIn(pool: pg.Pool, scope: Scope, id: number) {
  const { rows } = await pool.query(
    `SELECT ${DETAIL_COLUMNS} ${VEHICLE_JOINS} WHERE vehicle.id = $1 AND ${scope.vehicles}`,
    [id, ...scope.params],
  );
  return rows[0];
}

/** The terminal's newest 100 events, newest first. */
export async function terminalEvents(pool: pg.Pool, phone: string) {
  const { rows } = await pool.query(
    'SELECT at, kind, detail FROM terminal_events WHERE phone = $1 ORDER BY at DESC LIMIT 100',
    [phone],
  );
  return rows;
}

/** The SIM of the vehicle's terminal if the scope sees the vehicle and it has one; `scope` numbers its parameters from $2. */
export async function vehiclePhoneIn(pool: pg.Pool, scope: Scope, id: number): Promise<string | undefined> {
  const { rows } = await pool.query<{ phone: string }>(
    `SELECT t.phone FROM vehicles vehicle JOIN terminals t ON t.vehicle_id = vehicle.id WHERE vehicle.id = $1 AND ${scope.vehicles}`,
    [id, ...scope.params],
  );
  return rows[0]?.phone;
}
