import type pg from 'pg';
import { expect } from 'vitest';
import { readTrack, TRACK_SQL } from '../src/storage/track.js';

/**
 * Fixes for the track's tests, the same on both storage paths: one terminal per total, every 30 s
 * from the day's start, written slot by slot across the terminals (arrival order, as ingest does).
 */
export const TRACK_TOTALS = [1, 2, 3, 10, 11, 100, 2880];
const SLOT = 30_000;

export const trackPhone = (k: number) => `1391111${String(k).padStart(4, '0')}`;

/** Fix s of terminal k, as stored (the SQL below computes the same). */
function stored(k: number, s: number) {
  return {
    latitude: 30 + k + s * 0.001,
    longitude: 110 + s * 0.002,
    speed: s % 90,
    direction: (s * 7) % 360,
    alarm: s % 7 === 0 ? '4' : '0',
    quality: s % 5 === 0 ? 1 : 0,
  };
}

export async function insertTrackFixes(pool: pg.Pool, day: Date): Promise<void> {
  await pool.query(
    `INSERT INTO positions (phone, gps_time, received_at, latitude, longitude, speed, direction, alarm, status, quality)
     SELECT '1391111' || lpad((t.k - 1)::text, 4, '0'), $1::timestamptz + s * INTERVAL '30 s', now(),
            30 + (t.k - 1) + s * 0.001, 110 + s * 0.002, s % 90, (s * 7) % 360,
            CASE WHEN s % 7 = 0 THEN 4 ELSE 0 END, 3, CASE WHEN s % 5 = 0 THEN 1 ELSE 0 END
       FROM unnest($2::int[]) WITH ORDINALITY AS t (total, k), generate_series(0, 2879) s
      WHERE s < t.total
      ORDER BY s, t.k`,
    [day.toISOString(), TRACK_TOTALS],
  );
}

/** Asks every terminal's day at several maxPoints and checks the thinning and the values. */
export async function expectThinned(pool: pg.Pool, day: Date): Promise<void> {
  const to = new Date(day.getTime() + 86_400_000).toISOString();
  const slots = async (k: number, maxPoints: number, from = day.toISOString(), until = to) => {
    const points = await readTrack(pool, trackPhone(k), from, until, maxPoints);
    const found = points.map((p) => (p.gpsTime.getTime() - day.getTime()) / SLOT);
    points.forEach((p, n) => {
      const want = stored(k, found[n]!);
      expect(p.latitude).toBeCloseTo(want.latitude, 9);
      expect(p.longitude).toBeCloseTo(want.longitude, 9);
      expect(p).toMatchObject({
        speed: want.speed,
        direction: want.direction,
        alarm: want.alarm,
        quality: want.quality,
      });
    });
    return found;
  };
  for (const [k, total] of TRACK_TOTALS.entries()) {
    for (const maxPoints of [2, 3, 4, 10, 1000, 5000]) {
      const kept = await slots(k, maxPoints);
      const label = `${total} fixes, maxPoints ${maxPoints}`;
      expect(kept, label).toHaveLength(Math.min(total, maxPoints));
      expect(kept[0], label).toBe(0);
      expect(kept.at(-1), label).toBe(total - 1);
      const gaps = kept.slice(1).map((slot, n) => slot - kept[n]!);
      expect(Math.min(...gaps), label).toBeGreaterThanOrEqual(1);
      expect(Math.max(...gaps) - Math.min(...gaps), label).toBeLessThanOrEqual(1);
    }
  }
  const k = (total: number) => TRACK_TOTALS.indexOf(total);
  expect(await slots(k(11), 4)).toEqual([0, 3, 7, 10]);
  expect(await slots(k(10), 4)).toEqual([0, 3, 6, 9]);
  expect(await slots(k(100), 10)).toEqual([0, 11, 22, 33, 44, 55, 66, 77, 88, 99]);
  expect(await slots(k(2880), 1000)).toHaveLength(1000);
  // [from, to): the fix at `to` is not in it.
  const at = (slot: number) => new Date(day.getTime() + slot * SLOT).toISOString();
  expect(await slots(k(100), 10, at(2), at(5))).toEqual([2, 3, 4]);
  expect(await slots(k(100), 2, at(2), at(5))).toEqual([2, 4]);
  expect(await readTrack(pool, '13999999999', day.toISOString(), to, 10)).toEqual([]);
}

/** The relations a day's track of the 2,880-fix terminal scans, from the plan of TRACK_SQL. */
export async function trackScans(pool: pg.Pool, day: Date): Promise<Record<string, unknown>[]> {
  const { rows } = await pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${TRACK_SQL}`, [
    trackPhone(TRACK_TOTALS.indexOf(2880)),
    day.toISOString(),
    new Date(day.getTime() + 86_400_000).toISOString(),
    1000,
  ]);
  const scans: Record<string, unknown>[] = [];
  const walk = (node: Record<string, unknown>) => {
    if (node['Relation Name']) scans.push(node);
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk(rows[0]['QUERY PLAN'][0].Plan);
  return scans;
}
