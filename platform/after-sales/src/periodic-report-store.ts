import type { User } from '@jt808/api-contract';
import { scopeOf } from '@jt808/storage';
import type pg from 'pg';
import { addDays, startOfDay } from './calendar.js';
import type { AfterSalesConfig } from './config-store.js';
import { periodFiguresTable, type Table } from './csv.js';
import { missedClockCounts, missedClocksSql } from './missed-clocks.js';
import {
  type ProblemCount,
  type RecurringThresholds,
  type RecurringWarning,
  recurringProblems,
  recurringThresholds,
  type VehicleRepeat,
} from './recurring.js';
import { type Period, previousPeriods } from './report-periods.js';
import { type ServiceReport, serviceFigures } from './report-store.js';

/**
 * The weekly, monthly, quarterly and annual service reports (docs/after-sales.md, "Periodic service
 * reports"). Every one has the desk's figures — calls, web enquiries and the service demands
 * (tickets) opened, closed and still open — per center and for the province; all but the weekly
 * one add the monthly report's figures for the period and the recurring-problem warning.
 */
export interface DeskFigures {
  center: number | 'province';
  /** The center's name (null for the province), so a printed or exported sheet reads on its own. */
  name: string | null;
  calls: number;
  webEnquiries: number;
  answeredOnContact: number;
  demands: number;
  repairs: number;
  installs: number;
  services: number;
  breached: number;
  closed: number;
  openAtEnd: number;
  /** Missed clocks (missed-clocks.ts): arrivals late against the appointment, patrol reports late, quotes and RMA clocks breached. */
  lateArrivals: number;
  latePatrolReports: number;
  quoteBreaches: number;
  rmaBreaches: number;
}

export interface PeriodicReport extends Partial<Pick<ServiceReport, 'centers' | 'faults' | 'targets'>> {
  period: Period;
  desk: DeskFigures[];
  recurring?: RecurringWarning[];
  /** The thresholds the warning was judged by (settings), so a reader knows what "recurs" meant. */
  recurringThresholds?: RecurringThresholds;
}

type Row = Record<string, number> & { center_id: number | null; total: number };

export async function periodicServiceReport(
  pool: pg.Pool,
  user: User,
  period: Period,
  config: AfterSalesConfig,
): Promise<PeriodicReport> {
  const desk = await deskFigures(pool, user, period);
  if (period.kind === 'week') return { period, desk };
  const figures = await serviceFigures(pool, user, period.from, period.to, config);
  const targets = {
    callbackRate: config.settings.callbackRateTarget,
    satisfactionRate: config.settings.satisfactionTarget,
  };
  const thresholds = recurringThresholds(config.settings);
  return {
    period,
    desk,
    ...figures,
    targets,
    recurring: await recurring(pool, user, period, thresholds),
    recurringThresholds: thresholds,
  };
}

async function deskFigures(pool: pg.Pool, user: User, period: Period): Promise<DeskFigures[]> {
  const bounds = [startOfDay(period.from), startOfDay(addDays(period.to, 1))];
  const scope = scopeOf(user, 3);
  const groups = (column: string) => `GROUP BY GROUPING SETS ((${column}), ())`;
  const { rows: calls } = await pool.query<Row>(
    `SELECT vehicle.center_id, GROUPING(vehicle.center_id) AS total,
            count(*) FILTER (WHERE c.channel = 'phone')::int AS calls,
            count(*) FILTER (WHERE c.channel = 'web')::int AS web,
            count(*) FILTER (WHERE c.answered_on_call)::int AS answered
       FROM desk_calls c JOIN vehicles vehicle ON vehicle.id = c.vehicle_id
      WHERE c.received_at >= $1 AND c.received_at < $2 AND ${scope.vehicles}
      ${groups('vehicle.center_id')}`,
    [...bounds, ...scope.params],
  );
  // Opened in the period; closed in it (whenever opened); open at its end (opened before its end).
  const { rows: tickets } = await pool.query<Row>(
    `SELECT ticket.center_id, GROUPING(ticket.center_id) AS total,
            count(*) FILTER (WHERE ticket.opened_at >= $1)::int AS demands,
            count(*) FILTER (WHERE ticket.opened_at >= $1 AND ticket.kind = 'repair')::int AS repairs,
            count(*) FILTER (WHERE ticket.opened_at >= $1 AND ticket.kind = 'install')::int AS installs,
            count(*) FILTER (WHERE ticket.opened_at >= $1 AND ticket.kind = 'service')::int AS services,
            count(*) FILTER (WHERE ticket.opened_at >= $1 AND cardinality(ticket.breaches) > 0)::int AS breached,
            count(*) FILTER (WHERE ticket.closed_at >= $1 AND ticket.closed_at < $2)::int AS closed,
            count(*) FILTER (WHERE ticket.closed_at IS NULL OR ticket.closed_at >= $2)::int AS open_at_end
       FROM tickets ticket
      WHERE ticket.opened_at < $2 AND (ticket.closed_at IS NULL OR ticket.closed_at >= $1) AND ${scope.tickets}
      ${groups('ticket.center_id')}`,
    [...bounds, ...scope.params],
  );
  const { rows: missed } = await pool.query<Row>(
    `SELECT m.center_id, GROUPING(m.center_id) AS total, ${missedClockCounts()}
       FROM (${missedClocksSql(scope)}) m
      ${groups('m.center_id')}`,
    [...bounds, ...scope.params],
  );
  const ids = new Set<number>();
  for (const r of [...calls, ...tickets, ...missed])
    if (!r.total && r.center_id !== null) ids.add(r.center_id);
  const pick = (rows: Row[], center: number | 'province') =>
    rows.find((r) => (center === 'province' ? r.total === 1 : !r.total && r.center_id === center));
  const { rows: names } = await pool.query<{ id: number; name: string }>(
    'SELECT id, name FROM centers WHERE id = ANY ($1::int[])',
    [[...ids]],
  );
  return [...[...ids].sort((a, b) => a - b), 'province' as const].map((center) => {
    const c = pick(calls, center);
    const t = pick(tickets, center);
    const m = pick(missed, center);
    return {
      center,
      name: names.find((n) => n.id === center)?.name ?? null,
      calls: c?.calls ?? 0,
      webEnquiries: c?.web ?? 0,
      answeredOnContact: c?.answered ?? 0,
      demands: t?.demands ?? 0,
      repairs: t?.repairs ?? 0,
      installs: t?.installs ?? 0,
      services: t?.services ?? 0,
      breached: t?.breached ?? 0,
      closed: t?.closed ?? 0,
      openAtEnd: t?.open_at_end ?? 0,
      lateArrivals: m?.lateArrivals ?? 0,
      latePatrolReports: m?.latePatrolReports ?? 0,
      quoteBreaches: m?.quoteBreaches ?? 0,
      rmaBreaches: m?.rmaBreaches ?? 0,
    };
  });
}

