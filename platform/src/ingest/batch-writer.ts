import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { alarmFlags } from '@jt808/protocol';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { POSITION_COPY_COLUMNS } from '../storage/positions-table.js';
import { copyLine } from './copy-text.js';
import { Quality } from './quality.js';
import type { BatchRows, PositionRow } from './rows.js';

export interface WriteResult {
  /** Fixes newly stored (a redelivered fix is not counted again). */
  positionsInserted: number;
  events: number;
}

/**
 * Writes one batch inside the caller's transaction: fixes by COPY into a staging table and from there
 * into positions (ON CONFLICT DO NOTHING on the (terminal, GNSS time) key: redelivery adds nothing),
 * then the current state, alarm and session events, registrations and hourly activity.
 */
export async function writeBatch(client: pg.PoolClient, rows: BatchRows): Promise<WriteResult> {
  const positionsInserted = await insertPositions(client, rows.positions);
  let events = 0;
  events += await recordAlarmChanges(client, rows.positions);
  await updateLastFix(client, rows.positions);
  await touchActivity(client, rows);
  events += await applySessions(client, rows);
  events += await applyRegistrations(client, rows);
  return { positionsInserted, events };
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

/** Moves each terminal's current position to its newest usable fix, if newer than the stored one. */
async function updateLastFix(client: pg.PoolClient, positions: PositionRow[]): Promise<void> {
  const newest = new Map<string, PositionRow>();
  for (const p of positions) {
    if (!usableForState(p)) continue;
    const current = newest.get(p.phone);
    if (!current || p.gpsTime > current.gpsTime) newest.set(p.phone, p);
  }
  if (newest.size === 0) return;
  const fixes = [...newest.values()];
  const column = <T>(pick: (p: PositionRow) => T) => fixes.map(pick);
  await client.query(
    `INSERT INTO terminal_state AS s (phone, last_fix_time, last_fix_received_at, latitude, longitude, altitude, speed,
                                      direction, alarm, status, mileage, satellites, signal_strength, updated_at)
     SELECT *, now() FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::float8[], $5::float8[], $6::int[],
                                 $7::real[], $8::smallint[], $9::bigint[], $10::bigint[], $11::float8[], $12::smallint[],
                                 $13::smallint[])
     ON CONFLICT (phone) DO UPDATE SET
       last_fix_time = EXCLUDED.last_fix_time, last_fix_received_at = EXCLUDED.last_fix_received_at,
       latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude, altitude = EXCLUDED.altitude,
       speed = EXCLUDED.speed, direction = EXCLUDED.direction, alarm = EXCLUDED.alarm, status = EXCLUDED.status,
       mileage = coalesce(EXCLUDED.mileage, s.mileage), satellites = EXCLUDED.satellites,
       signal_strength = EXCLUDED.signal_strength, updated_at = now()
     WHERE s.last_fix_time IS NULL OR EXCLUDED.last_fix_time > s.last_fix_time`,
    [
      column((p) => p.phone),
      column((p) => p.gpsTime),
      column((p) => p.receivedAt),
      column((p) => p.latitude),
      column((p) => p.longitude),
      column((p) => p.altitude),
      column((p) => p.speed),
      column((p) => p.direction),
      column((p) => p.alarm),
      column((p) => p.status),
      column((p) => p.mileage),
      column((p) => p.satellites),
      column((p) => p.signalStrength),
    ],
  );
}

/** Last seen per terminal, and message counts per terminal and hour. */
async function touchActivity(client: pg.PoolClient, rows: BatchRows): Promise<void> {
  if (rows.activity.size === 0) return;
  const phones: string[] = [];
  const seen: Date[] = [];
  const hourPhones: string[] = [];
  const hours: Date[] = [];
  const counts: number[] = [];
  for (const [phone, activity] of rows.activity) {
    phones.push(phone);
    seen.push(activity.lastSeen);
    for (const [hour, count] of activity.hours) {
      hourPhones.push(phone);
      hours.push(new Date(hour));
      counts.push(count);
    }
  }
  await client.query(
    `INSERT INTO terminal_state AS s (phone, last_seen_at, updated_at)
     SELECT phone, seen, now() FROM unnest($1::text[], $2::timestamptz[]) AS u(phone, seen)
     ON CONFLICT (phone) DO UPDATE SET last_seen_at = GREATEST(s.last_seen_at, EXCLUDED.last_seen_at), updated_at = now()`,
    [phones, seen],
  );
  // Counts are a rollup input, not an audit: a redelivered batch may count its messages twice.
  await client.query(
    `INSERT INTO terminal_activity_hourly AS a (hour, phone, messages)
     SELECT hour, phone, n FROM unnest($1::timestamptz[], $2::text[], $3::int[]) AS u(hour, phone, n)
     ON CONFLICT (hour, phone) DO UPDATE SET messages = a.messages + EXCLUDED.messages`,
    [hours, hourPhones, counts],
  );
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
