import { getJson, postJson } from '../../lib/api.js';

/** The after-sales routes the desk pages use (docs/api.md, "After-sales"). */
export type Category = 'hardware' | 'software' | 'guidance' | 'consultation';

export interface CallInput {
  callerName?: string;
  callerPhone: string;
  vehicle: { plate?: string; terminal?: string; ownerPhone?: string };
  description: string;
  category: Category;
  severity: 1 | 2 | 3;
  answeredOnCall?: boolean;
}

export interface Clock {
  clock: 'first-answer' | 'visit' | 'inspection-report' | 'spare-parts';
  dueAt: string;
  metAt: string | null;
}

export interface IntakeResult {
  callId: string;
  ticketId: string;
  attached: boolean;
  state: string;
  clocks: Clock[];
}

export interface CallRow {
  id: string;
  received_at: string;
  caller_name: string | null;
  caller_phone: string;
  plate: string;
  description: string;
  category: Category;
  severity: number;
  ticket_id: string;
  attached: boolean;
}

export interface Complaint {
  id: string;
  source: 'desk' | 'repeat-fault' | 'multiple-faults';
  ticket_id: string | null;
  description: string;
  opened_at: string;
  due_at: string;
  answered_at: string | null;
  finding: 'upheld' | 'not-upheld' | null;
  late: boolean;
}

export interface CallbackTask {
  id: string;
  kind: 'ticket' | 'monthly';
  ticket_id: string | null;
  plate: string;
  owner_name: string | null;
  owner_phone: string | null;
  due_at: string;
}

export interface Deduction {
  kind: 'delay' | 'complaint';
  day: string;
  installations?: string[];
  complaintId?: string;
  amountFen: number;
}

export interface Settlement {
  installer: string;
  accepted: number;
  feeFen: number;
  grossFen: number;
  deductions: Deduction[];
  deductionsFen: number;
  netFen: number;
  contracted: number;
  perWorkingDay: number;
  minPerDay: number;
}

export interface CenterReport {
  center: number | 'province';
  tickets: number;
  slaCompliance: number | null;
  meanHoursToRespond: number | null;
  meanHoursToRepair: number | null;
  meanHoursToVerify: number | null;
  complaints: number;
  upheldComplaints: number;
  callbackRate: number | null;
  satisfactionRate: number | null;
  installationsAccepted: number;
  installationsContracted: number;
}

const q = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`;

export const recordCall = (call: CallInput): Promise<IntakeResult> => postJson('/api/desk/calls', call);
export const searchCalls = (text: string): Promise<CallRow[]> => getJson(`/api/desk/calls${q({ q: text })}`);
export const fetchComplaints = (open: boolean): Promise<Complaint[]> =>
  getJson(`/api/complaints${q({ open: String(open) })}`);
export const recordComplaint = (body: { ticketId: number; description: string; complex: boolean }) =>
  postJson<{ id: string; dueAt: string }>('/api/complaints', body);
export const answerComplaint = (
  id: string,
  body: {
    finding: 'upheld' | 'not-upheld';
    measures: string;
    chargedInstaller?: string;
    chargedServicePointId?: number;
  },
) => postJson<{ late: boolean }>(`/api/complaints/${id}/answer`, body);
export const fetchCallbacksDue = (day: string): Promise<CallbackTask[]> =>
  getJson(`/api/callbacks/due${q({ day })}`);
export const recordCallback = (
  id: string,
  body: { satisfaction: number; reason?: string; comment?: string },
) => postJson<{ escalated: boolean }>(`/api/callbacks/${id}`, body);
export const settlementsPath = (from: string, to: string, format: 'json' | 'csv') =>
  `/api/settlements${q({ from, to, format })}`;
export const fetchSettlements = (from: string, to: string): Promise<Settlement[]> =>
  getJson(settlementsPath(from, to, 'json'));
export const reportPath = (month: string, format: 'json' | 'csv') =>
  `/api/reports/service${q({ month, format })}`;
export const fetchReport = (month: string): Promise<{ month: string; centers: CenterReport[] }> =>
  getJson(reportPath(month, 'json'));

/** Fen as yuan with two decimals, exactly. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Today as a local (Asia/Shanghai) date. */
export function today(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}
