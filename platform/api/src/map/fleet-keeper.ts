import type pg from 'pg';
import type { LiveClient, LiveDelta, LiveFeed } from '../live/live-feed.js';
import type { User } from '../sessions.js';
import { FleetIndex } from './fleet-index.js';

/** The index listens to everything: it serves every user, each filtered by their scope afterwards. */
const WHOLE_FLEET: User = {
  id: 0,
  username: 'map-index',
  role: 'admin',
  centerIds: [],
  servicePointId: null,
};

/**
 * Owns the API process's FleetIndex: loads it at start (warm) or first use, keeps it current from
 * the live feed, and reloads it in the background when the roster announces a change (a vehicle
 * added, removed or moved, a terminal refitted) or when announcements may have been missed (the
 * feed's listening connection was re-made), replaying the deltas that arrived during the reload.
 * Meanwhile the current index answers; a reload that failed is tried again at the next request.
 */
export class FleetKeeper {
  private index: FleetIndex | undefined;
  /** A reload was due and failed: the index may be stale. */
  private stale = false;
  private loading: Promise<FleetIndex> | undefined;
  /** Deltas received while a load runs, for the index it will produce. */
  private buffered: LiveDelta[][] | undefined;
  private readonly client: LiveClient = { user: WHOLE_FLEET, send: (deltas) => this.receive(deltas) };
  private unsubscribe: (() => void) | undefined;
  /** The roster changed while a reload was running: that reload may have read it before. */
  private reloadAgain = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly feed: LiveFeed,
  ) {}

  /**
   * Starts following the feed and loads the index in the background, so the first map or snapshot
   * after a start does not wait for the load (nor do hundreds of them at once: they share it).
   */
  warm(onError: (error: unknown) => void): void {
    this.current().catch(onError);
  }

  async current(): Promise<FleetIndex> {
    if (!this.unsubscribe) {
      this.feed.add(this.client);
      this.unsubscribe = this.feed.onRosterChange(() => this.rosterChanged());
    }
    if (!this.index) return this.reload();
    // The current index answers meanwhile.
    if (this.stale) this.reload().catch(() => undefined);
    return this.index;
  }

  stop(): void {
    this.feed.remove(this.client);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private rosterChanged(): void {
    // A load in progress may have read the roster before the change: it is followed by another.
    if (this.loading) this.reloadAgain = true;
    else if (this.index) {
      this.stale = true;
      this.reload().catch(() => undefined); // else the first request loads it
    }
  }

  private reload(): Promise<FleetIndex> {
    if (this.loading) return this.loading;
    this.buffered = [];
    this.loading = FleetIndex.load(this.pool)
      .then((index) => {
        for (const deltas of this.buffered ?? []) index.apply(deltas);
        this.index = index;
        this.stale = false;
        return index;
      })
      .finally(() => {
        this.buffered = undefined;
        this.loading = undefined;
        if (this.reloadAgain) {
          this.reloadAgain = false;
          this.stale = true;
          this.reload().catch(() => undefined);
        }
      });
    return this.loading;
  }

  private receive(deltas: LiveDelta[]): void {
    this.index?.apply(deltas);
    this.buffered?.push(deltas);
  }
}
