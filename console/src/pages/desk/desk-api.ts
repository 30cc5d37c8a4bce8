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
  /** A call (default) or an enquiry left on the web: the weekly report counts them apart. */
  channel?: 'phone' | 'web';
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
  vehicle_id: string;
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
  /** The improvement measures' owner and deadline (a local date, YYYY-MM-DD), and when they were reported done. */
  measures_owner: string | null;
  measures_due: string | null;
  measures_done_at: string | null;
}

export interface CallbackTask {
  id: string;
  kind: 'ticket' | 'monthly';
  ticket_id: string | null;
  plate: string;
  owner_name: string | null;
  owner_phone: string | null;
  /** A ticket's first or second follow-up call. */
  round: 1 | 2;
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
  /** The missed clocks (platform missed-clocks.ts), as the league and the periodic reports count them. */
  lateArrivals: number;
  latePatrolReports: number;
  quoteBreaches: number;
  rmaBreaches: number;
}

export interface FaultCount {
  center: number | 'province';
  maker: string;
  model: string;
  cause: string;
  repairs: number;
}

export interface ServiceReport {
  month: string;
  centers: CenterReport[];
  faults: FaultCount[];
  targets: { callbackRate: number; satisfactionRate: number };
}

/** A customer as the archive lists it: an owner's vehicle with its enterprise and terminal (masked). */
export interface CustomerRow {
  id: string;
  plate: string;
  center_id: number;
  owner_name: string | null;
  owner_phone: string | null;
  owner_id_number: string | null;
  enterprise: string | null;
  enterprise_contact: string | null;
  enterprise_phone: string | null;
  phone: string | null;
  maker: string | null;
  model: string | null;
  serial: string | null;
  warranty_until: string | null;
}

export interface CustomerVehicle {
  id: string;
  plate: string;
  maker: string | null;
  model: string | null;
  serial: string | null;
  /** The terminal's SIM number (masked unless the view is in full). */
  phone: string | null;
}

export type ContractKind = 'installation' | 'service' | 'data-service';

export interface OwnerContract {
  id: string;
  number: string;
  kind: ContractKind;
  party: 'enterprise' | 'owner';
  signed_on: string;
  starts_on: string;
  ends_on: string;
  vehicles_covered: number;
  fee_per_vehicle_fen: number;
  total_fen: number;
  status: 'pending' | 'active' | 'expired';
  note: string | null;
}

export interface ContractInput {
  number: string;
  kind: ContractKind;
  party: 'enterprise' | 'owner';
  signedOn: string;
  startsOn: string;
  endsOn: string;
  vehiclesCovered: number;
  feePerVehicleFen: number;
  note?: string;
}

export interface TimelineEvent {
  at: string;
  what: 'installation' | 'ticket' | 'exchange' | 'call' | 'complaint' | 'callback' | 'contract';
  ref: string;
  vehicle_id: string | null;
  summary: string;
}

export interface CustomerArchive extends CustomerRow {
  full: boolean;
  vehicles: CustomerVehicle[];
  contracts: OwnerContract[];
  timeline: TimelineEvent[];
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
    /** Required when upheld: who sees the measures through, by when (YYYY-MM-DD). */
    measuresOwner?: string;
    measuresDue?: string;
  },
) => postJson<{ late: boolean }>(`/api/complaints/${id}/answer`, body);
export const reportMeasuresDone = (id: string, report: string) =>
  postJson<{ late: boolean }>(`/api/complaints/${id}/measures-done`, { report });
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
