import type { User } from '@jt808/api-contract';
import { scopeOf } from '@jt808/storage';
import type pg from 'pg';
import { addDays, addMonths, startOfDay } from './calendar.js';
import { callbackFigures } from './callback-store.js';
import type { AfterSalesConfig } from './config-store.js';
import { periodFiguresTable, type Table } from './csv.js';
import { missedClockCounts, missedClocksSql } from './missed-clocks.js';

/**
 * The monthly service report per center and for the province (everything in the user's scope):
 * faults by maker, model and cause; mean hours to respond, repair and verify; SLA compliance;
 * complaints; callbacks and satisfaction; installers' output against their contracts; the missed
 * clocks of missed-clocks.ts (the league and the desk figures count the same ones).
 */
export interface CenterReport {
  center: number | 'province';
  tickets: number;
  breached: number;
  slaCompliance: number | null;
  clocksDue: number;
  clocksMet: number;
  meanHoursToRespond: number | null;
  meanHoursToRepair: number | null;
  meanHoursToVerify: number | null;
  complaints: number;
  upheldComplaints: number;
  complaintsAnsweredLate: number;
  callbacksDue: number;
  callbacksDone: number;
  callbackRate: number | null;
  satisfactionRate: number | null;
  installationsAccepted: number;
  installationsContracted: number;
  /** Missed clocks (missed-clocks.ts), each counted in the month it was due (an arrival when it arrived). */
  lateArrivals: number;
  latePatrolReports: number;
  quoteBreaches: number;
  rmaBreaches: number;
}

export interface FaultCount {
  center: number | 'province';
  maker: string;
  model: string;
  /** The fault-cause code (else, for tickets without one, the note or the reason opened for). */
  cause: string;
  /** The catalogue's names of the code; null for a cause that is not a code. */
  causeZh: string | null;
  causeEn: string | null;
  repairs: number;
}

export interface ServiceReport {
  month: string;
  centers: CenterReport[];
  faults: FaultCount[];
  /** The settings the rates are held to (callbackRateTarget, satisfactionTarget), for the charts. */
  targets: { callbackRate: number; satisfactionRate: number };
}

type Row = Record<string, number | null> & { center_id: number | null; total: number };

export async function monthlyServiceReport(
  pool: pg.Pool,
  user: User,
  month: string,
  config: AfterSalesConfig,
): Promise<ServiceReport> {
  const first = `${month}-01`;
  const figures = await serviceFigures(pool, user, first, addDays(addMonths(first, 1), -1), config);
  const targets = {
    callbackRate: config.settings.callbackRateTarget,
    satisfactionRate: config.settings.satisfactionTarget,
  };
  return { month, ...figures, targets };
}

