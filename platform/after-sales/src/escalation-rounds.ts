import type { Queryable } from '@jt808/storage';
import { raiseNoticesFrom } from './notice-store.js';

/**
 * The escalations' other half (docs/after-sales.md, "Escalations and notifications"): improvement
 * measures past their deadline are escalated once, and escalations whose cause has gone away are
 * resolved by the platform with the reason. Run by the after-sales round (rounds.ts).
 */

/**
 * An upheld (or any answered) complaint's improvement measures not reported done by the end of
 * their deadline, a local date: escalated to the center's managers, once per complaint (the key),
 * so a manager who resolves it by hand is not asked again.
 */
export async function raiseMeasureEscalations(db: Queryable, now: Date): Promise<number> {
  return raiseNoticesFrom(
    db,
    `SELECT format('escalation:measures-overdue:%s', c.id), 'escalation', 'measures-overdue',
            c.center_id, c.ticket_id, c.id, c.vehicle_id,
            format('投诉#%s 的整改措施已过期限（%s，负责人 %s），未报完成', c.id, to_char(c.measures_due, 'YYYY-MM-DD'), c.measures_owner),
            jsonb_build_object('due', c.measures_due, 'owner', c.measures_owner, 'measures', c.measures)
       FROM complaints c
      WHERE c.measures_due IS NOT NULL AND c.measures_done_at IS NULL
        AND c.measures_due < ($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date`,
    [now],
  );
}

/**
 * Why an escalation's cause is gone, by cause, as SQL yielding the reason (NULL while it stands):
 * - `complaint-overdue`: the complaint was answered;
 * - `measures-overdue`: the measures were reported done;
 * - `severity1-breach`: the ticket was closed, or the late step happened at last — a response
 *   breach once someone was dispatched, an on-site breach once someone arrived (the breach stays on
 *   the ticket and in the reports; the escalation was there to get the work moving);
 * - `satisfaction`: never — an owner who scored 1 or 2 is called by a person, who resolves it.
 */
const REASON = `CASE notice.cause
    WHEN 'complaint-overdue' THEN CASE WHEN complaint.answered_at IS NOT NULL THEN 'complaint-answered' END
    WHEN 'measures-overdue' THEN CASE WHEN complaint.measures_done_at IS NOT NULL THEN 'measures-done' END
    WHEN 'severity1-breach' THEN CASE
      WHEN ticket.closed_at IS NOT NULL THEN 'ticket-closed'
      WHEN notice.detail->>'breach' = 'response' AND ticket.state NOT IN ('held', 'new', 'classified') THEN 'ticket-dispatched'
      WHEN notice.detail->>'breach' = 'on-site' AND ticket.arrived_at IS NOT NULL THEN 'ticket-arrived' END
  END`;

/** What the note says for each reason, Chinese first like the notices. */
const REASON_TEXT = `CASE why
    WHEN 'complaint-answered' THEN '投诉已答复 / the complaint was answered'
    WHEN 'measures-done' THEN '整改措施已完成 / the measures were reported done'
    WHEN 'ticket-closed' THEN '工单已关闭 / the ticket was closed'
    WHEN 'ticket-dispatched' THEN '工单已派工 / the ticket was dispatched'
    WHEN 'ticket-arrived' THEN '已到场 / someone arrived on site' END`;

/**
 * Resolves the open or acknowledged escalations whose cause is gone: `resolved_by` stays empty
 * (no person did it), `resolved_reason` says why and a line of the note says it in words. Returns
 * how many were closed.
 */
export async function closeSettledEscalations(db: Queryable, now: Date): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE notices notice SET state = 'resolved', resolved_at = $1, resolved_by = NULL, resolved_reason = settled.why,
            note = coalesce(notice.note || E'\\n', '') || '系统自动关闭 / closed by the system: ' || settled.text
       FROM (SELECT notice.id, why, ${REASON_TEXT} AS text
               FROM notices notice
               LEFT JOIN complaints complaint ON complaint.id = notice.complaint_id
               LEFT JOIN tickets ticket ON ticket.id = notice.ticket_id
               CROSS JOIN LATERAL (SELECT ${REASON} AS why) r
              WHERE notice.kind = 'escalation' AND notice.state <> 'resolved' AND why IS NOT NULL) settled
      WHERE notice.id = settled.id`,
    [now],
  );
  return rowCount ?? 0;
}
