import type { User } from '@jt808/api-contract';
import { scopeOf, transaction } from '@jt808/storage';
import type pg from 'pg';
import { addDays, addMonths, startOfDay } from './calendar.js';
import type { AfterSalesConfig } from './config-store.js';
import { AfterSalesError } from './errors.js';
import { raiseNotice } from './notice-store.js';
import type { AfterSalesSettings } from './settings.js';
import { nextState, TicketError } from './tickets/workflow.js';

/** Satisfaction at or below this needs a reason; at or below SERIOUS it goes to a manager. */
const UNHAPPY = 3;
const SERIOUS = 2;
/** Satisfied: 4 or 5 (the share of these is held to the satisfaction target). */
const SATISFIED = 4;

const DAY_MS = 86_400_000;

/**
 * Two follow-up calls for every ticket closed with work done for the owner (verified repairs,
 * answered questions; not cancelled ones, nor terminals that recovered by themselves), as the
 * service standard writes them: the first 3 days to a week after the service (made from
 * callbackFromDays, due by callbackWithinDays after the close), the second a week later
 * (secondCallbackDays more, both ends). Both are scheduled at the close, so the second is not lost
 * when the owner cannot be reached the first time. Looks back 90 days (tasks are made whenever
 * callbacks are listed or counted, so far more often than that). Idempotent; returns how many it added.
 */
export async function scheduleTicketCallbacks(pool: pg.Pool, config: AfterSalesConfig): Promise<number> {
  const { rows } = await pool.query<{
    id: string;
    vehicle_id: string | null;
    center_id: number | null;
    service_point_id: number | null;
    closed_at: Date;
  }>(
    `SELECT t.id, t.vehicle_id, t.center_id, t.service_point_id, t.closed_at FROM tickets t
      WHERE t.close_reason IN ('verified', 'answered') AND t.closed_at > now() - interval '90 days'
        AND NOT EXISTS (SELECT 1 FROM callbacks c WHERE c.ticket_id = t.id)
      ORDER BY t.closed_at LIMIT 10000`,
  );
  if (rows.length === 0) return 0;
  const tasks = rows.flatMap((row) =>
    followUps(row.closed_at, config.settings).map((task) => ({ row, ...task })),
  );
  const result = await pool.query(
    `INSERT INTO callbacks (kind, ticket_id, vehicle_id, center_id, service_point_id, round, not_before, due_at)
     SELECT 'ticket', * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::int[], $5::smallint[],
                                    $6::timestamptz[], $7::timestamptz[])
     ON CONFLICT (ticket_id, round) DO NOTHING`,
    [
      tasks.map((t) => t.row.id),
      tasks.map((t) => t.row.vehicle_id),
      tasks.map((t) => t.row.center_id),
      tasks.map((t) => t.row.service_point_id),
      tasks.map((t) => t.round),
      tasks.map((t) => t.notBefore),
      tasks.map((t) => t.dueAt),
    ],
  );
  return result.rowCount ?? 0;
}

/** The two follow-up calls of a service closed at `closedAt`: when each may be made and when it is due. Pure. */
export function followUps(
  closedAt: Date,
  settings: Pick<AfterSalesSettings, 'callbackFromDays' | 'callbackWithinDays' | 'secondCallbackDays'>,
): { round: 1 | 2; notBefore: Date; dueAt: Date }[] {
  const at = (days: number) => new Date(closedAt.getTime() + days * DAY_MS);
  const { callbackFromDays: from, callbackWithinDays: within, secondCallbackDays: later } = settings;
  return [
    { round: 1, notBefore: at(from), dueAt: at(within) },
    { round: 2, notBefore: at(from + later), dueAt: at(within + later) },
  ];
}

/** The owners' monthly callbacks (vehicles with an owner's phone), due by the end of the month. Idempotent. */
export async function scheduleMonthlyCallbacks(pool: pg.Pool, month: string): Promise<number> {
  const first = `${month}-01`;
  const result = await pool.query(
    `INSERT INTO callbacks (kind, vehicle_id, month, center_id, due_at)
     SELECT 'monthly', v.id, $1::date, v.center_id, $2 FROM vehicles v WHERE v.owner_phone IS NOT NULL
     ON CONFLICT (kind, vehicle_id, month) DO NOTHING`,
    [first, startOfDay(addMonths(first, 1))],
  );
  return result.rowCount ?? 0;
}

