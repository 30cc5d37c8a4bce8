import type {
  Delivery,
  Endpoint,
  EndpointBody,
  EndpointChanged,
  EndpointMade,
  ExchangeRmaOpened,
  Inbox,
  InboxCounts,
  Notice,
  NoticeKind,
  Replacement,
  SenderConfig,
} from '@jt808/api-contract';
import { writable } from 'svelte/store';
import { getJson, postJson, putJson } from '../../lib/api.js';

export type { InboxNotice as Notice, ReplacementFlag } from '@jt808/api-contract';
/** The inbox, escalations, the outbound sender and the replacement flag (docs/api.md, "Notifications"). */
export type { Delivery, Endpoint, InboxCounts, NoticeKind, SenderConfig };

/** What is sent to make or change an endpoint: the secret only when set or rotated. */
export type EndpointInput = EndpointBody;

export const fetchInbox = (open: boolean, kind?: NoticeKind): Promise<Inbox> =>
  getJson(`/api/inbox?open=${open}${kind ? `&kind=${kind}` : ''}`);

export const fetchInboxCounts = (): Promise<InboxCounts> => getJson('/api/inbox/count');

export const markRead = (ids: string[] | 'all'): Promise<{ read: number }> =>
  postJson('/api/inbox/read', ids === 'all' ? { all: true } : { ids: ids.map(Number) });

export const workOff = (id: string, action: 'acknowledge' | 'resolve', note: string): Promise<Notice> =>
  postJson(`/api/escalations/${encodeURIComponent(id)}`, { action, note });

export const fetchSender = (): Promise<SenderConfig> => getJson('/api/notifications/sender');
export const saveSender = (config: SenderConfig): Promise<SenderConfig> =>
  putJson('/api/notifications/sender', config);

export { NOTICE_KINDS } from '@jt808/api-contract/after-sales-lists';

export const fetchEndpoints = (): Promise<Endpoint[]> => getJson('/api/notifications/endpoints');
/** The answer carries the secret: the one time it is shown. */
export const addEndpoint = (input: EndpointInput): Promise<EndpointMade> =>
  postJson('/api/notifications/endpoints', input);
export const updateEndpoint = (id: number, input: EndpointInput): Promise<EndpointChanged> =>
  putJson(`/api/notifications/endpoints/${id}`, input);

export const fetchDeliveries = (): Promise<Delivery[]> => getJson('/api/notifications/deliveries');

export const fetchReplacement = (vehicleId: string): Promise<Replacement> =>
  getJson(`/api/vehicles/${encodeURIComponent(vehicleId)}/replacement`);

export const exchangeDone = (vehicleId: string, note: string): Promise<Replacement> =>
  postJson(`/api/vehicles/${encodeURIComponent(vehicleId)}/replacement/done`, { note });

/** Opens the open exchange's return record (on the flagging repair unless `ticketId` names another). */
export const openExchangeRma = (vehicleId: string, ticketId?: string): Promise<ExchangeRmaOpened> =>
  postJson(
    `/api/vehicles/${encodeURIComponent(vehicleId)}/replacement/rma`,
    ticketId ? { ticketId: Number(ticketId) } : {},
  );

/** The header's count, shared by the badge and the inbox page (which refreshes it after a change). */
export const inboxCounts = writable<InboxCounts>({ unread: 0, escalations: 0 });

export async function refreshInboxCounts(): Promise<void> {
  inboxCounts.set(await fetchInboxCounts());
}
