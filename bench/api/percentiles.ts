export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Exact percentiles (nearest rank) of the recorded values. */
export function summarize(values: number[]): Summary {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

/**
 * Whole milliseconds from 0 to `limitMs` (longer ones count at the limit), counted in buckets: the
 * live clients see 60,000 deltas a second at the fleet's rate, too many to keep for a 30-minute run.
 * Percentiles by nearest rank, as `summarize` gives them.
 */
export class MsHistogram {
  private readonly buckets: Uint32Array;
  private count = 0;
  private max = 0;

  constructor(private readonly limitMs = 600_000) {
    this.buckets = new Uint32Array(limitMs + 1);
  }

  add(ms: number): void {
    const bucket = Math.min(this.limitMs, Math.max(0, Math.round(ms)));
    this.buckets[bucket]!++;
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  summary(): Summary {
    const at = (q: number) => {
      const rank = Math.max(1, Math.ceil(q * this.count));
      let seen = 0;
      for (let ms = 0; ms <= this.limitMs; ms++) {
        seen += this.buckets[ms]!;
        if (seen >= rank) return ms;
      }
      return this.limitMs;
    };
    if (this.count === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };
    return { count: this.count, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: Math.round(this.max) };
  }

  reset(): void {
    this.buckets.fill(0);
    this.count = 0;
    this.max = 0;
  }
}
