import type {
  Exclusion,
  FaultCause,
  FaultCauseChange,
  NewFaultCause,
  Quote,
  QuoteBody,
  RmaCase,
  RmaRecordBody,
} from '@jt808/api-contract';
import { getJson, postJson, putJson, type Role } from '../../../lib/api.js';

/**
 * The routes of a ticket's returned unit and the fault-cause catalogue (docs/after-sales.md,
 * "Warranty, exchange and return", "Fault causes"; platform/api/src/routes/rma.ts, fault-causes.ts).
 */

/** Who records a returned unit and its quotes (platform: RMA_WRITERS). */
export const RMA_WRITERS: readonly Role[] = ['admin', 'operator', 'desk', 'service'];

export { EXCLUSIONS } from '@jt808/api-contract/after-sales-lists';

export type { Exclusion, FaultCause, Quote, RmaCase };
/** The form's record: every field sent, a blank one as null. */
export type RmaRecord = Required<RmaRecordBody>;

const base = (ticketId: string) => `/api/tickets/${encodeURIComponent(ticketId)}`;

/** The active causes; `all` with the retired ones too. */
export const fetchFaultCauses = (all = false): Promise<FaultCause[]> =>
  getJson(`/api/fault-causes${all ? '?all=true' : ''}`);

export const addFaultCause = (cause: NewFaultCause): Promise<FaultCause> =>
  postJson('/api/fault-causes', cause);

export const changeFaultCause = (code: string, change: FaultCauseChange): Promise<FaultCause> =>
  putJson(`/api/fault-causes/${encodeURIComponent(code)}`, change);

export const fetchRma = (ticketId: string): Promise<RmaCase> => getJson(`${base(ticketId)}/rma`);

export const saveRma = (ticketId: string, record: RmaRecord): Promise<RmaCase> =>
  putJson(`${base(ticketId)}/rma`, record);

export const addQuote = (ticketId: string, quote: QuoteBody): Promise<Quote> =>
  postJson(`${base(ticketId)}/quotes`, quote);

export const decideQuote = (
  ticketId: string,
  quoteId: string,
  decision: 'accepted' | 'refused',
): Promise<Quote> =>
  postJson(`${base(ticketId)}/quotes/${encodeURIComponent(quoteId)}/decision`, { decision });
