/**
 * Looks keys up in batches: a key waits up to `gatherMs` for others (or until `maxBatch` are
 * waiting), and keys asked for while the connections are busy go together in the next query. A
 * statement's cost is mostly fixed: sent at the next event-loop turn, the statements of a 100,000
 * sign-in storm carried two phones each, and the database spent 300 µs per sign-in (bench/RESULTS.md,
 * "Sign-in storm"). A few milliseconds of waiting are nothing next to a terminal's answer timeout.
 */
export class BatchedLookup<V> {
  /** Keys not yet sent, each with everyone waiting for it (one terminal may ask twice). */
  private waiting = new Map<string, Waiter<V>[]>();
  private running = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly fetch: (keys: string[]) => Promise<Map<string, V>>,
    private readonly maxBatch: number,
    private readonly maxConcurrent: number,
    private readonly gatherMs = 0,
  ) {}

  get(key: string): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      this.schedule();
    });
  }

  /**
   * Sends once the gather time is up, or at once when a batch is full, so everything asked for
   * meanwhile goes in the same query.
   */
  private schedule(): void {
    if (this.running >= this.maxConcurrent) return;
    const full = this.waiting.size >= this.maxBatch;
    if (this.timer !== undefined) {
      if (!full) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.flush();
      },
      full ? 0 : this.gatherMs,
    );
  }

  private flush(): void {
    while (this.running < this.maxConcurrent && this.waiting.size > 0) {
      const batch = new Map<string, Waiter<V>[]>();
      for (const [key, waiters] of this.waiting) {
        if (batch.size === this.maxBatch) break;
        batch.set(key, waiters);
        this.waiting.delete(key);
      }
      void this.run(batch);
    }
  }

  private async run(batch: Map<string, Waiter<V>[]>): Promise<void> {
    this.running++;
    try {
      const found = await this.fetch([...batch.keys()]);
      for (const [key, waiters] of batch) for (const waiter of waiters) waiter.resolve(found.get(key));
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    } finally {
      this.running--;
      if (this.waiting.size > 0) this.schedule();
    }
  }
}

interface Waiter<V> {
  resolve(value: V | undefined): void;
  reject(error: unknown): void;
}
