import type pg from 'pg';
import { seesEverything } from '../scope.js';
import type { User } from '../sessions.js';

/** One change pushed to live clients, as compact JSON. */
export type LiveDelta =
  | { t: 'pos'; v: number; c: number; lat: number; lon: number; spd: number; dir: number; at: string }
  | { t: 'status'; v: number; c: number; s: string; r: string[]; at: string };

export interface LiveClient {
  user: User;
  /** Vehicles a service-point user may see (others are scoped by center). */
  vehicles?: Set<number>;
  /** [minLon, minLat, maxLon, maxLat]: positions outside the viewport are not sent. */
  bbox?: [number, number, number, number];
  send(deltas: LiveDelta[]): void;
}

/**
 * Fans out what changed to the connected live clients. It looks at the database once a second
 * (current states updated since its last look, status transitions newer than the last it sent), so
 * it works the same whichever process ingested the fix or judged the status. Each client gets only
 * the vehicles its user may see, within its map viewport.
 */
export class LiveFeed {
  private readonly clients = new Set<LiveClient>();
  private timer: NodeJS.Timeout | undefined;
  /** The newest updated_at sent so far, as PostgreSQL's text (microseconds: a JS Date would lose them and resend rows). */
  private lastStateAt = '';
  private lastTransitionId = 0;
  private polling = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly intervalMs = 1000,
  ) {}

  async start(): Promise<void> {
    const { rows } = await this.pool.query<{ id: string | null; now: string }>(
      'SELECT (SELECT max(id) FROM status_transitions) AS id, now()::text AS now',
    );
    this.lastTransitionId = Number(rows[0]?.id ?? 0);
    this.lastStateAt = rows[0]!.now;
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
  }

  add(client: LiveClient): void {
    this.clients.add(client);
  }

  remove(client: LiveClient): void {
    this.clients.delete(client);
  }

  async poll(): Promise<void> {
    if (this.polling || this.clients.size === 0) return;
    this.polling = true;
    try {
      const deltas = [...(await this.positions()), ...(await this.transitions())];
      if (deltas.length === 0) return;
      for (const client of this.clients) {
        const visible = deltas.filter((d) => allows(client, d));
        if (visible.length > 0) client.send(visible);
      }
    } catch {
      // The next poll tries again; live updates are best effort, the REST routes are the record.
    } finally {
      this.polling = false;
    }
  }

  private async positions(): Promise<LiveDelta[]> {
    const { rows } = await this.pool.query<{
      vehicle_id: string;
      center_id: number;
      latitude: number;
      longitude: number;
      speed: number | null;
      direction: number | null;
      last_fix_time: Date;
      cursor: string;
    }>(
      // A fix without a usable GNSS time (stored as null) is stamped with when it was stored.
      `SELECT v.id AS vehicle_id, v.center_id, st.latitude, st.longitude, st.speed, st.direction,
              coalesce(st.last_fix_time, st.updated_at) AS last_fix_time,
              (max(st.updated_at) OVER ())::text AS cursor
         FROM terminal_state st JOIN terminals t ON t.phone = st.phone JOIN vehicles v ON v.id = t.vehicle_id
        WHERE st.updated_at > $1::timestamptz AND st.latitude IS NOT NULL`,
      [this.lastStateAt],
    );
    if (rows[0]) this.lastStateAt = rows[0].cursor;
    return rows.map((row) => ({
      t: 'pos',
      v: Number(row.vehicle_id),
      c: row.center_id,
      lat: row.latitude,
      lon: row.longitude,
      spd: row.speed ?? 0,
      dir: row.direction ?? 0,
      at: row.last_fix_time.toISOString(),
    }));
  }

  private async transitions(): Promise<LiveDelta[]> {
    const { rows } = await this.pool.query<{
      id: string;
      vehicle_id: string;
      center_id: number;
      to_status: string;
      reasons: string[];
      at: Date;
    }>(
      `SELECT tr.id, v.id AS vehicle_id, v.center_id, tr.to_status, tr.reasons, tr.at
         FROM status_transitions tr JOIN terminals t ON t.phone = tr.phone JOIN vehicles v ON v.id = t.vehicle_id
        WHERE tr.id > $1 ORDER BY tr.id`,
      [this.lastTransitionId],
    );
    for (const row of rows) this.lastTransitionId = Math.max(this.lastTransitionId, Number(row.id));
    return rows.map((row) => ({
      t: 'status',
      v: Number(row.vehicle_id),
      c: row.center_id,
      s: row.to_status,
      r: row.reasons,
      at: row.at.toISOString(),
    }));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

function allows(client: LiveClient, delta: LiveDelta): boolean {
  const { user } = client;
  if (user.role === 'service') {
    if (!client.vehicles?.has(delta.v)) return false;
  } else if (!seesEverything(user) && !user.centerIds.includes(delta.c)) {
    return false;
  }
  if (delta.t === 'pos' && client.bbox) {
    const [minLon, minLat, maxLon, maxLat] = client.bbox;
    return delta.lon >= minLon && delta.lon <= maxLon && delta.lat >= minLat && delta.lat <= maxLat;
  }
  return true;
}
