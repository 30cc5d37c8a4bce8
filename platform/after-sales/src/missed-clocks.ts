import type { Scope } from '@jt808/storage';

/**
 * The clocks a service point misses besides a ticket's response and on-site deadlines
 * (docs/after-sales.md, "Missed clocks"), counted by the service-point league and the periodic
 * reports from one definition:
 * - `late-arrival`: an arrival at least a whole minute after the appointment (the ticket page's
 *   lateness, workflow.ts `arrivalLateMinutes`, rounds to minutes), counted when it arrived;
 * - `late-patrol-report`: a patrol inspection's report handed in after its `report_due`, or still
 *   missing past it, counted when it was due;
 * - `quote`: a paid repair's cost and time not told within `quoteWorkingDays` (clock `quote`);
 * - `rma`: a returned unit's clocks (`exchange-ship`, `repair-ship`, `faulty-return`) met late or
 *   not met past their due time; the service clocks counted when due, like the patrols.
 * A clock still running is no miss. Each is attributed to the ticket's (the patrol's) service point
 * and center.
 */
export type MissedClockKind = 'late-arrival' | 'late-patrol-report' | 'quote' | 'rma';

/** The counts by kind, as the league's and the reports' answers name their fields. */
export const MISSED_CLOCK_COLUMNS = {
  'late-arrival': 'lateArrivals',
  'late-patrol-report': 'latePatrolReports',
  quote: 'quoteBreaches',
  rma: 'rmaBreaches',
} as const satisfies Record<MissedClockKind, string>;

export const RMA_CLOCKS = ['exchange-ship', 'repair-ship', 'faulty-return'] as const;

/**
 * One row per missed clock with `kind`, `center_id` and `service_point_id`, within [$1, $2) and the
 * user's scope (`scope` built from parameter $3).
 */
export function missedClocksSql(scope: Scope): string {
  const clockBreach = `(c.met_at > c.due_at OR (c.met_at IS NULL AND c.due_at < now()))`;
  return `
    SELECT 'late-arrival' AS kind, ticket.center_id, ticket.service_point_id
      FROM tickets ticket
     WHERE ticket.arrived_at >= $1 AND ticket.arrived_at < $2 AND ticket.appointment_at IS NOT NULL
       AND round(extract(epoch FROM ticket.arrived_at - ticket.appointment_at) / 60) >= 1 AND ${scope.tickets}
    UNION ALL
    SELECT 'late-patrol-report', point.center_id, point.id
      FROM patrol_inspections p JOIN service_points point ON point.id = p.service_point_id
     WHERE p.report_due >= $1 AND p.report_due < $2
       AND (p.reported_at > p.report_due OR (p.reported_at IS NULL AND p.report_due < now())) AND ${scope.servicePoints}
    UNION ALL
    SELECT CASE WHEN c.clock = 'quote' THEN 'quote' ELSE 'rma' END, ticket.center_id, ticket.service_point_id
      FROM service_clocks c JOIN tickets ticket ON ticket.id = c.ticket_id
     WHERE c.clock IN ('quote', ${RMA_CLOCKS.map((k) => `'${k}'`).join(', ')})
       AND c.due_at >= $1 AND c.due_at < $2 AND ${clockBreach} AND ${scope.tickets}`;
}

/** The count columns over `missed` rows (alias `m`), for a GROUP BY of the caller's. */
export function missedClockCounts(): string {
  return Object.entries(MISSED_CLOCK_COLUMNS)
    .map(([kind, column]) => `count(*) FILTER (WHERE m.kind = '${kind}')::int AS "${column}"`)
    .join(', ');
}
