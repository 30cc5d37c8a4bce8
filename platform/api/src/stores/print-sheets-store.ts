import type { Scope } from '@jt808/storage';
import type pg from 'pg';

/** The printable sheets' queries (GET /api/tickets/:id/work-order, /api/installations/:id/acceptance-sheet). */

/** The vehicle, its owner, its terminal and who serves it, as both sheets show them. */
const VEHICLE = `vehicle.plate, vehicle.plate_color AS "plateColor", vehicle.vin, vehicle.vehicle_type AS "vehicleType",
  vehicle.owner_name AS "ownerName", vehicle.owner_phone AS "ownerPhone", e.name AS enterprise, center.name AS "centerName",
  point.name AS "servicePoint", point.phone AS "servicePointPhone", point.address AS "servicePointAddress", term.maker,
  term.model, term.terminal_id AS serial`;

/** A ticket's work order, unmasked, if the scope (parameters from $2) sees the ticket. */
export async function workOrderIn(
  pool: pg.Pool,
  scope: Scope,
  id: number,
): Promise<Record<string, unknown> | undefined> {
  const { rows } = await pool.query(
    `SELECT ticket.id, ticket.kind, ticket.state, ticket.reason, ticket.category, ticket.severity,
            ticket.opened_at AS "openedAt", ticket.response_due AS "responseDue", ticket.onsite_due AS "onsiteDue",
            ticket.appointment_at AS "appointmentAt", ticket.installer, ticket.phone, installer.name AS "installerName", ${VEHICLE},
            (SELECT c.description FROM desk_calls c WHERE c.ticket_id = ticket.id ORDER BY c.received_at LIMIT 1) AS description
       FROM tickets ticket
       LEFT JOIN vehicles vehicle ON vehicle.id = ticket.vehicle_id
       LEFT JOIN enterprises e ON e.id = vehicle.enterprise_id
       LEFT JOIN centers center ON center.id = ticket.center_id
       LEFT JOIN service_points point ON point.id = ticket.service_point_id
       LEFT JOIN terminals term ON term.phone = ticket.phone
       LEFT JOIN installers installer ON installer.code = ticket.installer
      WHERE ticket.id = $1 AND ${scope.tickets}`,
    [id, ...scope.params],
  );
  return rows[0];
}

/** An installation's acceptance sheet, unmasked, if the scope (parameters from $2) sees its service point. */
export async function acceptanceSheetIn(
  pool: pg.Pool,
  scope: Scope,
  id: number,
): Promise<Record<string, unknown> | undefined> {
  const { rows } = await pool.query(
    `SELECT i.id, to_char(i.planned_on, 'YYYY-MM-DD') AS "plannedOn", i.done_at AS "doneAt", i.accepted_at AS "acceptedAt",
            i.accepted_by AS "acceptedBy", i.owner_signed_at AS "ownerSignedAt", i.installer, installer.name AS "installerName",
            i.notes, term.phone, to_char(term.warranty_until, 'YYYY-MM-DD') AS "warrantyUntil", term.registered_at AS "registeredAt",
            st.connected_at AS "connectedAt", st.last_fix_time AS "lastFixTime", ${VEHICLE}
       FROM installations i
       JOIN vehicles vehicle ON vehicle.id = i.vehicle_id
       JOIN service_points point ON point.id = i.service_point_id
       LEFT JOIN enterprises e ON e.id = vehicle.enterprise_id
       LEFT JOIN centers center ON center.id = vehicle.center_id
       LEFT JOIN terminals term
         ON term.phone = coalesce(i.terminal_phone, (SELECT phone FROM terminals WHERE vehicle_id = i.vehicle_id))
       LEFT JOIN terminal_state st ON st.phone = term.phone
       LEFT JOIN installers installer ON installer.code = i.installer
      WHERE i.id = $1 AND ${scope.servicePoints}`,
    [id, ...scope.params],
  );
  return rows[0];
}
