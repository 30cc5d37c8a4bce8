import type { Scope } from '@jt808/storage';
import type pg from 'pg';

/** The tickets' queries (GET /api/tickets, /api/tickets/:id and its actions' check of scope). */

/**
 * A ticket row with its vehicle's plate, its fault cause's names and when the desk answered it, as
 * the list and the detail give it: the row by its column names (the export's, and the workflow's
 * row that api/ticket-answer.ts renames), what is added to it by the contract's names.
 */
const TICKET_SELECT = `SELECT ticket.*, vehicle.plate, vehicle.plate_color AS "plateColor",
    cause.name_zh AS "faultCauseZh", cause.name_en AS "faultCauseEn",
    (SELECT c.met_at FROM service_clocks c WHERE c.ticket_id = ticket.id AND c.clock = 'first-answer') AS "answeredAt"
  FROM tickets ticket
  LEFT JOIN vehicles vehicle ON vehicle.id = ticket.vehicle_id
  LEFT JOIN fault_causes cause ON cause.code = ticket.fault_cause_code`;

/** The scope's tickets of a state and kind (null: any), newest first; `scope` numbers its parameters from $5. */
export async function ticketsIn(
  pool: pg.Pool,
  scope: Scope,
  filter: { state: string | null; kind: string | null; limit: number; offset: number },
) {
  const { rows } = await pool.query(
    `${TICKET_SELECT}
      WHERE ${scope.tickets} AND ($1::text IS NULL OR ticket.state = $1) AND ($2::text IS NULL OR ticket.kind = $2)
      ORDER BY ticket.opened_at DESC LIMIT $3 OFFSET $4`,
    [filter.state, filter.kind, filter.limit, filter.offset, ...scope.params],
  );
  return rows;
}

/** The ticket if the scope sees it; `scope` numbers its parameters from $2. */
export async function ticketIn(pool: pg.Pool, scope: Scope, id: number) {
  const { rows } = await pool.query(`${TICKET_SELECT} WHERE ticket.id = $1 AND ${scope.tickets}`, [
    id,
    ...scope.params,
  ]);
  return rows[0];
}

/** The ticket's history, oldest first. */
export async function ticketHistory(pool: pg.Pool, id: number | string) {
  const { rows } = await pool.query(
    'SELECT at, actor, from_state AS "fromState", to_state AS "toState", reason, detail FROM ticket_events WHERE ticket_id = $1 ORDER BY id',
    [id],
  );
  return rows;
}
