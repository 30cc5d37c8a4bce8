import type { LiveDelta } from '@jt808/api-contract';
import type pg from 'pg';
import type { User } from '../sessions.js';
import { LIVE_CHANNEL, type Notices, parseNotices } from './notices.js';
import { VehicleLookup, type VehicleOfPhone } from './vehicle-lookup.js';
import { batchOf, visibleDeltas } from './visible-deltas.js';

/** One change pushed to live clients, as compact JSON (the contract's LiveDelta). */
export type { LiveDelta };

export interface LiveClient {
  user: User;
  /** Vehicles a service-point user may see (others are scoped by center). */
  vehicles?: Set<number>;
  /** [minLon, minLat, maxLon, maxLat]: positions outside the viewport are not sent. */
  bbox?: [number, number, number, number];
  /** `json()` is the deltas as JSON, made once for every client that sees the same. */
  send(deltas: LiveDelta[], json: () => string): void;
}

/** A lost listening connection is made again after this long. */
const RELISTEN_MS = 1000;

/**
 * Fans out what changed to the connected live clients. The database announces every change of a
 * current position or status on the `jt808_live` channel (migration 0016's triggers), on commit and
 * in commit order, whichever process ingested the fix or judged the status; the feed listens on one
 * connection, keeps the newest position per terminal, and once per interval sends each client the
 * vehicles its user may see, within its map viewport.
 *
 * Changes announced while the listening connection is down are not sent: a position is superseded
 * by the terminal's next fix, and clients take a fresh snapshot when they reconnect.
 */
export class LiveFeed {
  private readonly clients = new Set<LiveClient>();
  private readonly vehicles: VehicleLookup;
  private timer: NodeJS.Timeout | undefined;
  private listener: pg.PoolClient | undefined;
  private stopped = false;
  private flushing = false;
  /** Newest announced position per phone since the last flush. */
  private positions = new Map<string, Notices['positions'][number]>();
  private transitions: Notices['transitions'] = [];
  /**
   * Called when the roster announced a change, or when announcements may have been missed (the
   * listening connection was re-made): the fleet index reloads.
   */
  private readonly rosterListeners = new Set<() => void>();
  /** Whether a listening connection was made before: a new one may have missed announcements. */
  private listened = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly intervalMs = 1000,
  ) {
    this.vehicles = new VehicleLookup(pool);
  }

  async start(): Promise<void> {
    await this.listen();
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
  }

  add(client: LiveClient): void {
    this.clients.add(client);
  }

  remove(client: LiveClient): void {
    this.clients.delete(client);
  }

  onRosterChange(listener: () => void): () => void {
    this.rosterListeners.add(listener);
    return () => this.rosterListeners.delete(listener);
  }

  private async listen(): Promise<void> {
    const client = await this.pool.connect();
    this.listener = client;
    client.on('notification', (message) => {
      if (message.channel !== LIVE_CHANNEL || !message.payload || this.clients.size === 0) return;
      const notices = parseNotices(message.payload);
      for (const position of notices.positions) this.positions.set(position.phone, position);
      for (const transition of notices.transitions) this.transitions.push(transition);
      if (notices.rosterChanged) this.rosterChanged();
    });
    client.on('error', () => this.relisten(client));
    client.on('end', () => this.relisten(client));
    await client.query(`LISTEN ${LIVE_CHANNEL}`);
    // Whatever was announced while no connection listened is lost: what the lookup and the index
    // hold may be stale, so they are read again (rather than every few minutes, just in case: a
    // periodic reload of 400,000 vehicles cost 300 MB of heap and a 3.7 s lag spike each time).
    if (this.listened) this.rosterChanged();
    this.listened = true;
  }

  private rosterChanged(): void {
    this.vehicles.forget();
    for (const listener of this.rosterListeners) listener();
  }

  private relisten(client: pg.PoolClient): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    client.release(true);
    if (!this.stopped) this.retryLater();
  }

  /** Listens again after RELISTEN_MS, and again after each failure, until it is stopped. */
  private retryLater(): void {
    setTimeout(() => {
      if (!this.stopped) this.listen().catch(() => this.retryLater());
    }, RELISTEN_MS).unref();
  }

  /** Sends what was announced since the last flush; the tests call it to skip the wait. */
  async flush(): Promise<void> {
    if (this.flushing) return;
    const positions = [...this.positions.values()];
    const transitions = this.transitions;
    if (positions.length === 0 && transitions.length === 0) return;
    this.positions = new Map();
    this.transitions = [];
    this.flushing = true;
    try {
      const vehicles = await this.vehicles.resolve([
        ...positions.map((p) => p.phone),
        ...transitions.map((t) => t.phone),
      ]);
      const deltas = [
        ...onVehicles(vehicles, positions, (p, on, at) => ({
          t: 'pos',
          ...on,
          lat: p.lat,
          lon: p.lon,
          spd: p.speed,
          dir: p.direction,
          at,
        })),
        ...onVehicles(vehicles, transitions, (t, on, at) => ({
          t: 'status',
          ...on,
          s: t.status,
          r: t.reasons,
          at,
        })),
      ];
      if (deltas.length === 0) return;
      const batch = batchOf(deltas);
      const encoded = new Map<LiveDelta[], string>();
      for (const client of this.clients) {
        const visible = visibleDeltas(client, batch);
        if (visible.length === 0) continue;
        client.send(visible, () => {
          let json = encoded.get(visible);
          if (json === undefined) {
            json = JSON.stringify(visible);
            encoded.set(visible, json);
          }
          return json;
        });
      }
    } catch {
      // Vehicles could not be looked up (database down): these changes are dropped, later ones go
      // out; live updates are best effort, the REST routes are the record.
    } finally {
      this.flushing = false;
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    const listener = this.listener;
    this.listener = undefined;
    listener?.release(true);
  }
}

/**
 * A delta for each announcement about a terminal on a vehicle (one on none has nothing to show):
 * `delta` gets the vehicle and its center (`on`: v and c) and the time, and puts them in the
 * contract's order (t, v, c, …, at).
 */
function onVehicles<Announced extends { phone: string; atMs: number }>(
  vehicles: Map<string, VehicleOfPhone | null>,
  announced: readonly Announced[],
  delta: (announced: Announced, on: { v: number; c: number }, at: string) => LiveDelta,
): LiveDelta[] {
  return announced.flatMap((a) => {
    const vehicle = vehicles.get(a.phone);
    return vehicle ? [delta(a, { v: vehicle.id, c: vehicle.centerId }, new Date(a.atMs).toISOString())] : [];
  });
}
