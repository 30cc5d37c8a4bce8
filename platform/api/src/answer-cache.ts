interface Entry<T> {
  expires: number;
  /** Past `expires` and before this, the answer is still given while a new one is computed. */
  staleUntil: number;
  value: Promise<T>;
  /** The answer once computed. */
  settled?: { value: T };
  /** A computation of the next answer under way. */
  refreshing?: boolean;
}

/** An expired answer is still given, while one computation replaces it, for this many times its time to live. */
const STALE_TTLS = 4;

/**
 * Answers kept for a short while by key, for what every operator's dashboard polls every few
 * seconds: the period aggregates (KPIs, hourly series), which change by the minute at most while
 * one computation reads a whole center's terminals or period of rollups and fixes
 * (bench/RESULTS.md, "API"). Concurrent requests for the same key share one computation; a failed
 * one is not kept. Once a key has an answer, no request waits for it again: an expired answer is
 * given while one background computation replaces it (stale-while-revalidate), so a poll never
 * holds a database connection for seconds. The key must hold everything the answer depends on, the
 * user's scope first.
 */
export class AnswerCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly maxEntries = 1000) {}

  get(key: string, ttlMs: number, compute: () => Promise<T>, now = Date.now()): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    if (ttlMs <= 0) return compute();
    if (hit?.settled && hit.staleUntil > now) {
      if (!hit.refreshing) {
        hit.refreshing = true;
        // A failed refresh keeps the stale answer (until it is too old) and is tried again next time.
        this.compute(key, ttlMs, compute, now, true)
          .catch(() => undefined)
          .finally(() => {
            hit.refreshing = false;
          });
      }
      return Promise.resolve(hit.settled.value);
    }
    return this.compute(key, ttlMs, compute, now);
  }

  private compute(
    key: string,
    ttlMs: number,
    compute: () => Promise<T>,
    now: number,
    refresh = false,
  ): Promise<T> {
    this.makeRoom(now);
    const value = compute();
    const entry: Entry<T> = { expires: now + ttlMs, staleUntil: now + (1 + STALE_TTLS) * ttlMs, value };
    // While a refresh runs the stale entry keeps answering; the new one takes over when it is done.
    if (!refresh) this.entries.set(key, entry);
    value.then(
      (answer) => {
        entry.settled = { value: answer };
        this.entries.set(key, entry);
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
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
  /**
   * Aggregates over a period that is still filling (it ended less than an hour ago), at least; a
   * long period is kept for 1 % of its length, up to `closedPeriodMs` (periodTtlMs).
   */
  openPeriodMs: number;
  /** Aggregates over a period that ended over an hour ago: only late fixes still change them. */
  closedPeriodMs: number;
}

export const DEFAULT_CACHE_POLICY: CachePolicy = {
  currentMs: 10_000,
  openPeriodMs: 60_000,
  closedPeriodMs: 600_000,
};

/**
 * How long an aggregate over [from, to) is kept. A period still filling changes with every fix,
 * but a rate over eight days moves by at most about 1 % in 1 % of that (under two hours): the
 * dashboard's default KPIs, recomputed every minute for 60 centers, kept the database busy for more
 * than a core on their own (bench/RESULTS.md, "API"), so they are kept for 1 % of the period,
 * between `openPeriodMs` and `closedPeriodMs` (60 s for an hour's chart, 10 min for a day or more).
 */
export function periodTtlMs(policy: CachePolicy, from: string, to: string, now = Date.now()): number {
  const end = Date.parse(to);
  if (end <= now - 3_600_000) return policy.closedPeriodMs;
  const onePercent = (end - Date.parse(from)) / 100;
  return Math.min(policy.closedPeriodMs, Math.max(policy.openPeriodMs, onePercent));
}
