import { transaction } from '@jt808/storage';
import type pg from 'pg';
import type { StatusEngine, Transition } from './engine.js';
import { FAULT_REASONS } from './reasons.js';
import type { CenterOverrides } from './settings.js';
import type { Status, TerminalHealth } from './terminal-health.js';

/** The persisted part of a TerminalHealth (everything a verdict is derived from). */
interface HealthJson {
  lastSeenMs: number;
  online: boolean;
  connectedAtMs: number;
  /** Absent in rows saved before it was kept. */
  sessionId?: string;
  disconnectedAtMs: number;
  intervalAccOnMs: number;
  intervalAccOffMs: number;
  configuredDrivingMs: number;
  configuredSleepMs: number;
  configuredHeartbeatMs: number;
  lastLocationMs: number;
  accOn: boolean;
  lastFixGnssMs: number;
  latitude: number | null;
  longitude: number | null;
  onsets: Record<string, number>;
  statusSinceMs: number;
}

function toJson(h: TerminalHealth): HealthJson {
  const onsets: Record<string, number> = {};
  FAULT_REASONS.forEach((reason, i) => {
    if (h.onsets[i]! > 0) onsets[reason] = h.onsets[i]!;
  });
  return {
    lastSeenMs: h.lastSeenMs,
    online: h.online,
    connectedAtMs: h.connectedAtMs,
    sessionId: h.sessionId,
    disconnectedAtMs: h.disconnectedAtMs,
    intervalAccOnMs: h.intervalAccOnMs,
    intervalAccOffMs: h.intervalAccOffMs,
    configuredDrivingMs: h.configuredDrivingMs,
    configuredSleepMs: h.configuredSleepMs,
    configuredHeartbeatMs: h.configuredHeartbeatMs,
    lastLocationMs: h.lastLocationMs,
    accOn: h.accOn,
    lastFixGnssMs: h.lastFixGnssMs,
    latitude: Number.isNaN(h.latitude) ? null : h.latitude,
    longitude: Number.isNaN(h.longitude) ? null : h.longitude,
    onsets,
    statusSinceMs: h.statusSinceMs,
  };
}

function restore(h: TerminalHealth, json: HealthJson, status: Status, reasons: string[]): void {
  Object.assign(h, {
    lastSeenMs: json.lastSeenMs,
    online: json.online,
    connectedAtMs: json.connectedAtMs ?? 0,
    sessionId: json.sessionId ?? '',
    disconnectedAtMs: json.disconnectedAtMs,
    intervalAccOnMs: json.intervalAccOnMs,
    intervalAccOffMs: json.intervalAccOffMs,
    configuredDrivingMs: json.configuredDrivingMs ?? 0,
    configuredSleepMs: json.configuredSleepMs ?? 0,
    configuredHeartbeatMs: json.configuredHeartbeatMs ?? 0,
    lastLocationMs: json.lastLocationMs,
    accOn: json.accOn,
    lastFixGnssMs: json.lastFixGnssMs,
    latitude: json.latitude ?? Number.NaN,
    longitude: json.longitude ?? Number.NaN,
    statusSinceMs: json.statusSinceMs,
    status,
  });
  FAULT_REASONS.forEach((reason, i) => {
    h.onsets[i] = json.onsets[reason] ?? 0;
  });
  h.reasons = FAULT_REASONS.reduce(
    (mask, reason, i) => (reasons.includes(reason) ? mask | (1 << i) : mask),
    0,
  );
  h.dirty = false;
}

/** Adds every roster terminal the engine does not know yet (as never seen), with its center. */
export async function loadRoster(pool: pg.Pool, engine: StatusEngine): Promise<number> {
  const { rows } = await pool.query<{ phone: string; center_id: number | null }>(
    'SELECT t.phone, v.center_id FROM terminals t LEFT JOIN vehicles v ON v.id = t.vehicle_id',
  );
  let added = 0;
  for (const row of rows) {
    const known = engine.get(row.phone);
    if (known) known.centerId = row.center_id;
    else {
      engine.terminal(row.phone, row.center_id);
      added++;
    }
  }
  return added;
}

/** Restores the engine's memory of every terminal from its last save. */
export async function loadStatuses(pool: pg.Pool, engine: StatusEngine): Promise<number> {
  const { rows } = await pool.query<{ phone: string; status: Status; reasons: string[]; health: HealthJson }>(
    'SELECT phone, status, reasons, health FROM terminal_status',
  );
  for (const row of rows) restore(engine.terminal(row.phone), row.health, row.status, row.reasons);
  return rows.length;
}

/** Saves changed terminals and new transitions in one transaction. */
export async function saveStatuses(
  pool: pg.Pool,
  changed: TerminalHealth[],
  transitions: Transition[],
): Promise<void> {
  if (changed.length === 0 && transitions.length === 0) return;
  await transaction(pool, async (client) => {
    if (changed.length > 0) {
      await client.query(
        `INSERT INTO terminal_status (phone, status, reasons, since, health, updated_at)
         SELECT phone, status, string_to_array(reasons, ',')::text[], to_timestamp(since / 1000.0), health, now()
           FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::jsonb[])
             AS u(phone, status, reasons, since, health)
         ON CONFLICT (phone) DO UPDATE SET status = EXCLUDED.status, reasons = EXCLUDED.reasons, since = EXCLUDED.since,
           health = EXCLUDED.health, updated_at = now()`,
        [
          changed.map((h) => h.phone),
          changed.map((h) => h.status),
          changed.map((h) => FAULT_REASONS.filter((_, i) => (h.reasons & (1 << i)) !== 0).join(',')),
          changed.map((h) => (h.statusSinceMs > 0 ? h.statusSinceMs : null)),
          changed.map((h) => JSON.stringify(toJson(h))),
        ],
      );
    }
    if (transitions.length > 0) {
      await client.query(
        `INSERT INTO status_transitions (phone, at, from_status, to_status, reasons)
         SELECT phone, to_timestamp(at / 1000.0), from_status, to_status, string_to_array(reasons, ',')::text[]
           FROM unnest($1::text[], $2::float8[], $3::text[], $4::text[], $5::text[]) AS u(phone, at, from_status, to_status, reasons)`,
        [
          transitions.map((t) => t.phone),
          transitions.map((t) => t.atMs),
          transitions.map((t) => t.from),
          transitions.map((t) => t.to),
          transitions.map((t) => t.reasons.join(',')),
        ],
      );
    }
  });
}

/** Loads the per-center overrides into the engine. */
export async function loadCenterSettings(pool: pg.Pool, engine: StatusEngine): Promise<number> {
  const { rows } = await pool.query<{
    center_id: number;
    offline_floor_seconds: number | null;
    offline_ceiling_seconds: number | null;
    repair_offline_hours: number | null;
    repair_faulty_minutes: number | null;
  }>('SELECT * FROM center_settings');
  const overrides = new Map<number, CenterOverrides>();
  for (const row of rows) {
    overrides.set(row.center_id, {
      offlineFloorSeconds: row.offline_floor_seconds ?? undefined,
      offlineCeilingSeconds: row.offline_ceiling_seconds ?? undefined,
      repairOfflineHours: row.repair_offline_hours ?? undefined,
      repairFaultyMinutes: row.repair_faulty_minutes ?? undefined,
    });
  }
  engine.setCenterOverrides(overrides);
  return rows.length;
}
