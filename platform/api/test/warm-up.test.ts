import { afterEach, describe, expect, it, vi } from 'vitest';
import { WarmUpSchedule } from '../src/warm-up.js';

describe('the warm-up schedule', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("computes the dashboard's periods at the start and their successors ahead of each rollover, once", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-07T10:56:30Z'));
    const warmedAt: string[] = [];
    const schedule = new WarmUpSchedule(
      [async (nowMs) => void warmedAt.push(new Date(nowMs).toISOString())],
      (e) => {
        throw e;
      },
    );
    await schedule.start();
    expect(warmedAt).toEqual(['2026-12-07T10:56:30.000Z']);
    // 10:57:30: the chart's period (to the next full hour) rolls over in more than two minutes.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(warmedAt).toHaveLength(1);
    // 10:58:30: two minutes ahead is past 11:00, the next period is computed now.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(warmedAt).toEqual(['2026-12-07T10:56:30.000Z', '2026-12-07T11:00:30.000Z']);
    // and only once.
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(warmedAt).toHaveLength(2);
    // Hours later, before China's midnight (16:00 UTC, the KPIs' days roll over with the hour):
    // 15:58:30 computes 16:00:30's periods.
    vi.setSystemTime(new Date('2026-12-07T15:57:30Z'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(warmedAt.at(-1)).toBe('2026-12-07T16:00:30.000Z');
    schedule.stop();
  });
});
