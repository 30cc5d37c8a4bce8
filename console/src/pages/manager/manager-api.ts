import type {
  AcceptanceSheet,
  InstallPlanInput,
  InstallProgressReport,
  LeagueRow,
  PeriodicReport,
  WorkOrderSheet,
} from '@jt808/api-contract';
import { getJson, putJson } from '../../lib/api.js';

/** The routes of what a center's manager reads (docs/api.md, "Periodic service reports", "Install progress", "Printing"). */

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
export const fetchProgress = (day: string): Promise<InstallProgressReport> => getJson(progressPath(day));
export const saveInstallPlan = (center: number, plan: InstallPlanInput) =>
  putJson(`/api/install-plans/${center}`, plan);
export const fetchSheet = (kind: 'work-order' | 'acceptance', id: string): Promise<Sheet> =>
  getJson(
    kind === 'work-order'
      ? `/api/tickets/${encodeURIComponent(id)}/work-order`
      : `/api/installations/${encodeURIComponent(id)}/acceptance-sheet`,
  );