/** The report's figures for the local dates [first, last]: a month here, a quarter or year in periodic-report-store.ts. */
export async function serviceFigures(
  pool: pg.Pool,
  user: User,
  first: string,
  last: string,
  config: AfterSalesConfig,
): Promise<Pick<ServiceReport, 'centers' | 'faults'>> {
  const period = [startOfDay(first), startOfDay(addDays(last, 1))];
  const scope = scopeOf(user, 3);
  const groups = 'GROUPING SETS ((ticket.center_id), ())';
  const query = async (sql: string) => (await pool.query<Row>(sql, [...period, ...scope.params])).rows;

  const tickets = await query(
    `SELECT ticket.center_id, GROUPING(ticket.center_id) AS total, count(*)::int AS tickets,
            count(*) FILTER (WHERE cardinality(ticket.breaches) > 0)::int AS breached,
            avg(extract(epoch FROM least(d.at, fa.met_at) - ticket.opened_at) / 3600)::float8 AS respond,
            avg(extract(epoch FROM ticket.resolved_at - ticket.opened_at) / 3600)::float8 AS repair,
            avg(extract(epoch FROM ticket.verified_at - ticket.resolved_at) / 3600)::float8 AS verify
       FROM tickets ticket
       LEFT JOIN LATERAL (SELECT min(e.at) AS at FROM ticket_events e WHERE e.ticket_id = ticket.id AND e.to_state = 'dispatched') d ON true
       LEFT JOIN service_clocks fa ON fa.ticket_id = ticket.id AND fa.clock = 'first-answer'
      WHERE ticket.opened_at >= $1 AND ticket.opened_at < $2 AND ${scope.tickets}
      GROUP BY ${groups}`,
  );
  const clocks = await query(
    `SELECT ticket.center_id, GROUPING(ticket.center_id) AS total, count(*)::int AS due,
            count(*) FILTER (WHERE c.met_at <= c.due_at)::int AS met
       FROM service_clocks c JOIN tickets ticket ON ticket.id = c.ticket_id
      WHERE c.due_at >= $1 AND c.due_at < $2 AND ${scope.tickets}
      GROUP BY ${groups}`,
  );
  // Complaints carry center and service point like tickets, so the tickets' scope applies to them.
  const complaints = await query(
    `SELECT ticket.center_id, GROUPING(ticket.center_id) AS total, count(*)::int AS complaints,
            count(*) FILTER (WHERE ticket.finding = 'upheld')::int AS upheld,
            count(*) FILTER (WHERE coalesce(ticket.answered_at, now()) > ticket.due_at)::int AS late
       FROM complaints ticket
      WHERE ticket.opened_at >= $1 AND ticket.opened_at < $2 AND ${scope.tickets}
      GROUP BY ${groups}`,
  );
  const missed = await query(
    `SELECT m.center_id, GROUPING(m.center_id) AS total, ${missedClockCounts()}
       FROM (${missedClocksSql(scope)}) m
      GROUP BY GROUPING SETS ((m.center_id), ())`,
  );
  const workingDays = config.calendar.workingDaysIn(first, last).length;
  const installers = await query(
    `SELECT point.center_id, GROUPING(point.center_id) AS total,
            count(i.id) FILTER (WHERE i.owner_signed_at IS NOT NULL)::int AS accepted
       FROM service_points point
       JOIN installations i ON i.service_point_id = point.id AND i.accepted_at >= $1 AND i.accepted_at < $2
      WHERE ${scope.servicePoints}
      GROUP BY GROUPING SETS ((point.center_id), ())`,
  );
  const contracts = (
    await pool.query<Row>(
      `SELECT point.center_id, GROUPING(point.center_id) AS total, sum(coalesce(c.min_per_day, $1))::int AS per_day
         FROM installer_contracts c JOIN service_points point ON point.id = c.service_point_id
        WHERE ${scopeOf(user, 2).servicePoints}
        GROUP BY GROUPING SETS ((point.center_id), ())`,
      [config.settings.minInstallationsPerDay, ...scope.params],
    )
  ).rows;
  const callbacks = (await callbackFigures(pool, user, first, last, config)).filter(
    (c) => c.level === 'center',
  );

  const centerIds = new Set<number>();
  for (const rows of [tickets, clocks, complaints, installers, contracts, missed]) {
    for (const r of rows) if (!r.total && r.center_id !== null) centerIds.add(r.center_id);
  }
  for (const c of callbacks) if (c.id !== null) centerIds.add(c.id);
  const pick = (rows: Row[], center: number | 'province') =>
    rows.find((r) => (center === 'province' ? r.total === 1 : !r.total && r.center_id === center));
  const centers = [...[...centerIds].sort((a, b) => a - b), 'province' as const].map(
    (center): CenterReport => {
      const t = pick(tickets, center);
      const k = pick(clocks, center);
      const c = pick(complaints, center);
      const i = pick(installers, center);
      const m = pick(missed, center);
      const cb = callbacks.filter((f) => center === 'province' || f.id === center);
      const due = sum(cb.map((f) => f.due));
      const done = sum(cb.map((f) => f.done));
      const answered = sum(cb.map((f) => f.answered));
      const satisfied = sum(cb.map((f) => f.satisfied));
      const ticketCount = t?.tickets ?? 0;
      return {
        center,
        tickets: ticketCount,
        breached: t?.breached ?? 0,
        slaCompliance: ticketCount > 0 ? ratio(ticketCount - (t?.breached ?? 0), ticketCount) : null,
        clocksDue: k?.due ?? 0,
        clocksMet: k?.met ?? 0,
        meanHoursToRespond: hours(t?.respond),
        meanHoursToRepair: hours(t?.repair),
        meanHoursToVerify: hours(t?.verify),
        complaints: c?.complaints ?? 0,
        upheldComplaints: c?.upheld ?? 0,
        complaintsAnsweredLate: c?.late ?? 0,
        callbacksDue: due,
        callbacksDone: done,
        callbackRate: due > 0 ? ratio(done, due) : null,
        satisfactionRate: answered > 0 ? ratio(satisfied, answered) : null,
        installationsAccepted: i?.accepted ?? 0,
        installationsContracted: (pick(contracts, center)?.per_day ?? 0) * workingDays,
        lateArrivals: m?.lateArrivals ?? 0,
        latePatrolReports: m?.latePatrolReports ?? 0,
        quoteBreaches: m?.quoteBreaches ?? 0,
        rmaBreaches: m?.rmaBreaches ?? 0,
      };
    },
  );

  const faultRows = await pool.query<{
    center_id: number | null;
    total: number;
    maker: string;
    model: string;
    cause: string;
    cause_zh: string | null;
    cause_en: string | null;
    repairs: number;
  }>(
    `SELECT ticket.center_id, GROUPING(ticket.center_id) AS total, coalesce(term.maker, '?') AS maker,
            coalesce(term.model, '?') AS model, c.cause, min(fc.name_zh) AS cause_zh, min(fc.name_en) AS cause_en,
            count(*)::int AS repairs
       FROM tickets ticket LEFT JOIN terminals term ON term.phone = ticket.phone
       CROSS JOIN LATERAL (SELECT coalesce(ticket.fault_cause_code, ticket.fault_cause, ticket.reason) AS cause) c
       LEFT JOIN fault_causes fc ON fc.code = ticket.fault_cause_code
      WHERE ticket.kind = 'repair' AND ticket.opened_at >= $1 AND ticket.opened_at < $2 AND ${scope.tickets}
      GROUP BY GROUPING SETS ((ticket.center_id, term.maker, term.model, c.cause), (term.maker, term.model, c.cause))
      ORDER BY total DESC, ticket.center_id, repairs DESC, maker, model, c.cause`,
    [...period, ...scope.params],
  );
  const faults = faultRows.rows.map((r) => ({
    center: r.total ? ('province' as const) : r.center_id!,
    maker: r.maker,
    model: r.model,
    cause: r.cause,
    causeZh: r.cause_zh,
    causeEn: r.cause_en,
    repairs: r.repairs,
  }));
  return { centers, faults };
}

/** The report as a table (CSV or XLSX, api/export.ts): the summary per center, or the fault counts. */
export function serviceReportTable(report: ServiceReport, part: 'summary' | 'faults'): Table {
  if (part === 'faults') {
    return {
      header: ['month', 'center', 'maker', 'model', 'cause', 'repairs', 'cause_zh', 'cause_en'],
      rows: report.faults.map((f) => [
        report.month,
        f.center,
        f.maker,
        f.model,
        f.cause,
        f.repairs,
        f.causeZh,
        f.causeEn,
      ]),
    };
  }
  return periodFiguresTable({ header: 'month', name: report.month }, report.centers);
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function ratio(part: number, whole: number): number {
  return Math.round((part / whole) * 10_000) / 10_000;
}

function hours(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : Math.round(value * 100) / 100;
}
