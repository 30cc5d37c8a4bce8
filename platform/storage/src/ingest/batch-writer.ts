import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { alarmFlags } from '@jt808/protocol';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { POSITION_COPY_COLUMNS } from '../storage/positions-table.js';
import type { HeardFrom } from './heard-from.js';
import { copyPositionsSql, encodePositions } from './position-copy.js';
import { Quality } from './quality.js';
import { applyRegistrations } from './registration-writer.js';
import type { BatchRows, PositionRow } from './rows.js';
import { applySessions } from './session-writer.js';
import { insertEvents, type TerminalEventRow } from './terminal-events.js';

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
 * then alarm events, the current state, hourly activity, sessions and registrations. `heard`
 * says which terminals are already recorded for an hour (see HeardFrom).
 */
export async function writeBatch(
  client: pg.PoolClient,
  rows: BatchRows,
  heard?: HeardFrom,
): Promise<WriteResult> {
  // The current-state update reads the staged fixes, even when the batch brought none.
  if (rows.activity.size > 0) await client.query(CREATE_STAGING);
  const positionsInserted = await insertPositions(client, rows.positions);
  let events = 0;
  events += await recordAlarmChanges(client, rows.positions);
  // The batch's terminals in phone order: two workers updating overlapping terminals then lock
  // their rows in the same order and wait for each other instead of deadlocking.
  const phones = [...rows.activity.keys()].sort();
  await updateCurrentState(client, rows, phones);
  const heardNow = await recordHeardFrom(client, rows, phones, heard);
  events += await applySessions(client, rows.sessions);
  events += await applyRegistrations(client, rows.registrations, rows.refusals);
  return { positionsInserted, events, heard: heardNow };
}

/** The batch's fixes as they arrived, emptied at every commit. */
export const CREATE_STAGING =
  'CREATE TEMP TABLE IF NOT EXISTS positions_staging (LIKE positions INCLUDING DEFAULTS) ON COMMIT DELETE ROWS';

/** Stores fixes as ingest does (staging COPY, then ON CONFLICT DO NOTHING); the staging table exists. */
export async function insertPositions(client: pg.PoolClient, positions: PositionRow[]): Promise<number> {
  if (positions.length === 0) return 0;
  await pipeline(
    Readable.from([encodePositions(positions)]),
    client.query(copyFrom(copyPositionsSql('positions_staging'))),
  );
  const columns = POSITION_COPY_COLUMNS.join(', ');
  const result = await client.query(
    `INSERT INTO positions (${columns}) SELECT ${columns} FROM positions_staging ON CONFLICT (phone, gps_time) DO NOTHING`,
  );
  return result.rowCount ?? 0;
}

const UNUSABLE_FOR_STATE = Quality.TimeMissing | Quality.TimeInFuture;

/** Fixes that may move the "current position": a time present and not in the future. */
function usableForState(p: PositionRow): boolean {
  return (p.quality & UNUSABLE_FOR_STATE) === 0;
}

/** The same test on a staged row. */
const USABLE_STAGED = `quality & ${UNUSABLE_FOR_STATE} = 0`;

/**
 * Compares each terminal's alarm word fix by fix (in GNSS time order, starting from the stored one)
 * and records every bit raised or cleared as an event. Only terminals with a word set, in the
 * batch or stored, can raise or clear a bit: the stored state of the others is not read, and their
 * fixes are not looked at again (most terminals, most of the time).
 */
