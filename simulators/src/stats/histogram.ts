/**
 * An HdrHistogram-like histogram of non-negative integers (here: microseconds) in fixed log-linear
 * buckets: exact below 128, then 64 buckets per power of two (about 1.6% relative precision) up to
 * 2^31. Memory is a fixed 13 KB whatever the number of samples; histograms merge by adding counts.
 */
const SUB_BUCKET_BITS = 7;
const LINEAR = 1 << SUB_BUCKET_BITS;
const HALF = LINEAR >> 1;
const HIGHEST_TRACKABLE = 2 ** 31 - 1;
export const BUCKET_COUNT = LINEAR + (31 - SUB_BUCKET_BITS) * HALF;

/** The serializable form, for sending between processes: only non-empty buckets, as [index, count] pairs. */
export interface HistogramSnapshot {
  count: number;
  min: number;
  max: number;
  sum: number;
  buckets: [number, number][];
}

export function bucketOf(value: number): number {
  if (value < LINEAR) return value;
  const magnitude = 31 - Math.clz32(value);
  const shift = magnitude - (SUB_BUCKET_BITS - 1);
  return LINEAR + (shift - 1) * HALF + ((value >>> shift) - HALF);
}

/** Smallest value that lands in `bucket`. */
export function bucketLow(bucket: number): number {
  if (bucket < LINEAR) return bucket;
  const k = bucket - LINEAR;
  const shift = Math.floor(k / HALF) + 1;
  return ((k % HALF) + HALF) * 2 ** shift;
}

/** Largest value that lands in `bucket`. */
export function bucketHigh(bucket: number): number {
  return bucket + 1 < BUCKET_COUNT ? bucketLow(bucket + 1) - 1 : HIGHEST_TRACKABLE;
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKET_COUNT);
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;
  sum = 0;

  /** Records one value; fractions are rounded, negatives count as 0, huge values as 2^31-1. */
  record(value: number): void {
    const v = Math.min(Math.max(Math.round(value), 0), HIGHEST_TRACKABLE);
    this.counts[bucketOf(v)]!++;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /**
   * The value at or below which `percentile` % of the samples lie, reported as the highest value of
   * its bucket (never above the largest sample); 0 when empty.
   */
  valueAtPercentile(percentile: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((Math.min(Math.max(percentile, 0), 100) / 100) * this.count));
    let seen = 0;
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket++) {
      seen += this.counts[bucket]!;
      if (seen >= rank) return Math.max(Math.min(bucketHigh(bucket), this.max), this.min);
    }
    return this.max;
  }

  get mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  add(other: Histogram | HistogramSnapshot): void {
    const snapshot = other instanceof Histogram ? other.snapshot() : other;
    for (const [bucket, count] of snapshot.buckets) this.counts[bucket]! += count;
    this.count += snapshot.count;
    this.sum += snapshot.sum;
    if (snapshot.count > 0) {
      this.min = Math.min(this.min, snapshot.min);
      this.max = Math.max(this.max, snapshot.max);
    }
  }

  snapshot(): HistogramSnapshot {
    const buckets: [number, number][] = [];
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket++) {
      const count = this.counts[bucket]!;
      if (count > 0) buckets.push([bucket, count]);
    }
    return { count: this.count, min: this.count > 0 ? this.min : 0, max: this.max, sum: this.sum, buckets };
  }

  static from(snapshot: HistogramSnapshot): Histogram {
    const histogram = new Histogram();
    histogram.add(snapshot);
    return histogram;
  }

  /**
   * Samples recorded since `earlier` (a snapshot of this same histogram taken before). Min and max
   * of the difference are bounded by bucket edges, which is what percentiles of it need.
   */
  since(earlier: HistogramSnapshot): Histogram {
    const difference = new Histogram();
    const previous = new Float64Array(BUCKET_COUNT);
    for (const [bucket, count] of earlier.buckets) previous[bucket] = count;
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket++) {
      const count = this.counts[bucket]! - previous[bucket]!;
      if (count <= 0) continue;
      difference.counts[bucket] = count;
      difference.count += count;
      difference.min = Math.min(difference.min, Math.max(bucketLow(bucket), this.min));
      difference.max = Math.max(difference.max, Math.min(bucketHigh(bucket), this.max));
    }
    difference.sum = this.sum - earlier.sum;
    return difference;
  }
}