export interface CallbackAnswer {
  satisfaction: number;
  reason?: string;
  comment?: string;
}

/**
 * Records a callback: satisfaction 1–5, the reason when unhappy (≤ 3), a comment. A ticket's
 * satisfaction is kept on the ticket too (its workflow callback, audited). Serious dissatisfaction
 * (≤ 2) is escalated to a manager: flagged and an after-sales event.
 */
export async function recordCallback(
  pool: pg.Pool,
  id: string,
  answer: CallbackAnswer,
  actor: string,
  at: Date,
): Promise<{ escalated: boolean }> {
  if (!(Number.isInteger(answer.satisfaction) && answer.satisfaction >= 1 && answer.satisfaction <= 5)) {
    throw new AfterSalesError('satisfaction is a whole number from 1 to 5');
  }
  if (answer.satisfaction <= UNHAPPY && !answer.reason?.trim()) {
    throw new AfterSalesError(`satisfaction ${answer.satisfaction} needs the reason the owner is unhappy`);
  }
  const escalated = answer.satisfaction <= SERIOUS;
  return transaction(pool, async (client) => {
    const { rows } = await client.query<{
      kind: string;
      ticket_id: string | null;
      center_id: number | null;
      vehicle_id: string | null;
      done_at: Date | null;
    }>('SELECT kind, ticket_id, center_id, vehicle_id, done_at FROM callbacks WHERE id = $1 FOR UPDATE', [
      id,
    ]);
    const callback = rows[0];
    if (!callback) throw new AfterSalesError(`no callback ${id}`, 'not-found');
    if (callback.done_at) throw new AfterSalesError(`callback ${id} was made already`, 'conflict');
    await client.query(
      `UPDATE callbacks SET done_at = $2, done_by = $3, satisfaction = $4, reason = $5, comment = $6, escalated_at = $7 WHERE id = $1`,
      [
        id,
        at,
        actor,
        answer.satisfaction,
        answer.reason ?? null,
        answer.comment ?? null,
        escalated ? at : null,
      ],
    );
    if (callback.ticket_id) {
      const ticket = await client.query<{ state: 'closed' }>(
        'SELECT state FROM tickets WHERE id = $1 FOR UPDATE',
        [callback.ticket_id],
      );
      try {
        nextState(ticket.rows[0]!.state, { action: 'callback', satisfaction: answer.satisfaction });
      } catch (error) {
        if (error instanceof TicketError) throw new AfterSalesError(error.message, 'conflict');
        throw error;
      }
      await client.query(
        'UPDATE tickets SET satisfaction = $2, callback_comment = $3, callback_at = $4, updated_at = now() WHERE id = $1',
        [callback.ticket_id, answer.satisfaction, answer.comment ?? answer.reason ?? null, at],
      );
      await client.query(
        `INSERT INTO ticket_events (ticket_id, actor, from_state, to_state, reason, detail) VALUES ($1, $2, 'closed', 'closed', $3, $4)`,
        [
          callback.ticket_id,
          actor,
          escalated ? 'callback: serious dissatisfaction, escalated to a manager' : 'callback',
          JSON.stringify(answer),
        ],
      );
    }
    if (escalated) {
      await raiseNotice(client, {
        key: `escalation:satisfaction:${id}`,
        kind: 'escalation',
        cause: 'satisfaction',
        centerId: callback.center_id,
        ticketId: callback.ticket_id,
        vehicleId: callback.vehicle_id,
        text: `回访满意度${answer.satisfaction}分：${answer.reason ?? ''}`,
        detail: { callbackId: id, satisfaction: answer.satisfaction, reason: answer.reason ?? null },
      });
      await client.query(
        `INSERT INTO after_sales_events (kind, center_id, detail) VALUES ('escalation', $1, $2)`,
        [
          callback.center_id,
          JSON.stringify({
            callbackId: id,
            ticketId: callback.ticket_id,
            vehicleId: callback.vehicle_id,
            ...answer,
            by: actor,
          }),
        ],
      );
    }
    return { escalated };
  });
}

