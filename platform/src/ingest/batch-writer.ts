import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { alarmFlags } from '@jt808/protocol';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { POSITION_COPY_COLUMNS } from '../storage/positions-table.js';
import { copyLine } from './copy-text.js';
import type { HeardFrom } from './heard-from.js';
import { Quality } from './quality.js';
import type { BatchRows, PositionRow } from './rows.js';

export interface WriteResult {
  /** Fixes newly stored (a redelivered fix is not counted again). */
  positionsInserted: number;
  events: number;
  /** (hour, phone) pairs now recorded as heard from, for the worker's memory once committed. */
  heard: { hours: Date[]; phones: string[] };
}

/**
 * Writes one batch inside the caller's transaction: fixes by COPY into a staging table and from there
 * into positions (ON CONFLICT DO NOTHING on the (terminal, GNSS time) key: redelivery adds nothing),
 * then the current state, alarm and session events, registrations and hourly activity. `heard`
 * says which terminals are already recorded for an hour (see HeardFrom).
 */
export async function writeBatch(
  client: pg.PoolClient,
  rows: BatchRows,
  heard?: HeardFrom,
): Promise<WriteResult> {
  const positionsInserted = await insertPositions(client, rows.positions);
  let events = 0;
  events += await recordAlarmChanges(client, rows.positions);
  // The batch's terminals in phone order: two workers updating overlapping terminals then lock
  // their rows in the same order and wait for each other instead of deadlocking.
  const phones = [...rows.activity.keys()].sort();
  await updateCurrentState(client, rows, phones);
  const heardNow = await recordHeardFrom(client, rows, phones, heard);
  events += await applySessions(client, rows);
  events += await applyRegistrations(client, rows);
  return { positionsInserted, events, heard: heardNow };
}

async function insertPositions(client: pg.PoolClient, positions: PositionRow[]): Promise<number> {
  if (positions.length === 0) return 0;
  const columns = POSITION_COPY_COLUMNS.join(', ');
  await client.query(
    `CREATE TEMP TABLE IF NOT EXISTS positions_staging (LIKE positions INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`,
  );
  const lines = positions.map((p) =>
    copyLine([
      p.phone,
      p.gpsTime,
      p.receivedAt,
      p.latitude,
      p.longitude,
      p.altitude,
      p.speed,
      p.direction,
      p.alarm,
      p.status,
      p.mileage,
      p.fuel,
      p.signalStrength,
      p.satellites,
      p.blindArea,
      p.quality,
      p.extras,
    ]),
  );
  await pipeline(
    Readable.from([lines.join('')]),
    client.query(copyFrom(`COPY positions_staging (${columns}) FROM STDIN`)),
  );
  const result = await client.query(
    `INSERT INTO positions (${columns}) SELECT ${columns} FROM positions_staging ON CONFLICT (phone, gps_time) DO NOTHING`,
  );
  return result.rowCount ?? 0;
}

/** Fixes that may move the "current position": a time present and not in the future. */
function usableForState(p: PositionRow): boolean {
  return (p.quality & (Quality.TimeMissing | Quality.TimeInFuture)) === 0;
}

/**
 * Compares each terminal's alarm word fix by fix (in GNSS time order, starting from the stored one)
 * and records every bit raised or cleared as an event.
 */
async function recordAlarmChanges(client: pg.PoolClient, positions: PositionRow[]): Promise<number> {
  const byPhone = new Map<string, PositionRow[]>();
  for (const p of positions) {
    if (!usableForState(p)) continue;
    const list = byPhone.get(p.phone) ?? [];
    list.push(p);
    byPhone.set(p.phone, list);
  }
  if (byPhone.size === 0) return 0;
  const { rows: stored } = await client.query<{
    phone: string;
    alarm: string | null;
    last_fix_time: Date | null;
  }>('SELECT phone, alarm, last_fix_time FROM terminal_state WHERE phone = ANY($1)', [[...byPhone.keys()]]);
  const previous = new Map(stored.map((s) => [s.phone, s]));
  const events: unknown[][] = [];
  for (const [phone, fixes] of byPhone) {
    fixes.sort((a, b) => a.gpsTime.getTime() - b.gpsTime.getTime());
    const state = previous.get(phone);
    let word = state?.alarm === null || state?.alarm === undefined ? 0 : Number(state.alarm);
    for (const fix of fixes) {
      // Blind-area re-uploads older than the stored fix do not rewrite the alarm history.
      if (state?.last_fix_time && fix.gpsTime <= state.last_fix_time) continue;
      const raised = (fix.alarm & ~word) >>> 0;
      const cleared = (word & ~fix.alarm) >>> 0;
      for (const name of alarmFlags(raised))
        events.push([phone, fix.gpsTime, `alarm-raised:${name}`, null, fix.source]);
      for (const name of alarmFlags(cleared))
        events.push([phone, fix.gpsTime, `alarm-cleared:${name}`, null, fix.source]);
      word = fix.alarm;
    }
  }
  return insertEvents(client, events);
}

