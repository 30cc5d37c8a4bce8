/**
 * Looks keys up in batches: keys asked for while the connections are busy wait and go together in
 * the next query, so a sign-in storm costs the database one statement per few hundred terminals
 * instead of one per terminal, and a quiet gateway still answers within one event-loop turn.
 */
export class BatchedLookup<V> {
  /** Keys not yet sent, each with everyone waiting for it (one terminal may ask twice). */
  private waiting = new Map<string, Waiter<V>[]>();
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly fetch: (keys: string[]) => Promise<Map<string, V>>,
    private readonly maxBatch: number,
    private readonly maxConcurrent: number,
  ) {}

  get(key: string): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      this.schedule();
    });
  }

  /** Sends on the next turn, so everything asked for in this one goes in the same query. */
  private schedule(): void {
    if (this.scheduled || this.running >= this.maxConcurrent) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
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
