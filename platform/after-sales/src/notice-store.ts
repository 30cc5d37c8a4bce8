import type { NoticeKind } from '@jt808/api-contract';
import type { Queryable } from '@jt808/storage';

/**
 * Notices: one thing someone must hear of (a dispatch, a reassignment, a rescheduled appointment, a
 * deadline 30 minutes away, an escalation, an exchange to make). Each has a unique key, so whatever
 * raises it twice raises it once. Raising one addresses it to the inboxes of the people it concerns
 * and queues it for each active outbound endpoint its kind is routed to (outbound.ts).
 */

export type { NoticeKind };

/** Deadlines the ticket's service point works to: the visit, and a spare part it ships. */
const SERVICE_POINT_DEADLINES = `notice.kind = 'deadline' AND notice.cause IN ('on-site', 'spare-parts')`;

/**
 * Who reads a notice in their inbox, by kind and cause (docs/after-sales.md, "Notifications"):
 * the service point's staff hear of the work handed to them and of its on-site and spare-parts
 * deadlines, and a patrol's of its report; the returned unit's clocks (inspection report, quote,
 * shipments, the faulty unit back) go to the service point that has the unit and the center's desk
 * that tells the customer; the center's operators (its managers) hear of response deadlines and
 * exchanges; the center's operators and desk of a complaint's deadline. Escalations are read from
 * `notices` by center (inbox.ts). Installers hear by the outbound sender, on their phone (their
 * register's number).
 */
const INBOX_AUDIENCE = `CASE
    WHEN notice.kind IN ('dispatch', 'reassign', 'reschedule') OR (${SERVICE_POINT_DEADLINES})
      THEN u.role = 'service' AND u.service_point_id = ticket.service_point_id
    WHEN notice.kind = 'deadline' AND notice.cause = 'patrol-report'
      THEN u.role = 'service' AND u.service_point_id = (notice.detail->>'servicePointId')::int
    WHEN notice.kind = 'deadline' AND notice.cause IN ('inspection-report', 'quote', 'exchange-ship', 'repair-ship', 'faulty-return')
      THEN (u.role = 'service' AND u.service_point_id = ticket.service_point_id)
        OR (u.role = 'desk' AND notice.center_id = ANY (u.center_ids))
    WHEN notice.kind = 'deadline' AND notice.cause = 'complaint'
      THEN u.role IN ('operator', 'desk') AND notice.center_id = ANY (u.center_ids)
    WHEN notice.kind IN ('deadline', 'exchange')
      THEN u.role = 'operator' AND notice.center_id = ANY (u.center_ids)
    ELSE false END`;

/** Who an outbound message names: the inbox's readers, or for an escalation the center's managers. */
const OUTBOUND_RECIPIENTS = `(SELECT coalesce(jsonb_agg(jsonb_build_object('username', u.username, 'role', u.role) ORDER BY u.id), '[]')
    FROM users u
   WHERE CASE WHEN notice.kind = 'escalation' THEN u.role = 'operator' AND notice.center_id = ANY (u.center_ids)
              ELSE u.id IN (SELECT user_id FROM inbox WHERE notice_id = notice.id) END)`;

/** Phones the sender texts: the ticket's installer (their work and its deadlines), and the owner of a rescheduled visit. */
const OUTBOUND_PHONES = `(SELECT coalesce(jsonb_agg(p ORDER BY p->>'to'), '[]') FROM (
      SELECT jsonb_build_object('to', 'installer', 'phone', i.phone) AS p FROM installers i
       WHERE i.code = ticket.installer AND i.phone IS NOT NULL
         AND (notice.kind IN ('dispatch', 'reassign', 'reschedule') OR (${SERVICE_POINT_DEADLINES}))
      UNION ALL
      SELECT jsonb_build_object('to', 'owner', 'phone', v.owner_phone) FROM vehicles v
       WHERE v.id = notice.vehicle_id AND v.owner_phone IS NOT NULL AND notice.kind = 'reschedule') phones)`;

/** Addresses new notices to their inboxes and queues them for the endpoints their kind goes to. */
export async function deliverNotices(db: Queryable, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `INSERT INTO inbox (notice_id, user_id)
     SELECT notice.id, u.id FROM notices notice
       LEFT JOIN tickets ticket ON ticket.id = notice.ticket_id
       JOIN users u ON ${INBOX_AUDIENCE}
      WHERE notice.id = ANY ($1::bigint[])
     ON CONFLICT DO NOTHING`,
    [ids],
  );
  await db.query(
    `INSERT INTO outbound_messages (notice_id, endpoint_id, url, payload)
     SELECT notice.id, endpoint.id, endpoint.url, jsonb_build_object(
              'id', notice.id, 'kind', notice.kind, 'cause', notice.cause, 'text', notice.text, 'at', notice.at,
              'centerId', notice.center_id, 'ticketId', notice.ticket_id, 'complaintId', notice.complaint_id,
              'vehicleId', notice.vehicle_id, 'recipients', ${OUTBOUND_RECIPIENTS}, 'phones', ${OUTBOUND_PHONES})
       FROM notices notice
       LEFT JOIN tickets ticket ON ticket.id = notice.ticket_id
       JOIN notification_endpoints endpoint ON endpoint.active AND notice.kind = ANY (endpoint.kinds)
      WHERE notice.id = ANY ($1::bigint[])
     ON CONFLICT (notice_id, endpoint_id) DO NOTHING`,
    [ids],
  );
}

export interface NewNotice {
  key: string;
  kind: NoticeKind;
  cause?: string;
  centerId: number | null;
  ticketId?: string | null;
  complaintId?: string | null;
  vehicleId?: string | null;
  text: string;
  detail?: object;
}

/** Raises one notice (nothing when its key was raised before); returns its id when new. */
export async function raiseNotice(db: Queryable, notice: NewNotice): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO notices (key, kind, cause, center_id, ticket_id, complaint_id, vehicle_id, text, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key) DO NOTHING RETURNING id`,
    [
      notice.key,
      notice.kind,
      notice.cause ?? null,
      notice.centerId,
      notice.ticketId ?? null,
      notice.complaintId ?? null,
      notice.vehicleId ?? null,
      notice.text,
      JSON.stringify(notice.detail ?? {}),
    ],
  );
  const id = rows[0]?.id;
  if (id) await deliverNotices(db, [id]);
  return id;
}

/**
 * Raises the notices an SQL query selects, set-based (the rounds' deadlines and escalations): the
 * query yields the columns of `notices` named in `raiseNotice`. Returns how many were new.
 */
export async function raiseNoticesFrom(db: Queryable, select: string, params: unknown[]): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO notices (key, kind, cause, center_id, ticket_id, complaint_id, vehicle_id, text, detail)
     ${select}
     ON CONFLICT (key) DO NOTHING RETURNING id`,
    params,
  );
  await deliverNotices(
    db,
    rows.map((r) => r.id),
  );
  return rows.length;
}
