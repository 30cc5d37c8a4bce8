import { describe, expect, it } from 'vitest';
import { Random } from '../src/fleet/random.js';
import { Histogram, mergeSnapshots, summarize } from '../src/index.js';
import { FleetStats } from '../src/stats/fleet-stats.js';
import { BUCKET_COUNT, bucketHigh, bucketLow, bucketOf } from '../src/stats/histogram.js';

function exactPercentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe('the latency histogram', () => {
  it('has buckets that tile the range without gaps, each within 1.6% of its values', () => {
    for (let bucket = 1; bucket < BUCKET_COUNT; bucket++) {
      expect(bucketLow(bucket)).toBe(bucketHigh(bucket - 1) + 1);
      expect(bucketOf(bucketLow(bucket))).toBe(bucket);
      expect(bucketOf(bucketHigh(bucket))).toBe(bucket);
      expect((bucketHigh(bucket) - bucketLow(bucket)) / bucketLow(bucket)).toBeLessThan(1 / 63);
    }
    expect(bucketHigh(BUCKET_COUNT - 1)).toBe(2 ** 31 - 1);
  });

  it('gives percentiles within bucket precision of the exact ones', () => {
    const random = new Random(3);
    const histogram = new Histogram();
    const values: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      // Long-tailed, like latencies: mostly ~1 ms, some up to seconds (in µs).
      const value = Math.round(Math.exp(random.between(4, 15)));
      values.push(value);
      histogram.record(value);
    }
    values.sort((a, b) => a - b);
    for (const p of [1, 50, 90, 99, 99.9, 100]) {
      const exact = exactPercentile(values, p);
      const estimate = histogram.valueAtPercentile(p);
      expect(estimate).toBeGreaterThanOrEqual(exact);
      expect(estimate).toBeLessThanOrEqual(exact * 1.016 + 1);
    }
    expect(histogram.count).toBe(100_000);
    expect(histogram.min).toBe(values[0]);
    expect(histogram.max).toBe(values.at(-1));
  });

  it('is exact for small values and clamps the impossible ones', () => {
    const histogram = new Histogram();
    for (const value of [3, 3, 7, 120, -5, 2 ** 40]) histogram.record(value);
    expect(histogram.valueAtPercentile(50)).toBe(3);
    expect(histogram.valueAtPercentile(60)).toBe(7);
    expect(histogram.min).toBe(0);
    expect(histogram.max).toBe(2 ** 31 - 1);
    expect(new Histogram().valueAtPercentile(99)).toBe(0);
  });

  it('adds up across processes and tells the last interval apart', () => {
    const a = new Histogram();
    const b = new Histogram();
    const both = new Histogram();
    for (let i = 1; i <= 1000; i++) {
      (i % 2 ? a : b).record(i * 10);
      both.record(i * 10);
    }
    const merged = Histogram.from(a.snapshot());
    merged.add(b.snapshot());
    expect(merged.snapshot()).toEqual(both.snapshot());

    const earlier = both.snapshot();
    for (let i = 0; i < 100; i++) both.record(50_000);
    const recent = both.since(earlier);
    expect(recent.count).toBe(100);
    expect(recent.valueAtPercentile(50)).toBeGreaterThanOrEqual(50_000);
    expect(recent.valueAtPercentile(50)).toBeLessThan(50_000 * 1.016);
  });

  it('summarizes fleet statistics in milliseconds, merged over workers', () => {
    const one = new FleetStats();
    const two = new FleetStats();
    one.counters.acks = 2;
    two.counters.acks = 3;
    one.ackLatency(1.5);
    two.ackLatency(2.5);
    one.error('ack-timeout');
    two.error('ack-timeout');
    two.error('connect:ECONNREFUSED');
    const summary = summarize(mergeSnapshots([one.snapshot(), two.snapshot()]));
    expect(summary.acks).toBe(5);
    expect(summary.errors).toEqual({ 'ack-timeout': 2, 'connect:ECONNREFUSED': 1 });
    expect(summary.ackLatencyMs.count).toBe(2);
    expect(summary.ackLatencyMs.min).toBe(1.5);
    expect(summary.ackLatencyMs.p99).toBeCloseTo(2.5, 1);
  });
});
