/**
 * Answers kept for a short while by key, for what every operator's dashboard polls every few
 * seconds: the centers' counts and the period aggregates (KPIs, hourly series), which change by the
 * minute at most while one computation reads a whole center's terminals or period of rollups and
 * fixes (bench/RESULTS.md, "API"). Concurrent requests for the same key share one computation; a
 * failed one is not kept. The key must hold everything the answer depends on, the user's scope first.
 */
export class AnswerCache<T> {
  private readonly entries = new Map<string, { expires: number; value: Promise<T> }>();

  constructor(private readonly maxEntries = 1000) {}

  get(key: string, ttlMs: number, compute: () => Promise<T>, now = Date.now()): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    if (ttlMs <= 0) return compute();
    this.makeRoom(now);
    const value = compute();
    const entry = { expires: now + ttlMs, value };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  private makeRoom(now: number): void {
    if (this.entries.size < this.maxEntries) return;
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
    // Still full of live answers: drop the oldest (a Map iterates in insertion order).
    const oldest = this.entries.keys().next();
    if (this.entries.size >= this.maxEntries && !oldest.done) this.entries.delete(oldest.value);
  }
}

/** How long answers are kept; all 0 turns the caching off (tests that change data and look again). */
export interface CachePolicy {
  /** Counts of what is true now (centers by status): a dashboard polls them every 10 s. */
  currentMs: number;
  /** Aggregates over a period that is still filling (it ended less than an hour ago). */
  openPeriodMs: number;
  /** Aggregates over a period that ended over an hour ago: only late fixes still change them. */
  closedPeriodMs: number;
}

export const DEFAULT_CACHE_POLICY: CachePolicy = {
  currentMs: 10_000,
  openPeriodMs: 60_000,
  closedPeriodMs: 600_000,
};

export function periodTtlMs(policy: CachePolicy, to: string, now = Date.now()): number {
  return Date.parse(to) <= now - 3_600_000 ? policy.closedPeriodMs : policy.openPeriodMs;
}
