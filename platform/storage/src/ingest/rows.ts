import { type Delivery, EventKind, type TerminalEvent } from '@jt808/bus';
import {
  decodeBody,
  type Header,
  isJt808Error,
  type Jt808Message,
  type LocationFields,
  MessageId,
  normalizePhone,
  type RawItem,
  type Unparsed,
} from '@jt808/protocol';
import { qualityOf } from './quality.js';
import { LOCATION_IDS, REPORT_IDS } from './reports.js';

/** One row of the positions table. */
export interface PositionRow {
  phone: string;
  gpsTime: Date;
  receivedAt: Date;
  latitude: number;
  longitude: number;
  altitude: number;
  speed: number;
  /** Null when the terminal sent one the column cannot hold; extras.rawDirection keeps it. */
  direction: number | null;
  alarm: number;
  status: number;
  mileage: number | null;
  fuel: number | null;
  signalStrength: number | null;
  satellites: number | null;
  blindArea: boolean;
  quality: number;
  extras: Record<string, unknown> | null;
  /** Where it came from, for event sources (delivery id, item index). */
  source: string;
}

export interface SessionChange {
  phone: string;
  online: boolean;
  at: Date;
  gatewayId: string;
  sessionId: string;
  remoteAddress: string | null;
  reason: string | null;
  source: string;
}

export interface RegistrationRow {
  phone: string;
  terminalId: string;
  maker: string;
  model: string;
  edition: string;
  plate: string;
  plateColor: number;
  at: Date;
  pending: boolean;
  source: string;
}

/**
 * A gateway refused a registration of a phone the roster knows (a wrong or missing terminal id, a
 * plate of another vehicle, a live session elsewhere): an alert on that terminal, as someone else
 * may be trying to take its identity.
 */
export interface RegistrationRefusal {
  phone: string;
  at: Date;
  result: number;
  reason: string;
  terminalId: string | null;
  plate: string | null;
  plateColor: number | null;
  remoteAddress: string | null;
  gatewayId: string;
  source: string;
}

/** Per terminal in a batch: when it was last heard from (reports.ts says what counts), and in which hours. */
export interface Activity {
  lastSeen: Date;
  /** Starts (ms) of the hours it reported in. */
  hours: Set<number>;
}

/** A terminal's answer to a parameter query (0x0104): what cadence it is configured for. */
export interface ParameterReport {
  phone: string;
  at: Date;
  /** Parameter id -> value, for the ids the codec knows as numbers. */
  values: Map<number, number>;
}

export interface BatchRows {
  positions: PositionRow[];
  parameters: ParameterReport[];
  sessions: SessionChange[];
  registrations: RegistrationRow[];
  refusals: RegistrationRefusal[];
  activity: Map<string, Activity>;
  /** Deliveries that cannot be stored, with the reason; they go to the dead-letter stream. */
  rejected: { delivery: Delivery; reason: string }[];
}

const HOUR_MS = 3_600_000;
/** The largest direction the positions table's smallint column holds. */
const DIRECTION_MAX = 32_767;

/**
 * Turns a batch of bus deliveries into rows, without touching the database (pure, so the mapping
 * is tested on its own). Message bodies are decoded with the codec here: the bus carries them as
 * the terminal sent them.
 */
export function rowsOf(batch: Delivery[]): BatchRows {
  const rows: BatchRows = {
    positions: [],
    parameters: [],
    sessions: [],
    registrations: [],
    refusals: [],
    activity: new Map(),
    rejected: [],
  };
  for (const delivery of batch) {
    try {
      addDelivery(rows, delivery);
    } catch (error) {
      if (!isJt808Error(error)) throw error;
      rows.rejected.push({ delivery, reason: `undecodable body: ${error.message}` });
    }
  }
  return rows;
}

function addDelivery(rows: BatchRows, delivery: Delivery): void {
  const { event } = delivery;
  if (event.kind === EventKind.Unreadable) {
    rows.rejected.push({ delivery, reason: 'unreadable bus event' });
    return;
  }
  if (!event.phone) {
    rows.rejected.push({ delivery, reason: 'event without a terminal phone' });
    return;
  }
  const phone = normalizePhone(event.phone);
  const at = new Date(event.atMs);
  switch (event.kind) {
    case EventKind.Message:
      if (REPORT_IDS.has(event.messageId ?? -1)) noteActivity(rows, phone, at);
      if (LOCATION_IDS.has(event.messageId ?? -1)) addPositions(rows, phone, at, decode(event), delivery.id);
      else if (event.messageId === MessageId.parametersResponse)
        addParameters(rows, phone, at, decode(event));
      return;
    case EventKind.Authenticated:
    case EventKind.Disconnected:
      rows.sessions.push({
        phone,
        online: event.kind === EventKind.Authenticated,
        at,
        gatewayId: event.gatewayId,
        sessionId: event.sessionId,
        remoteAddress: event.remoteAddress ?? null,
        reason: event.reason ?? null,
        source: delivery.id,
      });
      return;
    case EventKind.Registered:
      addRegistration(rows, phone, at, event, delivery.id);
      return;
    case EventKind.Connected:
      // Old entries only (gateways no longer send it); a connection is not a report.
      return;
    default:
      rows.rejected.push({ delivery, reason: `unknown event kind ${event.kind}` });
  }
}

