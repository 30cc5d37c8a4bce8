import type {
  CallBody,
  CallbackTask,
  CallRow,
  Complaint,
  ContractInput,
  CustomerArchive,
  CustomerRow,
  FindingResult,
  IntakeResult,
  MeasuresDoneResult,
  NewComplaintResult,
  OwnerContract,
  ServiceReport,
  Settlement,
} from '@jt808/api-contract';
import { getJson, postJson } from '../../lib/api.js';

/** The after-sales routes the desk pages use (docs/api.md, "After-sales"). */
export type Category = CallBody['category'];

export interface CallInput {
  callerName?: string;
  callerPhone: string;
  vehicle: { plate?: string; terminal?: string; ownerPhone?: string };
  description: string;
  category: Category;
  severity: 1 | 2 | 3;
  answeredOnCall?: boolean;
  /** A call (default) or an enquiry left on the web: the weekly report counts them apart. */
  channel?: 'phone' | 'web';
}

const q = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`;

export const recordCall = (call: CallInput): Promise<IntakeResult> => postJson('/api/desk/calls', call);
export const searchCalls = (text: string): Promise<CallRow[]> => getJson(`/api/desk/calls${q({ q: text })}`);
export const fetchComplaints = (open: boolean): Promise<Complaint[]> =>
  getJson(`/api/complaints${q({ open: String(open) })}`);
export const recordComplaint = (body: { ticketId: number; description: string; complex: boolean }) =>
  postJson<NewComplaintResult>('/api/complaints', body);
export const answerComplaint = (
  id: string,
  body: {
    finding: 'upheld' | 'not-upheld';
    measures: string;
    chargedInstaller?: string;
    chargedServicePointId?: number;
    /** Required when upheld: who sees the measures through, by when (YYYY-MM-DD). */
    measuresOwner?: string;
    measuresDue?: string;
  },
) => postJson<FindingResult>(`/api/complaints/${id}/answer`, body);
export const reportMeasuresDone = (id: string, report: string) =>
  postJson<MeasuresDoneResult>(`/api/complaints/${id}/measures-done`, { report });
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
export const fetchReport = (month: string): Promise<ServiceReport> => getJson(reportPath(month, 'json'));

export const searchCustomers = (text: string): Promise<CustomerRow[]> =>
  getJson(`/api/customers${q({ q: text })}`);
/** The archive; `full` shows personal data in full, and the platform records who looked. */
export const fetchCustomer = (id: string, full: boolean): Promise<CustomerArchive> =>
  getJson(`/api/customers/${encodeURIComponent(id)}${full ? q({ full: 'true' }) : ''}`);
export const recordContract = (customerId: string, contract: ContractInput): Promise<OwnerContract> =>
  postJson(`/api/customers/${encodeURIComponent(customerId)}/contracts`, contract);

/** Fen as yuan with two decimals, exactly. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Yuan as typed ("360", "360.5", "360.50") in integer fen, exactly; undefined when it is not an amount. */
export function fenOf(text: string): number | undefined {
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Today as a local (Asia/Shanghai) date. */
export function today(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}
