import { OF_CUSTOMER, SAME_CUSTOMER, UNIT_COLUMNS, type UnitColumns } from '@jt808/after-sales';
import type { Scope } from '@jt808/storage';
import type pg from 'pg';

/** The customer archive's queries (GET /api/customers, /api/customers/:id and its views). */

const CUSTOMER_COLUMNS = `vehicle.id, vehicle.plate, vehicle.center_id AS "centerId", vehicle.owner_name AS "ownerName",
  vehicle.owner_phone AS "ownerPhone", vehicle.owner_id_number AS "ownerIdNumber",
  e.name AS enterprise, e.contact AS "enterpriseContact", e.phone AS "enterprisePhone",
  t.phone, t.maker, t.model, t.terminal_id AS serial, ${UNIT_COLUMNS}`;
const CUSTOMER_JOINS = `FROM vehicles vehicle LEFT JOIN enterprises e ON e.id = vehicle.enterprise_id
  LEFT JOIN terminals t ON t.vehicle_id = vehicle.id`;

/** A customer row with the unit's columns the warranty end is computed from (withWarrantyUntil). */
type CustomerColumns = UnitColumns & Record<string, unknown>;

/**
 * The scope's customers whose plate holds `q`, whose owner or enterprise is named `q`, whose
 * owner's phone is `ownerPhone` (q as phones are stored) or whose SIM is `q`; from $4.
 */
export async function customersMatching(
  pool: pg.Pool,
  scope: Scope,
  search: { q: string; ownerPhone: string; limit: number },
) {
  const { rows } = await pool.query<CustomerColumns>(
    `SELECT ${CUSTOMER_COLUMNS} ${CUSTOMER_JOINS}
      WHERE (vehicle.plate ILIKE '%' || $1 || '%' OR vehicle.owner_phone = $2 OR vehicle.owner_name = $1 OR e.name = $1
             OR t.phone = ltrim($1, '0'))
        AND ${scope.vehicles}
      ORDER BY vehicle.id LIMIT $3`,
    [search.q, search.ownerPhone, search.limit, ...scope.params],
  );
  return rows;
}

/** The customer addressed by their vehicle `id`, if the scope sees it; from $2. */
export async function customerIn(pool: pg.Pool, scope: Scope, id: number) {
  const { rows } = await pool.query<CustomerColumns>(
    `SELECT ${CUSTOMER_COLUMNS} ${CUSTOMER_JOINS} WHERE vehicle.id = $1 AND ${scope.vehicles}`,
    [id, ...scope.params],
  );
  return rows[0];
}

/** The customer's vehicles (their enterprise's and their own) with terminals, in scope (from $2); vehicle `id` first. */
export async function customerVehicles(pool: pg.Pool, scope: Scope, id: number) {
  const { rows } = await pool.query(
    `SELECT vehicle.id, vehicle.plate, t.maker, t.model, t.terminal_id AS serial, t.phone
       FROM vehicles vehicle LEFT JOIN terminals t ON t.vehicle_id = vehicle.id
      WHERE vehicle.id IN (SELECT sibling.id FROM vehicles sibling WHERE ${SAME_CUSTOMER}) AND ${scope.vehicles}
      ORDER BY vehicle.id = $1 DESC, vehicle.plate LIMIT 200`,
    [id, ...scope.params],
  );
  return rows;
}

/** Local dates as the instant their day starts in Asia/Shanghai. */
const startOfLocal = (date: string) => `(${date})::timestamp AT TIME ZONE 'Asia/Shanghai'`;

/**
 * One customer's history across their vehicles ($2) and contracts (of vehicle $1's customer),
 * newest first: a contract's end appears once it has come. No personal data in the summaries (a
 * timeline is masked for every role): an exchange names its ticket (`ref`), not the new SIM.
 */
const TIMELINE = `SELECT * FROM (
   SELECT coalesce(accepted_at, done_at, planned_on::timestamptz) AS at, 'installation' AS what, id::text AS ref, vehicle_id AS "vehicleId",
          concat_ws(' ', installer, CASE WHEN accepted_at IS NOT NULL THEN 'accepted' WHEN done_at IS NOT NULL THEN 'done' ELSE 'planned' END) AS summary
     FROM installations WHERE vehicle_id = ANY ($2)
   UNION ALL
   SELECT opened_at, 'ticket', id::text, vehicle_id, concat_ws(' ', kind, reason, state, close_reason) FROM tickets WHERE vehicle_id = ANY ($2)
   UNION ALL
   SELECT resolved_at, 'exchange', id::text, vehicle_id, 'terminal replaced'
     FROM tickets WHERE vehicle_id = ANY ($2) AND replacement_phone IS NOT NULL AND resolved_at IS NOT NULL
   UNION ALL
   SELECT received_at, 'call', id::text, vehicle_id, concat_ws(' ', category, description) FROM desk_calls WHERE vehicle_id = ANY ($2)
   UNION ALL
   SELECT opened_at, 'complaint', id::text, vehicle_id, concat_ws(' ', source, finding, description) FROM complaints WHERE vehicle_id = ANY ($2)
   UNION ALL
   SELECT coalesce(done_at, due_at), 'callback', id::text, vehicle_id, concat_ws(' ', kind, satisfaction, reason, comment)
     FROM callbacks WHERE vehicle_id = ANY ($2)
   UNION ALL
   SELECT ${startOfLocal('contract.signed_on')}, 'contract', contract.id::text, contract.vehicle_id,
          concat_ws(' ', contract.number, contract.kind, 'signed')
     FROM owner_contracts contract WHERE ${OF_CUSTOMER}
   UNION ALL
   SELECT ${startOfLocal('contract.ends_on + 1')}, 'contract', contract.id::text, contract.vehicle_id,
          concat_ws(' ', contract.number, contract.kind, 'ended')
     FROM owner_contracts contract WHERE ${OF_CUSTOMER} AND ${startOfLocal('contract.ends_on + 1')} <= now()
 ) events WHERE at IS NOT NULL ORDER BY at DESC LIMIT 500`;

/** The timeline of the customer of vehicle `id` over their `vehicleIds` (the caller checked the scope). */
export async function customerTimeline(pool: pg.Pool, id: number, vehicleIds: readonly string[]) {
  const { rows } = await pool.query(TIMELINE, [id, vehicleIds]);
  return rows;
}

/** Records that `user` saw the owner's `fields` of vehicle `id` in full. */
export async function recordFullView(
  pool: pg.Pool,
  user: { id: number; username: string },
  id: number,
  fields: readonly string[],
): Promise<void> {
  await pool.query(
    `INSERT INTO personal_data_views (user_id, username, subject, subject_id, fields) VALUES ($1, $2, 'vehicle-owner', $3, $4)`,
    [user.id, user.username, String(id), fields],
  );
}

/** Who saw the owner of vehicle `id` in full, newest first. */
export async function customerViews(pool: pg.Pool, id: number) {
  const { rows } = await pool.query(
    `SELECT at, username, fields FROM personal_data_views WHERE subject = 'vehicle-owner' AND subject_id = $1 ORDER BY at DESC LIMIT 200`,
    [String(id)],
  );
  return rows;
}
