import type { AcceptanceSheet, WorkOrderSheet } from '@jt808/api-contract';
import { getJson, putJson } from '../../lib/api.js';

/** The routes of what a center's manager reads (docs/api.md, "Periodic service reports", "Install progress", "Printing"). */
export interface DeskFigures {
  center: number | 'province';
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
  /** Missed clocks: arrivals late against the appointment, patrol reports late, quotes and RMA clocks breached. */
  lateArrivals: number;
  latePatrolReports: number;
  quoteBreaches: number;
  rmaBreaches: number;
}

export interface RecurringWarning {
  center: number | 'province';
  rule: 'rising' | 'same-vehicle';
  maker: string;
  model: string;
  cause: string;
  repairs: number;
  baseline: number | null;
  plate: string | null;
}

export interface PeriodicReport {
  period: { kind: 'week' | 'month' | 'quarter' | 'year'; name: string; from: string; to: string };
  desk: DeskFigures[];
  recurring?: RecurringWarning[];
  /** The settings the warning was judged by. */
  recurringThresholds?: RecurringThresholds;
}

export interface RecurringThresholds {
  recurringMinRepairs: number;
  recurringMarginPercent: number;
  recurringBaselinePeriods: number;
  recurringSameVehicle: number;
}

export interface LeagueRow {
  rank: number;
  id: number;
  code: string;
  name: string;
  handled: number;
  sla_breaches: number;
  complaints: number;
  upheld_complaints: number;
  satisfaction_rate: number | null;
  late_arrivals: number;
  late_patrol_reports: number;
  quote_breaches: number;
  rma_breaches: number;
  /** Breached tickets plus every missed clock: the league's rank is this per ticket handled. */
  missed_clocks: number;
}

export interface InstallProgress {
  center: number | 'province';
  target: number | null;
  startsOn: string | null;
  dueOn: string | null;
  installed: number;
  checkedIn: number;
  accepted: number;
  expected: number | null;
  behind: number | null;
  remaining: number | null;
  rate: number | null;
  workingDaysLeft: number | null;
  neededPerDay: number | null;
  overdue: boolean;
}

/**
 * A printable sheet's data: the ticket's or installation's, the vehicle's and the terminal's (owner
 * masked); the page reads either by its fields' names.
 */
export type Sheet = Partial<WorkOrderSheet & AcceptanceSheet>;

const q = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`;

export const periodicPath = (period: string, part?: string) =>
  `/api/reports/periodic${q({ period, ...(part ? { part } : {}) })}`;
export const fetchPeriodic = (period: string): Promise<PeriodicReport> => getJson(periodicPath(period));
export const leaguePath = (from: string, to: string) => `/api/service-points/league${q({ from, to })}`;
export const fetchLeague = (from: string, to: string): Promise<LeagueRow[]> => getJson(leaguePath(from, to));
export const progressPath = (day: string) => `/api/install-progress${q({ day })}`;
export const fetchProgress = (day: string): Promise<{ day: string; centers: InstallProgress[] }> =>
  getJson(progressPath(day));
export const saveInstallPlan = (center: number, plan: { target: number; startsOn: string; dueOn: string }) =>
  putJson(`/api/install-plans/${center}`, plan);
export const fetchSheet = (kind: 'work-order' | 'acceptance', id: string): Promise<Sheet> =>
  getJson(
    kind === 'work-order'
      ? `/api/tickets/${encodeURIComponent(id)}/work-order`
      : `/api/installations/${encodeURIComponent(id)}/acceptance-sheet`,
  );
