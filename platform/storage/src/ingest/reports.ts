import { MessageId } from '@jt808/protocol';

/** Location messages: a report (0x0200), the answer to a location query (0x0201), a batch (0x0704). */
export const LOCATION_IDS: ReadonlySet<number> = new Set([
  MessageId.locationReport,
  MessageId.locationQueryResponse,
  MessageId.locationBatch,
]);

/**
 * The upstream messages that count as hearing from a terminal: what moves its "last heard from"
 * (terminal_state.last_seen_at, the status engine's lastSeenMs) and what puts it in an hour's
 * terminal_activity_hourly (the 上线率's "heard from"). Ingest and the status engine both read it
 * through rowsOf, so the map, the KPIs and the tickets agree on who is there.
 *
 * A terminal is there when it reports: a location, a heartbeat, or data it sends on its own.
 * Opening a connection, registering (0x0100), authenticating (0x0102) and logging out (0x0003) do
 * not count: a terminal whose link the gateway closes as idle and which signs in again every few
 * minutes, sending nothing, was kept "online" with a stale position by its sign-ins alone. Nor do
 * answers to the platform's commands that carry no fix (0x0001 general response, 0x0104
 * parameters, 0x0107 attributes, nor the other answers, which are not listed): the platform may
 * ask them right after a sign-in, and a terminal that answers but reports nothing of its own is
 * still silent. A location query's answer (0x0201) counts: it is a fix taken when it was asked for,
 * stored like any other, and only a user's command asks for it, never the platform on a sign-in.
 * Ids not listed (vendor extensions, the codec's unknowns) do not count either.
 */
export const REPORT_IDS: ReadonlySet<number> = new Set([
  ...LOCATION_IDS,
  MessageId.heartbeat,
  MessageId.multimediaEvent,
  MessageId.multimediaUpload,
  MessageId.dataUplink,
  // Reports the codec does not decode, so its table does not name them.
  0x0301, // event report
  0x0303, // information on demand / cancel
  0x0701, // electronic waybill
  0x0702, // driver identity
  0x0705, // CAN bus data
  0x0901, // compressed data upload
]);