async function recordAlarmChanges(client: pg.PoolClient, positions: PositionRow[]): Promise<number> {
  const batchPhones = new Set<string>();
  const raising = new Set<string>();
  for (const p of positions) {
    if (!usableForState(p)) continue;
    batchPhones.add(p.phone);
    if (p.alarm !== 0) raising.add(p.phone);
  }
  if (batchPhones.size === 0) return 0;
  const { rows: stored } = await client.query<{
    phone: string;
    alarm: string | null;
    last_fix_time: Date | null;
  }>(
    `SELECT phone, alarm, last_fix_time FROM terminal_state
      WHERE phone = ANY($1) AND (alarm <> 0 OR phone = ANY($2))`,
    [[...batchPhones], [...raising]],
  );
  const previous = new Map(stored.map((s) => [s.phone, s]));
  const byPhone = new Map<string, PositionRow[]>();
  for (const p of positions) {
    if (!usableForState(p) || !(raising.has(p.phone) || previous.has(p.phone))) continue;
    const list = byPhone.get(p.phone) ?? [];
    list.push(p);
    byPhone.set(p.phone, list);
  }
  const events: TerminalEventRow[] = [];
  const alarmEvent = (fix: PositionRow, kind: string): TerminalEventRow => ({
    phone: fix.phone,
    at: fix.gpsTime,
    kind,
    detail: null,
    source: fix.source,
  });
  for (const [phone, fixes] of byPhone) {
    fixes.sort((a, b) => a.gpsTime.getTime() - b.gpsTime.getTime());
    const state = previous.get(phone);
    let word = state?.alarm === null || state?.alarm === undefined ? 0 : Number(state.alarm);
    for (const fix of fixes) {
      // Blind-area re-uploads older than the stored fix do not rewrite the alarm history.
      if (state?.last_fix_time && fix.gpsTime <= state.last_fix_time) continue;
      const raised = (fix.alarm & ~word) >>> 0;
      const cleared = (word & ~fix.alarm) >>> 0;
      for (const name of alarmFlags(raised)) events.push(alarmEvent(fix, `alarm-raised:${name}`));
      for (const name of alarmFlags(cleared)) events.push(alarmEvent(fix, `alarm-cleared:${name}`));
      word = fix.alarm;
    }
  }
  return insertEvents(client, events);
}

/** The fix columns of terminal_state, and the staging column each comes from. */
const FIX_COLUMNS: [column: string, staged: string][] = [
  ['last_fix_time', 'gps_time'],
  ['last_fix_received_at', 'received_at'],
  ['latitude', 'latitude'],
  ['longitude', 'longitude'],
  ['altitude', 'altitude'],
  ['speed', 'speed'],
  ['direction', 'direction'],
  ['alarm', 'alarm'],
  ['status', 'status'],
  ['mileage', 'mileage'],
  ['satellites', 'satellites'],
  ['signal_strength', 'signal_strength'],
];

/** The batch brings a usable fix newer than the stored one. */
const NEWER_FIX =
  '(EXCLUDED.last_fix_time IS NOT NULL AND (s.last_fix_time IS NULL OR EXCLUDED.last_fix_time > s.last_fix_time))';

/**
 * One row version per terminal and batch: when it was last heard from, and its current position
 * moved to its newest usable fix if that is newer than the stored one. The fixes come from the
 * staging table the batch's positions were just copied into, rather than as a dozen parameter
 * arrays the client formats and the server parses again. Rows are written in phone order, so two
 * workers updating overlapping terminals lock them in the same order and cannot deadlock.
 */
const UPDATE_CURRENT_STATE = `
  INSERT INTO terminal_state AS s (phone, last_seen_at, ${FIX_COLUMNS.map(([c]) => c).join(', ')}, updated_at)
  SELECT a.phone, a.last_seen_at, ${FIX_COLUMNS.map(([, staged]) => `f.${staged}`).join(', ')}, now()
    FROM unnest($1::text[], $2::timestamptz[]) AS a(phone, last_seen_at)
    LEFT JOIN (SELECT DISTINCT ON (phone) * FROM positions_staging WHERE ${USABLE_STAGED}
                ORDER BY phone, gps_time DESC) AS f USING (phone)
   ORDER BY a.phone
  ON CONFLICT (phone) DO UPDATE SET
    last_seen_at = GREATEST(s.last_seen_at, EXCLUDED.last_seen_at),
    ${FIX_COLUMNS.map(([c]) =>
      c === 'mileage'
        ? `mileage = CASE WHEN ${NEWER_FIX} THEN coalesce(EXCLUDED.mileage, s.mileage) ELSE s.mileage END`
        : `${c} = CASE WHEN ${NEWER_FIX} THEN EXCLUDED.${c} ELSE s.${c} END`,
    ).join(',\n    ')},
    updated_at = now()`;

async function updateCurrentState(client: pg.PoolClient, rows: BatchRows, phones: string[]): Promise<void> {
  if (phones.length === 0) return;
  await client.query(UPDATE_CURRENT_STATE, [
    phones,
    phones.map((phone) => rows.activity.get(phone)!.lastSeen),
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