/** Repairs by problem in the period and the ones before it, and repeats on one vehicle (recurring.ts). */
async function recurring(
  pool: pg.Pool,
  user: User,
  period: Period,
  thresholds: RecurringThresholds,
): Promise<RecurringWarning[]> {
  const periods = [...previousPeriods(period, thresholds.recurringBaselinePeriods), period];
  const bounds = [...periods.map((p) => startOfDay(p.from)), startOfDay(addDays(period.to, 1))];
  const scope = scopeOf(user, 2);
  const problem = `coalesce(term.maker, '?') AS maker, coalesce(term.model, '?') AS model,
                   coalesce(ticket.fault_cause, ticket.reason) AS cause`;
  const repairs = `FROM tickets ticket LEFT JOIN terminals term ON term.phone = ticket.phone
                  LEFT JOIN vehicles vehicle ON vehicle.id = ticket.vehicle_id
                  WHERE ticket.kind = 'repair' AND ticket.center_id IS NOT NULL AND ${scope.tickets}`;
  const { rows: counts } = await pool.query<ProblemCount>(
    `SELECT ticket.center_id AS center, ${problem},
            width_bucket(ticket.opened_at, $1::timestamptz[]) - 1 AS bucket, count(*)::int AS repairs
       ${repairs} AND ticket.opened_at >= ($1::timestamptz[])[1] AND ticket.opened_at < ($1::timestamptz[])[${bounds.length}]
      GROUP BY 1, 2, 3, 4, 5`,
    [bounds, ...scope.params],
  );
  const { rows: repeats } = await pool.query<VehicleRepeat>(
    `SELECT ticket.center_id AS center, vehicle.plate, ${problem}, count(*)::int AS repairs
       ${repairs} AND ticket.vehicle_id IS NOT NULL
        AND ticket.opened_at >= ($1::timestamptz[])[${bounds.length - 1}] AND ticket.opened_at < ($1::timestamptz[])[${bounds.length}]
      GROUP BY 1, 2, 3, 4, 5, ticket.vehicle_id HAVING count(*) >= $${scope.params.length + 2}`,
    [bounds, ...scope.params, thresholds.recurringSameVehicle],
  );
  return recurringProblems(counts, repeats, thresholds);
}

/** A part of the report as a table (CSV or XLSX, api/export.ts). */
export function periodicReportTable(report: PeriodicReport, part: 'desk' | 'recurring'): Table {
  const name = report.period.name;
  if (part === 'recurring') {
    return {
      header: ['period', 'center', 'rule', 'maker', 'model', 'cause', 'repairs', 'baseline', 'plate'],
      rows: (report.recurring ?? []).map((w) => [
        name,
        w.center,
        w.rule,
        w.maker,
        w.model,
        w.cause,
        w.repairs,
        w.baseline,
        w.plate,
      ]),
    };
  }
  return periodFiguresTable({ header: 'period', name }, report.desk);
}
