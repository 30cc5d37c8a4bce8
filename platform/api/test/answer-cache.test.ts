import { describe, expect, it } from 'vitest';
import { AnswerCache, DEFAULT_CACHE_POLICY, periodTtlMs } from '../src/answer-cache.js';

describe('answer cache', () => {
  it('shares one computation between concurrent requests and keeps it until it expires', async () => {
    const cache = new AnswerCache<number>();
    let computed = 0;
    const compute = async () => ++computed;
    const [a, b] = await Promise.all([cache.get('k', 1000, compute, 0), cache.get('k', 1000, compute, 10)]);
    expect([a, b, computed]).toEqual([1, 1, 1]);
    expect(await cache.get('k', 1000, compute, 999)).toBe(1);
    expect(await cache.get('other', 1000, compute, 1000)).toBe(2);
  });

  it('gives an expired answer at once while one computation replaces it, until it is too old', async () => {
    const cache = new AnswerCache<number>();
    let computed = 0;
    let release = () => {};
    const slow = () =>
      new Promise<number>((resolve) => {
        computed++;
        release = () => resolve(computed);
      });
    const first = cache.get('k', 1000, slow, 0);
    release();
    expect(await first).toBe(1);
    // Expired: the old answer now, and one refresh for any number of requests.
    expect(await cache.get('k', 1000, slow, 1500)).toBe(1);
    expect(await cache.get('k', 1000, slow, 1600)).toBe(1);
    expect(computed).toBe(2);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.get('k', 1000, slow, 1700)).toBe(2);
    // A failed refresh keeps the old answer, and the next request tries again.
    expect(await cache.get('k', 1000, () => Promise.reject(new Error('db down')), 2600)).toBe(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.get('k', 1000, async () => 9, 2700)).toBe(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.get('k', 1000, async () => 10, 2800)).toBe(9);
    // Older than four times its time to live past expiry: computed again, and waited for.
    expect(await cache.get('k', 1000, async () => 11, 2700 + 5000)).toBe(11);
  });

  it('does not keep failures, nor anything with a time to live of 0', async () => {
    const cache = new AnswerCache<number>();
    await expect(cache.get('k', 1000, () => Promise.reject(new Error('db down')), 0)).rejects.toThrow(
      'db down',
    );
    expect(await cache.get('k', 1000, async () => 7, 1)).toBe(7);
    let computed = 0;
    await cache.get('z', 0, async () => ++computed, 0);
    await cache.get('z', 0, async () => ++computed, 0);
    expect(computed).toBe(2);
  });

  it('stays within its size, dropping expired answers first, then the oldest', async () => {
    const cache = new AnswerCache<string>(2);
    await cache.get('a', 10, async () => 'a', 0);
    await cache.get('b', 1000, async () => 'b', 0);
    await cache.get('c', 1000, async () => 'c', 20); // 'a' expired: dropped
    expect(await cache.get('b', 1000, async () => 'b again', 30)).toBe('b');
    await cache.get('d', 1000, async () => 'd', 40); // full of live answers: the oldest ('b') goes
    expect(await cache.get('b', 1000, async () => 'b again', 50)).toBe('b again');
  });

  it('keeps a closed period longer than one still filling, and a long filling period 1 % of its length', () => {
    const now = Date.parse('2026-12-03T12:00:00Z');
    const ttl = (from: string, to: string) => periodTtlMs(DEFAULT_CACHE_POLICY, from, to, now);
    expect(ttl('2026-12-02T00:00:00Z', '2026-12-03T00:00:00Z')).toBe(600_000);
    // The chart's last 24 hours: 14.4 min would be 1 %, capped at a closed period's 10 min.
    expect(ttl('2026-12-02T12:00:00Z', '2026-12-03T12:00:00Z')).toBe(600_000);
    // Two hours: 72 s.
    expect(ttl('2026-12-03T10:30:00Z', '2026-12-03T12:30:00Z')).toBe(72_000);
    // Half an hour: at least 60 s.
    expect(ttl('2026-12-03T11:00:00Z', '2026-12-03T11:30:00Z')).toBe(60_000);
    // Caching off stays off.
    expect(
      periodTtlMs({ currentMs: 0, openPeriodMs: 0, closedPeriodMs: 0 }, '2026-12-01', '2026-12-09', now),
    ).toBe(0);
  });
});
