import type { ServicePoint } from '@jt808/api-contract';
import type { Scope } from '@jt808/storage';
import type pg from 'pg';

/**
 * The service points the scope sees with their SLA figures: open tickets against capacity, tickets
 * handled, deadline breaches (response, on site), median hours from opening to on-site and to
 * closing, and the average callback satisfaction.
 */
export async function servicePointsIn(pool: pg.Pool, scope: Scope): Promise<ServicePoint[]> {
  const { rows } = await pool.query<ServicePoint>(
    `SELECT point.id, point.code, point.name, point.center_id AS "centerId", point.capacity,
            count(t.id) FILTER (WHERE t.closed_at IS NULL)::int AS "openTickets",
            count(t.id)::int AS tickets,
            count(t.id) FILTER (WHERE 'response' = ANY (t.breaches))::int AS "responseBreaches",
            count(t.id) FILTER (WHERE 'on-site' = ANY (t.breaches))::int AS "onsiteBreaches",
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM onsite.at - t.opened_at) / 3600) AS "medianHoursToSite",
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.closed_at - t.opened_at) / 3600)
              FILTER (WHERE t.close_reason = 'verified') AS "medianHoursToClose",
            avg(t.satisfaction)::float8 AS satisfaction
       FROM service_points point
       LEFT JOIN tickets t ON t.service_point_id = point.id
       LEFT JOIN LATERAL (
         SELECT min(e.at) AS at FROM ticket_events e WHERE e.ticket_id = t.id AND e.to_state = 'on-site'
       ) onsite ON true
      WHERE ${scope.servicePoints}
      GROUP BY point.id
      ORDER BY point.id`,
    scope.params,
  );
  return rows;
}
