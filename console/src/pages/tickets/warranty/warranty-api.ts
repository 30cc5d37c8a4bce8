import { getJson, postJson, putJson, type Role } from '../../../lib/api.js';

/**
 * The routes of a ticket's returned unit and the fault-cause catalogue (docs/after-sales.md,
 * "Warranty, exchange and return", "Fault causes"; platform/src/api/routes/rma.ts, fault-causes.ts).
 */

/** Who records a returned unit and its quotes (platform: RMA_WRITERS). */
export const RMA_WRITERS: readonly Role[] = ['admin', 'operator', 'desk', 'service'];

export const EXCLUSIONS = [
  'misuse',
  'third-party-repair',
  'modification',
  'missing-card',
  'missing-serial',
  'missing-label',
] as const;
export type Exclusion = (typeof EXCLUSIONS)[number];

export interface FaultCause {
  code: string;
  name_zh: string;
  name_en: string;
  active: boolean;
}

export interface RmaRecord {
  formNo: string | null;
  carrier: string | null;
  waybill: string | null;
  arrivedAt: string | null;
  quality: boolean;
  exclusions: Exclusion[];
  badlyDamaged: boolean;
  opened: boolean;
  advanceShippedAt: string | null;
  shippedBackAt: string | null;
}

export interface Quote {
  id: string;
  parts_fen: number;
  visit_fen: number;
  total_fen: number;
  repair_days: number;
  note: string | null;
  quoted_at: string;
  quoted_by: string;
  decision: 'accepted' | 'refused' | null;
  decided_at: string | null;
  decided_by: string | null;
}

export interface RmaCase {
  /** `exchangeId`: the replace-after-three-repairs exchange the record was opened for. */
  record: (RmaRecord & { exchangeId: string | null; updatedAt: string; updatedBy: string }) | null;
  decision: {
    rule: 'return' | 'exchange' | 'free-repair' | 'paid-repair';
    inWarranty: boolean;
    warranty: { start: string; until: string; basis: string };
    exclusions: Exclusion[];
    intact: boolean;
    freight: 'one-way' | 'none';
    reason: { zh: string; en: string };
  } | null;
  decisionError?: string;
  quotes: Quote[];
  clocks: { clock: string; dueAt: string; metAt: string | null; breached: boolean }[];
}

const base = (ticketId: string) => `/api/tickets/${encodeURIComponent(ticketId)}`;

/** The active causes; `all` with the retired ones too. */
export const fetchFaultCauses = (all = false): Promise<FaultCause[]> =>
  getJson(`/api/fault-causes${all ? '?all=true' : ''}`);

export const addFaultCause = (cause: { code: string; nameZh: string; nameEn: string }): Promise<FaultCause> =>
  postJson('/api/fault-causes', cause);

export const changeFaultCause = (
  code: string,
  change: { nameZh?: string; nameEn?: string; active?: boolean },
): Promise<FaultCause> => putJson(`/api/fault-causes/${encodeURIComponent(code)}`, change);

export const fetchRma = (ticketId: string): Promise<RmaCase> => getJson(`${base(ticketId)}/rma`);

export const saveRma = (ticketId: string, record: RmaRecord): Promise<RmaCase> =>
  putJson(`${base(ticketId)}/rma`, record);

export const addQuote = (
  ticketId: string,
  quote: { partsFen: number; visitFen: number; repairDays: number; note?: string },
): Promise<Quote> => postJson(`${base(ticketId)}/quotes`, quote);

export const decideQuote = (
  ticketId: string,
  quoteId: string,
  decision: 'accepted' | 'refused',
): Promise<Quote> =>
  postJson(`${base(ticketId)}/quotes/${encodeURIComponent(quoteId)}/decision`, { decision });
