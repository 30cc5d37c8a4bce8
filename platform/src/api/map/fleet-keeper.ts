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
 * Owns the API process's FleetIndex: loads it on first use, keeps it current from the live feed,
 * and reloads it in the background when it is older than `maxAgeMs` (roster changes reach it
 * that way), replaying the deltas that arrived during the reload.
 */
export class FleetKeeper {
  private index: FleetIndex | undefined;
  private loadedAt = 0;
  private loading: Promise<FleetIndex> | undefined;
  /** Deltas received while a load runs, for the index it will produce. */
  private buffered: LiveDelta[][] | undefined;
  private readonly client: LiveClient = { user: WHOLE_FLEET, send: (deltas) => this.receive(deltas) };
  private listening = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly feed: LiveFeed,
    private readonly maxAgeMs = 10 * 60_000,
  ) {}

  async current(): Promise<FleetIndex> {
    if (!this.listening) {
      this.feed.add(this.client);
      this.listening = true;
    }
    if (!this.index) return this.reload();
    if (Date.now() - this.loadedAt > this.maxAgeMs) {
      // The current index answers meanwhile; a failed reload is tried again on a later request.
      this.reload().catch(() => undefined);
    }
    return this.index;
  }

  stop(): void {
    this.feed.remove(this.client);
    this.listening = false;
  }

  private reload(): Promise<FleetIndex> {
    if (this.loading) return this.loading;
    this.buffered = [];
    this.loading = FleetIndex.load(this.pool)
      .then((index) => {
        for (const deltas of this.buffered ?? []) index.apply(deltas);
        this.index = index;
        this.loadedAt = Date.now();
        return index;
      })
      .finally(() => {
        this.buffered = undefined;
        this.loading = undefined;
      });
    return this.loading;
  }

  private receive(deltas: LiveDelta[]): void {
    this.index?.apply(deltas);
    this.buffered?.push(deltas);
  }
}
