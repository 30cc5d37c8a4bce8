import { MISSED_CLOCK_COLUMNS, missedClockCounts, missedClocksSql } from '@jt808/after-sales';
import type { Scope } from '@jt808/storage';
import type pg from 'pg';

/**
 * The service points the scope sees with their figures of [from, to): tickets handled and breached,
 * repeat faults, complaints (upheld ones charged to them), callback satisfaction, and every missed
 * clock of missed-clocks.ts by kind; `scope` numbers its parameters from $3. Unranked.
 */
export async function leagueFigures(pool: pg.Pool, scope: Scope, from: Date, to: Date) {
  const { rows } = await pool.query(
    `SELECT point.id, point.code, point.name, point.center_id AS "centerId",
            (SELECT count(*) FROM tickets t WHERE t.service_point_id = point.id AND t.closed_at >= $1 AND t.closed_at < $2)::int AS handled,
            (SELECT count(*) FROM tickets t WHERE t.service_point_id = point.id AND t.opened_at >= $1 AND t.opened_at < $2
                AND cardinality(t.breaches) > 0)::int AS "slaBreaches",
            (SELECT count(*) FROM complaints c WHERE c.service_point_id = point.id AND c.source = 'repeat-fault'
                AND c.opened_at >= $1 AND c.opened_at < $2)::int AS "repeatFaults",
            (SELECT count(*) FROM complaints c WHERE (c.service_point_id = point.id OR c.charged_service_point_id = point.id)
                AND c.opened_at >= $1 AND c.opened_at < $2)::int AS complaints,
            (SELECT count(*) FROM complaints c WHERE c.charged_service_point_id = point.id AND c.finding = 'upheld'
                AND c.answered_at >= $1 AND c.answered_at < $2)::int AS "upheldComplaints",
            (SELECT round(avg((cb.satisfaction >= 4)::int), 4)::float8 FROM callbacks cb
              WHERE cb.service_point_id = point.id AND cb.done_at >= $1 AND cb.done_at < $2 AND cb.satisfaction IS NOT NULL) AS "satisfactionRate",
            ${Object.values(MISSED_CLOCK_COLUMNS)
              .map((c) => `coalesce(missed."${c}", 0) AS "${c}"`)
              .join(', ')}
       FROM service_points point
       LEFT JOIN (SELECT m.service_point_id, ${missedClockCounts()} FROM (${missedClocksSql(scope)}) m
                   GROUP BY m.service_point_id) missed ON missed.service_point_id = point.id
      WHERE ${scope.servicePoints}`,
    [from, to, ...scope.params],
  );
  return rows;
}