async function insertEvents(client: pg.PoolClient, events: unknown[][]): Promise<number> {
  if (events.length === 0) return 0;
  const result = await client.query(
    `INSERT INTO terminal_events (phone, at, kind, detail, source)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::jsonb[], $5::text[])
     ON CONFLICT (source, kind) DO NOTHING`,
    [0, 1, 2, 3, 4].map((i) => events.map((e) => (i === 3 && e[i] !== null ? JSON.stringify(e[i]) : e[i]))),
  );
  return result.rowCount ?? 0;
}

/** The fix columns of terminal_state, with their types and where each comes from. */
const FIX_COLUMNS: [column: string, type: string, pick: (p: PositionRow) => unknown][] = [
  ['last_fix_time', 'timestamptz', (p) => p.gpsTime],
  ['last_fix_received_at', 'timestamptz', (p) => p.receivedAt],
  ['latitude', 'float8', (p) => p.latitude],
  ['longitude', 'float8', (p) => p.longitude],
  ['altitude', 'int', (p) => p.altitude],
  ['speed', 'real', (p) => p.speed],
  ['direction', 'smallint', (p) => p.direction],
  ['alarm', 'bigint', (p) => p.alarm],
  ['status', 'bigint', (p) => p.status],
  ['mileage', 'float8', (p) => p.mileage],
  ['satellites', 'smallint', (p) => p.satellites],
  ['signal_strength', 'smallint', (p) => p.signalStrength],
];

/** The batch brings a usable fix newer than the stored one. */
const NEWER_FIX =
  '(EXCLUDED.last_fix_time IS NOT NULL AND (s.last_fix_time IS NULL OR EXCLUDED.last_fix_time > s.last_fix_time))';

/**
 * One row version per terminal and batch: when it was last heard from, and its current position
 * moved to its newest usable fix if that is newer than the stored one. (Two statements, one for
 * each, wrote every row twice: the last-seen update cost more than the fix itself.)
 */
const UPDATE_CURRENT_STATE = `
  INSERT INTO terminal_state AS s (phone, last_seen_at, ${FIX_COLUMNS.map(([c]) => c).join(', ')}, updated_at)
  SELECT *, now() FROM unnest($1::text[], $2::timestamptz[], ${FIX_COLUMNS.map(([, type], i) => `$${i + 3}::${type}[]`).join(', ')})
  ON CONFLICT (phone) DO UPDATE SET
    last_seen_at = GREATEST(s.last_seen_at, EXCLUDED.last_seen_at),
    ${FIX_COLUMNS.map(([c]) =>
      c === 'mileage'
        ? `mileage = CASE WHEN ${NEWER_FIX} THEN coalesce(EXCLUDED.mileage, s.mileage) ELSE s.mileage END`
        : `${c} = CASE WHEN ${NEWER_FIX} THEN EXCLUDED.${c} ELSE s.${c} END`,
    ).join(',\n    ')},
    updated_at = now()`;

async function updateCurrentState(client: pg.PoolClient, rows: BatchRows, phones: string[]): Promise<void> {
  if (rows.activity.size === 0) return;
  const newest = new Map<string, PositionRow>();
  for (const p of rows.positions) {
    if (!usableForState(p)) continue;
    const current = newest.get(p.phone);
    if (!current || p.gpsTime > current.gpsTime) newest.set(p.phone, p);
  }
  const fixes = phones.map((phone) => newest.get(phone));
  await client.query(UPDATE_CURRENT_STATE, [
    phones,
    phones.map((phone) => rows.activity.get(phone)!.lastSeen),
    ...FIX_COLUMNS.map(([, , pick]) => fixes.map((fix) => (fix ? pick(fix) : null))),
  ]);
}

