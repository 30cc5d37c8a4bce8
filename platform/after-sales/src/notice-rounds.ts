import type { Queryable } from '@jt808/storage';
import { raiseNoticesFrom } from './notice-store.js';

/** Escalations are looked for this far back: a round missed for a while still finds them. */
const ESCALATION_LOOKBACK = '7 days';

/**
 * Deadlines `minutes` away (setting deadlineNoticeMinutes, 30 by default) that are not met yet:
 * a ticket's response (while nobody has been dispatched), its visit (dispatched or appointed, until
 * someone arrives), a complaint's answer, and the service clocks (below). The key holds the due time, so each deadline is told once
 * however many rounds see it, and a deadline that moves (a reschedule) is told again.
 */
export async function raiseDeadlineNotices(db: Queryable, now: Date, minutes: number): Promise<number> {
  const window = [now, new Date(now.getTime() + minutes * 60_000)];
  const tickets = await raiseNoticesFrom(
    db,
    `SELECT format('deadline:%s:ticket:%s:%s', d.cause, t.id, extract(epoch FROM d.due)::bigint), 'deadline', d.cause,
            t.center_id, t.id, NULL::bigint, t.vehicle_id,
            format('工单#%s %s %s截止于 %s（北京时间）', t.id, coalesce(v.plate, t.phone),
                   CASE d.cause WHEN 'response' THEN '响应' ELSE '到场' END,
                   to_char(d.due AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI')),
            jsonb_build_object('due', d.due)
       FROM tickets t
       LEFT JOIN vehicles v ON v.id = t.vehicle_id
       CROSS JOIN LATERAL (VALUES ('response', t.response_due, t.state IN ('new', 'classified')),
                                  ('on-site', t.onsite_due, t.state IN ('dispatched', 'appointed'))) d(cause, due, pending)
      WHERE t.closed_at IS NULL AND d.pending AND d.due > $1 AND d.due <= $2
        AND NOT d.cause = ANY (t.breaches)`,
    window,
  );
  const complaints = await raiseNoticesFrom(
    db,
    `SELECT format('deadline:complaint:%s:%s', c.id, extract(epoch FROM c.due_at)::bigint), 'deadline', 'complaint',
            c.center_id, c.ticket_id, c.id, c.vehicle_id,
            format('投诉#%s 答复截止于 %s（北京时间）', c.id, to_char(c.due_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI')),
            jsonb_build_object('due', c.due_at)
       FROM complaints c
      WHERE c.answered_at IS NULL AND c.due_at > $1 AND c.due_at <= $2`,
    window,
  );
  return tickets + complaints + (await raiseClockNotices(db, window));
}

/**
 * The service clocks' deadlines in the window (docs/after-sales.md, "Notifications"): a ticket's
 * spare-parts, inspection-report, quote and return (RMA) clocks not met — the first answer and the
 * visit are told as the ticket's response and on-site — and a patrol's report not handed in. The
 * cause is the clock's name ('patrol-report' for a patrol); like the ticket's, a clock whose due time
 * moves (an RMA record changed) is told again.
 */
async function raiseClockNotices(db: Queryable, window: Date[]): Promise<number> {
  const clocks = await raiseNoticesFrom(
    db,
    `SELECT format('deadline:clock:%s:%s:%s', c.clock, t.id, extract(epoch FROM c.due_at)::bigint), 'deadline', c.clock,
            t.center_id, t.id, NULL::bigint, t.vehicle_id,
            format('工单#%s %s %s截止于 %s（北京时间）', t.id, coalesce(v.plate, t.phone),
                   CASE c.clock WHEN 'spare-parts' THEN '备件送达' WHEN 'inspection-report' THEN '检测报告'
                                WHEN 'quote' THEN '维修报价' WHEN 'exchange-ship' THEN '换机发货'
                                WHEN 'repair-ship' THEN '修复发货' ELSE '故障件寄回' END,
                   to_char(c.due_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI')),
            jsonb_build_object('due', c.due_at)
       FROM service_clocks c
       JOIN tickets t ON t.id = c.ticket_id
       LEFT JOIN vehicles v ON v.id = t.vehicle_id
      WHERE c.met_at IS NULL AND c.clock NOT IN ('first-answer', 'visit') AND t.close_reason IS DISTINCT FROM 'cancelled'
        AND c.due_at > $1 AND c.due_at <= $2`,
    window,
  );
  const patrols = await raiseNoticesFrom(
    db,
    `SELECT format('deadline:patrol:%s:%s', p.id, extract(epoch FROM p.report_due)::bigint), 'deadline', 'patrol-report',
            p.center_id, NULL::bigint, NULL::bigint, NULL::bigint,
            format('巡检#%s %s 巡检报告截止于 %s（北京时间）', p.id, sp.name,
                   to_char(p.report_due AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI')),
            jsonb_build_object('due', p.report_due, 'patrolId', p.id, 'servicePointId', p.service_point_id)
       FROM patrol_inspections p
       JOIN service_points sp ON sp.id = p.service_point_id
      WHERE p.reported_at IS NULL AND p.report_due > $1 AND p.report_due <= $2`,
    window,
  );
  return clocks + patrols;
}

/**
 * Escalations to a center's managers that the rounds find (serious dissatisfaction is escalated as
 * the callback is recorded, callback-store.ts): a complaint past its answer time, and each breach of
 * a severity-1 ticket (response or on-site), once per complaint and per ticket and breach.
 */
export async function raiseRoundEscalations(db: Queryable, now: Date): Promise<number> {
  const overdue = await raiseNoticesFrom(
    db,
    `SELECT format('escalation:complaint-overdue:%s', c.id), 'escalation', 'complaint-overdue',
            c.center_id, c.ticket_id, c.id, c.vehicle_id,
            format('投诉#%s 已超过答复时限（%s），未答复', c.id, to_char(c.due_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI')),
            jsonb_build_object('due', c.due_at, 'description', c.description)
       FROM complaints c
      WHERE c.answered_at IS NULL AND c.due_at <= $1 AND c.due_at > $1::timestamptz - interval '${ESCALATION_LOOKBACK}'`,
    [now],
  );
  const breaches = await raiseNoticesFrom(
    db,
    `SELECT format('escalation:severity1-breach:%s:%s', t.id, b.breach), 'escalation', 'severity1-breach',
            t.center_id, t.id, NULL::bigint, t.vehicle_id,
            format('一级工单#%s %s %s超时', t.id, coalesce(v.plate, t.phone), CASE b.breach WHEN 'response' THEN '响应' ELSE '到场' END),
            jsonb_build_object('breach', b.breach)
       FROM tickets t
       LEFT JOIN vehicles v ON v.id = t.vehicle_id
       CROSS JOIN LATERAL unnest(t.breaches) b(breach)
      WHERE t.severity = 1 AND (t.closed_at IS NULL OR t.closed_at > $1::timestamptz - interval '${ESCALATION_LOOKBACK}')`,
    [now],
  );
  return overdue + breaches;
}