function decode(event: TerminalEvent): Jt808Message {
  const body = event.body ?? new Uint8Array(0);
  const header: Header = {
    messageId: event.messageId ?? 0,
    edition: event.edition === '2019' ? '2019' : '2013',
    protocolVersion: event.protocolVersion ?? 0,
    bodyLength: body.length,
    encryption: 0,
    phone: event.phone,
    serial: event.serial ?? 0,
  };
  return decodeBody(header, body);
}

function addPositions(
  rows: BatchRows,
  phone: string,
  receivedAt: Date,
  message: Jt808Message,
  source: string,
): void {
  if (message.name === 'locationReport')
    rows.positions.push(positionRow(phone, receivedAt, message.body, false, source));
  else if (message.name === 'locationQueryResponse') {
    rows.positions.push(positionRow(phone, receivedAt, message.body.location, false, source));
  } else if (message.name === 'locationBatch') {
    message.body.items.forEach((item, index) => {
      rows.positions.push(
        positionRow(phone, receivedAt, item, message.body.type === 1, `${source}#${index}`),
      );
    });
  }
}

function addParameters(rows: BatchRows, phone: string, at: Date, message: Jt808Message): void {
  if (message.name !== 'parametersResponse') return;
  const values = new Map<number, number>();
  for (const { id, value } of message.body.parameters) if (typeof value === 'number') values.set(id, value);
  rows.parameters.push({ phone, at, values });
}

function positionRow(
  phone: string,
  receivedAt: Date,
  fix: LocationFields,
  blindArea: boolean,
  source: string,
): PositionRow {
  const { mileage, fuel, signalStrength, satellites, ...rest } = fix.extras;
  // The field is a WORD and the standard asks for 0–359; a value past the smallint column would
  // make the database refuse the whole fix. Kept in extras instead, and the fix stored.
  const direction = fix.direction <= DIRECTION_MAX ? fix.direction : null;
  const others: Record<string, unknown> =
    direction === null ? { ...rest, rawDirection: fix.direction } : rest;
  const extras = Object.keys(others).length > 0 ? extrasJson(others) : null;
  return {
    phone,
    // A fix without a usable time is filed under its arrival time and flagged TimeMissing.
    gpsTime: fix.time ?? receivedAt,
    receivedAt,
    latitude: fix.latitude,
    longitude: fix.longitude,
    altitude: fix.altitude,
    speed: fix.speed,
    direction,
    alarm: fix.alarm,
    status: fix.status,
    mileage: mileage ?? null,
    fuel: fuel ?? null,
    signalStrength: signalStrength ?? null,
    satellites: satellites ?? null,
    blindArea,
    quality: qualityOf(fix, receivedAt.getTime()),
    extras,
    source,
  };
}

/**
 * Additional items without a column of their own, as JSON: raw item bytes as hex, and the bytes
 * the codec could not parse as `unparsed: { offset, reason, hex }` (flagged Quality.ExtrasUnparsed).
 */
function extrasJson(extras: Record<string, unknown>): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(extras)) {
    if (value === undefined) continue;
    if (key === 'others') {
      json[key] = (value as RawItem[]).map((item) => ({ id: item.id, hex: hexOf(item.data) }));
    } else if (key === 'unparsed') {
      const { offset, reason, data } = value as Unparsed;
      json[key] = { offset, reason, hex: hexOf(data) };
    } else json[key] = value;
  }
  return json;
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function addRegistration(
  rows: BatchRows,
  phone: string,
  at: Date,
  event: TerminalEvent,
  source: string,
): void {
  // Accepted registrations ("known" or "pending") reach the roster; refusals ("refused:<result>:<why>",
  // sent only for phones the roster knows) become alerts on the terminal.
  const refused = /^refused:(\d+):(.+)$/.exec(event.reason ?? '');
  if (!refused && event.reason !== 'known' && event.reason !== 'pending') return;
  const message = decode(event);
  if (message.name !== 'registration') return;
  if (refused) {
    rows.refusals.push({
      phone,
      at,
      result: Number(refused[1]),
      reason: refused[2]!,
      terminalId: message.body.terminalId,
      plate: message.body.plate,
      plateColor: message.body.plateColor,
      remoteAddress: event.remoteAddress ?? null,
      gatewayId: event.gatewayId,
      source,
    });
    return;
  }
  rows.registrations.push({
    phone,
    terminalId: message.body.terminalId,
    maker: message.body.manufacturerId,
    model: message.body.model,
    edition: message.body.edition,
    plate: message.body.plate,
    plateColor: message.body.plateColor,
    at,
    pending: event.reason === 'pending',
    source,
  });
}

function noteActivity(rows: BatchRows, phone: string, at: Date): void {
  let activity = rows.activity.get(phone);
  if (!activity) {
    activity = { lastSeen: at, hours: new Set() };
    rows.activity.set(phone, activity);
  }
  if (at > activity.lastSeen) activity.lastSeen = at;
  activity.hours.add(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}