/** Records which terminals were heard from in which hours, skipping those already recorded. */
async function recordHeardFrom(
  client: pg.PoolClient,
  rows: BatchRows,
  batchPhones: string[],
  heard: HeardFrom | undefined,
): Promise<WriteResult['heard']> {
  const hours: Date[] = [];
  const phones: string[] = [];
  for (const phone of batchPhones)
    for (const hour of rows.activity.get(phone)!.hours) {
      if (heard?.has(hour, phone)) continue;
      hours.push(new Date(hour));
      phones.push(phone);
    }
  if (phones.length > 0)
    await client.query(
      `INSERT INTO terminal_activity_hourly (hour, phone)
       SELECT * FROM unnest($1::timestamptz[], $2::text[]) ON CONFLICT (hour, phone) DO NOTHING`,
      [hours, phones],
    );
  return { hours, phones };
}

/**
 * Session changes in arrival order. A DISCONNECTED only takes a terminal offline if it closes the
 * session the state holds: the close of a replaced, older connection must not hide the new one.
 */
async function applySessions(client: pg.PoolClient, rows: BatchRows): Promise<number> {
  const events: unknown[][] = [];
  for (const change of rows.sessions) {
    if (change.online) {
      await client.query(
        `INSERT INTO terminal_state AS s (phone, online, gateway_id, session_id, remote_address, connected_at, updated_at)
         VALUES ($1, true, $2, $3, $4, $5, now())
         ON CONFLICT (phone) DO UPDATE SET online = true, gateway_id = EXCLUDED.gateway_id, session_id = EXCLUDED.session_id,
           remote_address = EXCLUDED.remote_address, connected_at = EXCLUDED.connected_at, updated_at = now()
         WHERE s.connected_at IS NULL OR EXCLUDED.connected_at >= s.connected_at`,
        [change.phone, change.gatewayId, change.sessionId, change.remoteAddress, change.at],
      );
      events.push([
        change.phone,
        change.at,
        'online',
        { gatewayId: change.gatewayId, remoteAddress: change.remoteAddress },
        change.source,
      ]);
    } else {
      await client.query(
        `UPDATE terminal_state SET online = false, disconnected_at = $3, disconnect_reason = $4, updated_at = now()
          WHERE phone = $1 AND session_id = $2`,
        [change.phone, change.sessionId, change.at, change.reason],
      );
      events.push([change.phone, change.at, 'offline', { reason: change.reason }, change.source]);
    }
  }
  return insertEvents(client, events);
}

/**
 * A registration fills in the terminal's roster entry (creating it, marked pending, when the roster
 * did not know it) and links it to the vehicle with the registered plate when that vehicle has no
 * terminal yet: the installer path.
 */
async function applyRegistrations(client: pg.PoolClient, rows: BatchRows): Promise<number> {
  const events: unknown[][] = [];
  for (const r of rows.registrations) {
    await client.query(
      `INSERT INTO terminals AS t (phone, terminal_id, maker, model, edition, registered_at, pending, vehicle_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7,
               (SELECT v.id FROM vehicles v WHERE v.plate = $8 AND v.plate_color = $9
                   AND NOT EXISTS (SELECT 1 FROM terminals x WHERE x.vehicle_id = v.id)))
       ON CONFLICT (phone) DO UPDATE SET terminal_id = EXCLUDED.terminal_id, maker = EXCLUDED.maker, model = EXCLUDED.model,
         edition = EXCLUDED.edition, registered_at = EXCLUDED.registered_at,
         vehicle_id = coalesce(t.vehicle_id, EXCLUDED.vehicle_id)`,
      [r.phone, r.terminalId, r.maker, r.model, r.edition, r.at, r.pending, r.plate, r.plateColor],
    );
    events.push([
      r.phone,
      r.at,
      'registered',
      { terminalId: r.terminalId, plate: r.plate, pending: r.pending },
      r.source,
    ]);
  }
  return insertEvents(client, events);
}
