import type { Scope } from '@jt808/storage';
import type pg from 'pg';

/**
 * The complaints' queries (GET /api/complaints, the checks of scope before recording and answering
 * one). Complaints carry center and service point like tickets: the tickets' scope applies.
 */

/** The scope's complaints, open (`open`), answered (`!open`) or all (null), earliest due first; from $3. */
export async function complaintsIn(pool: pg.Pool, scope: Scope, open: boolean | null, limit: number) {
  const { rows } = await pool.query(
    // measures_due is a local date: as text, not a Date at the process's midnight. `late` is never
    // null (an open complaint not yet due is not late), as the contract's boolean says.
    `SELECT ticket.id, ticket.source, ticket.rule_key AS "ruleKey", ticket.ticket_id AS "ticketId", ticket.phone,
            ticket.vehicle_id AS "vehicleId", ticket.center_id AS "centerId", ticket.service_point_id AS "servicePointId",
            ticket.installer, ticket.description, ticket.complex, ticket.opened_at AS "openedAt", ticket.due_at AS "dueAt",
            ticket.handler, ticket.answered_at AS "answeredAt", ticket.finding, ticket.measures,
            ticket.charged_service_point_id AS "chargedServicePointId", ticket.charged_installer AS "chargedInstaller",
            ticket.created_by AS "createdBy", ticket.measures_owner AS "measuresOwner",
            to_char(ticket.measures_due, 'YYYY-MM-DD') AS "measuresDue", ticket.measures_done_at AS "measuresDoneAt",
            ticket.measures_done_by AS "measuresDoneBy", ticket.measures_report AS "measuresReport",
            CASE WHEN ticket.answered_at IS NULL THEN ticket.due_at < now() ELSE ticket.answered_at > ticket.due_at END AS late
       FROM complaints ticket
      WHERE ($1::boolean IS NULL OR (ticket.answered_at IS NULL) = $1) AND ${scope.tickets}
      ORDER BY ticket.due_at LIMIT $2`,
    [open, limit, ...scope.params],
  );
  return rows;
}