/**
 * Callbacks not yet made that may be made by the end of `day` (local: a follow-up from its
 * `not_before`, 3 days after the service; others when due), in scope, by due time.
 */
export async function callbacksDue(
  pool: pg.Pool,
  user: User,
  day: string,
): Promise<Record<string, unknown>[]> {
  const scope = scopeOf(user, 2);
  const { rows } = await pool.query(
    `SELECT c.id, c.kind, c.ticket_id AS "ticketId", c.round, c.complaint_id AS "complaintId", c.vehicle_id AS "vehicleId",
            c.month, c.center_id AS "centerId", c.service_point_id AS "servicePointId", c.not_before AS "notBefore",
            c.due_at AS "dueAt", vehicle.plate, vehicle.owner_name AS "ownerName", vehicle.owner_phone AS "ownerPhone"
       FROM callbacks c JOIN vehicles vehicle ON vehicle.id = c.vehicle_id
      WHERE c.done_at IS NULL AND coalesce(c.not_before, c.due_at) <= $1 AND ${scope.vehicles}
      ORDER BY c.due_at, c.id LIMIT 500`,
    [startOfDay(addDays(day, 1)), ...scope.params],
  );
  return rows;
}

export interface CallbackFigures {
  level: 'center' | 'service-point';
  id: number | null;
  due: number;
  done: number;
  callbackRate: number | null;
  answered: number;
  satisfied: number;
  satisfactionRate: number | null;
  meanSatisfaction: number | null;
  escalations: number;
  callbackRateTarget: number;
  satisfactionTarget: number;
}

/** Callback rate and satisfaction per center and per service point for callbacks due in [from, to] (local dates). */
export async function callbackFigures(
  pool: pg.Pool,
  user: User,
  from: string,
  to: string,
  config: AfterSalesConfig,
): Promise<CallbackFigures[]> {
  await scheduleTicketCallbacks(pool, config); // count every closed ticket's task, whichever process closed it
  const scope = scopeOf(user, 4);
  const { rows } = await pool.query<{
    level: 'center' | 'service-point';
    id: number | null;
    due: number;
    done: number;
    answered: number;
    satisfied: number;
    mean: number | null;
    escalations: number;
  }>(
    `SELECT CASE WHEN GROUPING(c.center_id) = 0 THEN 'center' ELSE 'service-point' END AS level,
            coalesce(c.center_id, c.service_point_id) AS id,
            count(*)::int AS due, count(c.done_at)::int AS done, count(c.satisfaction)::int AS answered,
            count(*) FILTER (WHERE c.satisfaction >= $3)::int AS satisfied, avg(c.satisfaction)::float8 AS mean,
            count(c.escalated_at)::int AS escalations
       FROM callbacks c JOIN vehicles vehicle ON vehicle.id = c.vehicle_id
      WHERE c.due_at >= $1 AND c.due_at < $2 AND ${scope.vehicles}
      GROUP BY GROUPING SETS ((c.center_id), (c.service_point_id))
     HAVING GROUPING(c.center_id) = 0 OR c.service_point_id IS NOT NULL
      ORDER BY 1, 2`,
    [startOfDay(from), startOfDay(addDays(to, 1)), SATISFIED, ...scope.params],
  );
  return rows.map((r) => ({
    level: r.level,
    id: r.id,
    due: r.due,
    done: r.done,
    callbackRate: r.due > 0 ? round(r.done / r.due) : null,
    answered: r.answered,
    satisfied: r.satisfied,
    satisfactionRate: r.answered > 0 ? round(r.satisfied / r.answered) : null,
    meanSatisfaction: r.mean === null ? null : round(r.mean),
    escalations: r.escalations,
    callbackRateTarget: config.settings.callbackRateTarget,
    satisfactionTarget: config.settings.satisfactionTarget,
  }));
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
