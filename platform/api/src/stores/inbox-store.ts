import type { InboxCounts, NoticeKind } from '@jt808/api-contract';
import type pg from 'pg';
import type { User } from '../sessions.js';

/**
 * The inbox's queries (GET /api/inbox, /api/inbox/count, POST /api/inbox/read), an escalation's
 * working off (POST /api/escalations/:id) and the outbound deliveries' log
 * (GET /api/notifications/deliveries). Rows with the contract's camelCase names; the escalations a user sees are the
 * condition the route passes (`EscalationScope`).
 */

/** The escalations a user works off, as a condition on `notices notice` with its parameters. */
export interface EscalationScope {
  where: string;
  params: unknown[];
}

const NOTICE_COLUMNS = `notice.id, notice.kind, notice.cause, notice.text, notice.detail, notice.at,
  notice.center_id AS "centerId", notice.ticket_id AS "ticketId", notice.complaint_id AS "complaintId",
  notice.vehicle_id AS "vehicleId", notice.state, notice.acknowledged_at AS "acknowledgedAt",
  notice.acknowledged_by AS "acknowledgedBy", notice.resolved_at AS "resolvedAt", notice.resolved_by AS "resolvedBy",
  notice.resolved_reason AS "resolvedReason", notice.note`;

/**
 * The user's notices and the escalations they see (`escalations` numbers its parameters from $5),
 * newest first; open: unread notices, escalations not yet resolved.
 */
export async function inboxOf(
  pool: pg.Pool,
  user: User,
  escalations: EscalationScope,
  filter: { kind: NoticeKind | null; open: boolean; limit: number },
) {
  const { rows } = await pool.query(
    `SELECT * FROM (
       SELECT ${NOTICE_COLUMNS}, inbox.read_at AS "readAt" FROM notices notice
         JOIN inbox ON inbox.notice_id = notice.id AND inbox.user_id = $1
        WHERE NOT ($3 AND inbox.read_at IS NOT NULL)
       UNION ALL
       SELECT ${NOTICE_COLUMNS}, NULL FROM notices notice
        WHERE ${escalations.where} AND NOT ($3 AND notice.state = 'resolved')) items
      WHERE ($2::text IS NULL OR kind = $2) ORDER BY at DESC, id DESC LIMIT $4`,
    [user.id, filter.kind, filter.open, filter.limit, ...escalations.params],
  );
  return rows;
}

/** Unread notices and escalations still open; `escalations` numbers its parameters from $2. */
export async function inboxCounts(
  pool: pg.Pool,
  user: User,
  escalations: EscalationScope,
): Promise<InboxCounts> {
  const { rows } = await pool.query<InboxCounts>(
    `SELECT (SELECT count(*)::int FROM inbox WHERE user_id = $1 AND read_at IS NULL) AS unread,
            (SELECT count(*)::int FROM notices notice WHERE ${escalations.where} AND notice.state <> 'resolved') AS escalations`,
    [user.id, ...escalations.params],
  );
  return rows[0]!;
}

/** Marks the user's own notices read (someone else's ids change nothing); how many were unread. */
export async function markRead(pool: pg.Pool, user: User, ids: number[], all: boolean): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE inbox SET read_at = now() WHERE user_id = $1 AND read_at IS NULL AND ($3 OR notice_id = ANY ($2::bigint[]))`,
    [user.id, ids, all],
  );
  return rowCount ?? 0;
}

/** The escalation's state if the user sees it (`escalations` numbers its parameters from $2). */
export async function escalationState(
  pool: pg.Pool,
  id: number,
  escalations: EscalationScope,
): Promise<string | undefined> {
  const { rows } = await pool.query<{ state: string }>(
    `SELECT notice.state FROM notices notice WHERE notice.id = $1 AND ${escalations.where}`,
    [id, ...escalations.params],
  );
  return rows[0]?.state;
}

/**
 * Acknowledges (from open) or resolves (from open or acknowledged) an escalation, adding the note
 * to its notes; the notice as it is then, or undefined when it was not in a state to move from.
 */
export async function workOffEscalation(
  pool: pg.Pool,
  id: number,
  action: 'acknowledge' | 'resolve',
  actor: string,
  note: string,
) {
  const from = action === 'acknowledge' ? ['open'] : ['open', 'acknowledged'];
  const by = action === 'acknowledge' ? 'acknowledged' : 'resolved';
  const { rows } = await pool.query(
    `UPDATE notices notice SET state = $2, ${by}_at = now(), ${by}_by = $3,
            note = coalesce(note || E'\\n', '') || $4
      WHERE notice.id = $1 AND notice.state = ANY ($5::text[])
      RETURNING ${NOTICE_COLUMNS}`,
    [id, by, actor, note, from],
  );
  return rows[0];
}

/** The outbound deliveries (of a state, or any), newest first, each with its attempts. */
export async function deliveries(pool: pg.Pool, filter: { state: string | null; limit: number }) {
  const { rows } = await pool.query(
    `SELECT m.id, m.notice_id AS "noticeId", n.kind, n.cause, n.text, m.endpoint_id AS "endpointId", e.name AS endpoint, m.url,
            m.state, m.attempts, m.next_attempt_at AS "nextAttemptAt", m.created_at AS "createdAt", m.sent_at AS "sentAt", m.payload,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('at', a.at, 'status', a.status, 'ok', a.ok, 'error', a.error, 'ms', a.ms)
                                       ORDER BY a.id), '[]')
               FROM outbound_attempts a WHERE a.message_id = m.id) AS log
       FROM outbound_messages m JOIN notices n ON n.id = m.notice_id
       JOIN notification_endpoints e ON e.id = m.endpoint_id
      WHERE ($1::text IS NULL OR m.state = $1) ORDER BY m.id DESC LIMIT $2`,
    [filter.state, filter.limit],
  );
  return rows;
}
