import { writable } from 'svelte/store';
import { getJson, postJson, putJson } from '../../lib/api.js';

/** The inbox, escalations, the outbound sender and the replacement flag (docs/api.md, "Notifications"). */
export type NoticeKind = 'dispatch' | 'reassign' | 'reschedule' | 'deadline' | 'escalation' | 'exchange';

export interface Notice {
  id: string;
  kind: NoticeKind;
  cause: string | null;
  text: string;
  at: string;
  center_id: number | null;
  ticket_id: string | null;
  complaint_id: string | null;
  vehicle_id: string | null;
  /** Escalations: open → acknowledged → resolved, with the managers' notes. */
  state: 'open' | 'acknowledged' | 'resolved';
  acknowledged_by: string | null;
  resolved_by: string | null;
  /** Set when the platform resolved it because its cause went away (why); null when a manager did. */
  resolved_reason: string | null;
  note: string | null;
  /** Personal notices: when the user read it. */
  read_at: string | null;
}

export interface InboxCounts {
  unread: number;
  escalations: number;
}

export const fetchInbox = (open: boolean, kind?: NoticeKind): Promise<InboxCounts & { items: Notice[] }> =>
  getJson(`/api/inbox?open=${open}${kind ? `&kind=${kind}` : ''}`);

export const fetchInboxCounts = (): Promise<InboxCounts> => getJson('/api/inbox/count');

export const markRead = (ids: string[] | 'all'): Promise<{ read: number }> =>
  postJson('/api/inbox/read', ids === 'all' ? { all: true } : { ids: ids.map(Number) });

export const workOff = (id: string, action: 'acknowledge' | 'resolve', note: string): Promise<Notice> =>
  postJson(`/api/escalations/${encodeURIComponent(id)}`, { action, note });

/** How hard the sender tries, for every endpoint. */
export interface SenderConfig {
  timeoutMs: number;
  maxAttempts: number;
  backoffMs: number;
}

export const fetchSender = (): Promise<SenderConfig> => getJson('/api/notifications/sender');
export const saveSender = (config: SenderConfig): Promise<SenderConfig> =>
  putJson('/api/notifications/sender', config);

export const NOTICE_KINDS: readonly NoticeKind[] = [
  'dispatch',
  'reassign',
  'reschedule',
  'deadline',
  'escalation',
  'exchange',
];

/** Where notices of some kinds go out, signed with the endpoint's secret (never read back). */
export interface Endpoint {
  id: number;
  name: string;
  url: string;
  kinds: NoticeKind[];
  active: boolean;
}

/** What is sent to make or change one: the secret only when set or rotated. */
export type EndpointInput = Omit<Endpoint, 'id'> & { secret?: string };

export const fetchEndpoints = (): Promise<Endpoint[]> => getJson('/api/notifications/endpoints');
/** The answer carries the secret: the one time it is shown. */
export const addEndpoint = (input: EndpointInput): Promise<Endpoint & { secret: string }> =>
  postJson('/api/notifications/endpoints', input);
export const updateEndpoint = (id: number, input: EndpointInput): Promise<Endpoint & { secret?: string }> =>
  putJson(`/api/notifications/endpoints/${id}`, input);

export interface Delivery {
  id: string;
  kind: NoticeKind;
  text: string;
  endpoint: string;
  url: string;
  state: 'pending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: string;
  created_at: string;
  sent_at: string | null;
  log: { at: string; status: number | null; ok: boolean; error: string | null; ms: number }[];
}

export const fetchDeliveries = (): Promise<Delivery[]> => getJson('/api/notifications/deliveries');

/** A return record of an exchange, and how far it is: recorded, the faulty unit arrived, shipped. */
export interface ExchangeRma {
  ticketId: string;
  formNo: string | null;
  carrier: string | null;
  waybill: string | null;
  arrivedAt: string | null;
  advanceShippedAt: string | null;
  shippedBackAt: string | null;
  state: 'recorded' | 'arrived' | 'shipped';
}

export interface ReplacementFlag {
  id: string;
  rma: ExchangeRma[];
  ticket_id: string;
  repairs: number;
  flagged_at: string;
  state: 'open' | 'done';
  done_at: string | null;
  done_by: string | null;
  note: string | null;
}

export const fetchReplacement = (
  vehicleId: string,
): Promise<{ flagged: boolean; flags: ReplacementFlag[] }> =>
  getJson(`/api/vehicles/${encodeURIComponent(vehicleId)}/replacement`);

export const exchangeDone = (
  vehicleId: string,
  note: string,
): Promise<{ flagged: boolean; flags: ReplacementFlag[] }> =>
  postJson(`/api/vehicles/${encodeURIComponent(vehicleId)}/replacement/done`, { note });

/** Opens the open exchange's return record (on the flagging repair unless `ticketId` names another). */
export const openExchangeRma = (
  vehicleId: string,
  ticketId?: string,
): Promise<{ ticketId: string; flags: ReplacementFlag[] }> =>
  postJson(
    `/api/vehicles/${encodeURIComponent(vehicleId)}/replacement/rma`,
    ticketId ? { ticketId: Number(ticketId) } : {},
  );

/** The header's count, shared by the badge and the inbox page (which refreshes it after a change). */
export const inboxCounts = writable<InboxCounts>({ unread: 0, escalations: 0 });

export async function refreshInboxCounts(): Promise<void> {
  inboxCounts.set(await fetchInboxCounts());
}
