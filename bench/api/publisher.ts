import type pg from 'pg';

export interface PublisherOptions {
  /** Current-position updates per second (the fleet's real rate is vehicles / 30 s). */
  positionsPerSecond: number;
  transitionsPerSecond: number;
  /** Phones whose terminals have a current state (the seeded ones seen at least once). */
  phones: string[];
}

export interface PublisherResult {
  positions: number;
  transitions: number;
  /** Ticks that took longer than their 250 ms slot (the database could not keep up). */
  lateTicks: number;
}

/**
 * What ingest and the status engine leave in the database, at a steady rate: the live feed does not
 * read the bus, it listens to what the database's triggers announce when terminal_state positions
 * and status_transitions change (platform/api/src/live/live-feed.ts), so this writes exactly those
 * rows — a position update stamped now() for a batch of terminals every 250 ms, and status
 * transitions.
 */
export class Publisher {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private readonly result: PublisherResult = { positions: 0, transitions: 0, lateTicks: 0 };
  private next = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PublisherOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), 250);
  }

  private take(count: number): string[] {
    const { phones } = this.options;
    const out: string[] = [];
    for (let i = 0; i < count && phones.length > 0; i++) {
      out.push(phones[this.next]!);
      this.next = (this.next + 7919) % phones.length;
    }
    return out;
  }

  private async tick(): Promise<void> {
    if (this.busy) {
      this.result.lateTicks++;
      return;
    }
    this.busy = true;
    try {
      const positions = this.take(Math.round(this.options.positionsPerSecond / 4));
      if (positions.length > 0) {
        await this.pool.query(
          `UPDATE terminal_state SET latitude = latitude + 0.0001, longitude = longitude + 0.0001,
                  last_fix_time = now(), last_fix_received_at = now(), last_seen_at = now(), updated_at = now()
            WHERE phone = ANY ($1::text[])`,
          [positions],
        );
        this.result.positions += positions.length;
      }
      const transitions = this.take(Math.round(this.options.transitionsPerSecond / 4));
      if (transitions.length > 0) {
        await this.pool.query(
          `INSERT INTO status_transitions (phone, at, from_status, to_status, reasons)
           SELECT phone, now(), 'online', 'faulty', '{no-fix}' FROM unnest($1::text[]) AS phone`,
          [transitions],
        );
        this.result.transitions += transitions.length;
      }
    } finally {
      this.busy = false;
    }
  }

  async stop(): Promise<PublisherResult> {
    clearInterval(this.timer);
    while (this.busy) await new Promise((resolve) => setTimeout(resolve, 10));
    return { ...this.result };
  }
}
