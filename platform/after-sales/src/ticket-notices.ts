import type { Queryable } from '@jt808/storage';
import { raiseNotice } from './notice-store.js';
import { flagRepeatedRepairs } from './replacement.js';
import type { TicketAction, TicketState } from './tickets/workflow.js';

/**
 * What a person's action on a ticket tells others, in the action's transaction: a dispatch and a
 * reassignment the service point (and installer) now holding it, a rescheduled appointment the same
 * and the owner; a resolved repair may flag the vehicle for replacement (replacement.ts).
 */
export async function noticeTicketAction(
  db: Queryable,
  before: { id: string; state: TicketState; vehicle_id: string | null; center_id: number | null },
  action: TicketAction,
): Promise<void> {
  if (action.action === 'resolve') {
    await flagRepeatedRepairs(db, before, new Date());
    return;
  }
  const rescheduled = action.action === 'appoint' && before.state === 'appointed';
  if (action.action !== 'dispatch' && action.action !== 'reassign' && !rescheduled) return;
  const { rows } = await db.query<{
    label: string;
    point: string | null;
    installer: string | null;
    appointment: string | null;
  }>(
    `SELECT coalesce(v.plate, t.phone, '') AS label, sp.name AS point, t.installer,
            to_char(t.appointment_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI') AS appointment
       FROM tickets t LEFT JOIN vehicles v ON v.id = t.vehicle_id LEFT JOIN service_points sp ON sp.id = t.service_point_id
      WHERE t.id = $1`,
    [before.id],
  );
  const now = rows[0]!;
  const to = `${now.point ?? ''}${now.installer ? `（安装员 ${now.installer}）` : ''}`;
  const common = { centerId: before.center_id, ticketId: before.id, vehicleId: before.vehicle_id };
  if (action.action === 'dispatch') {
    await raiseNotice(db, {
      ...common,
      key: `dispatch:${before.id}`,
      kind: 'dispatch',
      text: `工单#${before.id} ${now.label} 已派给 ${to}`,
    });
  } else if (action.action === 'reassign') {
    await raiseNotice(db, {
      ...common,
      key: `reassign:${before.id}:${Date.now()}`,
      kind: 'reassign',
      text: `工单#${before.id} ${now.label} 已改派给 ${to}：${action.reason}`,
      detail: { reason: action.reason },
    });
  } else if (action.action === 'appoint') {
    await raiseNotice(db, {
      ...common,
      key: `reschedule:${before.id}:${action.at.getTime()}`,
      kind: 'reschedule',
      text: `工单#${before.id} ${now.label} 预约改为 ${now.appointment}（北京时间）：${action.reason ?? ''}`,
      detail: { at: action.at, reason: action.reason },
    });
  }
}
