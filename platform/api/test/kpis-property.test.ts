import { ensurePartitions, Quality, refreshRollup } from '@jt808/storage';
import { closeAll, storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { sessionCookie } from '@jt808/test-support/session-cookie';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../src/app.js';
import type { Kpi } from '../src/kpi-figures.js';
import { saveUser } from '../src/users.js';

const HOUR = 3_600_000;
const S = 1000;
/** Histories span [BASE - 3 h, BASE + 9 h); periods start within it. */
const BASE = Math.floor(Date.now() / HOUR) * HOUR - 12 * HOUR;
const CENTERS = [1, 2, 3];

/** A fix's quality: two qualified kinds (clean, sloppy extras) and two that break the rules. */
const QUALITIES = [0, Quality.ExtrasUnparsed, Quality.SpeedOutOfRange, Quality.TimeMissing];
const qualified = (quality: number) => quality === 0 || quality === Quality.ExtrasUnparsed;

const second = fc.integer({ min: -3 * 3600, max: 9 * 3600 - 1 });
const vehicleArb = fc.record({
  center: fc.constantFrom(...CENTERS),
  hasTerminal: fc.boolean(),
  fixes: fc.uniqueArray(
    fc.record({
      s: second,
      quality: fc.constantFrom(...QUALITIES),
      // Up to ~5 km from the previous: some segments are jumps, some a crawl.
      dLat: fc.integer({ min: -500, max: 500 }),
      dLon: fc.integer({ min: -500, max: 500 }),
    }),
    { selector: (f) => f.s, maxLength: 12 },
  ),
  heardHours: fc.uniqueArray(fc.integer({ min: -3, max: 8 }), { maxLength: 4 }),
  transitions: fc.array(fc.record({ s: second, drift: fc.boolean() }), { maxLength: 3 }),
});
const historyArb = fc.record({
  vehicles: fc.array(vehicleArb, { maxLength: 14 }),
  fromMinute: fc.integer({ min: -90, max: 360 }),
  spanMinutes: fc.integer({ min: 1, max: 420 }),
  gapSeconds: fc.integer({ min: 10, max: 3600 }),
});
type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;

const hourOf = (ms: number) => Math.floor(ms / HOUR) * HOUR;

/** The integer counts of each center, from the definitions in docs/api.md, in plain code. */
function expectedCounts(history: History, from: number, to: number) {
  const counts = new Map<number, Record<string, number>>();
  history.vehicles.forEach((v) => {
    const c = counts.get(v.center) ?? {
      vehicles: 0,
      networked: 0,
      online: 0,
      drifting: 0,
      fixes: 0,
      qualifiedFixes: 0,
    };
    counts.set(v.center, c);
    c.vehicles!++;
    if (!v.hasTerminal) return;
    const at = (s: number) => BASE + s * S;
    const networked = v.fixes.some((f) => qualified(f.quality) && hourOf(at(f.s)) < to);
    const online =
      networked && v.heardHours.some((h) => BASE + h * HOUR >= hourOf(from) && BASE + h * HOUR < to);
    const drifting = online && v.transitions.some((t) => t.drift && at(t.s) >= from && at(t.s) < to);
    const inPeriod = v.fixes.filter((f) => hourOf(at(f.s)) >= hourOf(from) && hourOf(at(f.s)) < to);
    c.networked! += Number(networked);
    c.online! += Number(online);
    c.drifting! += Number(drifting);
    c.fixes! += inPeriod.length;
    c.qualifiedFixes! += inPeriod.filter((f) => qualified(f.quality)).length;
  });
  return counts;
}

const ratio = (part: number, whole: number) => (whole > 0 ? Number((part / whole).toFixed(4)) : 0);

/**
 * Every KPI over random histories written into PostgreSQL (rosters over three centers, vehicles
 * without terminals, qualified and unqualified fixes, hours heard from and drift judgements in and
 * out of the period, terminals heard from before their first qualified fix), through the real
 * route: each rate lies in [0, 1] and is the ratio of the counts given with it, each numerator is
 * at most its denominator, the province's counts are its centers' sums, and the counts are those
 * of the definitions.
 */
describe.skipIf(!hasPostgres)('KPIs over generated histories (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: FastifyInstance;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    ({ db, pool } = await storedDatabase('kpi_property'));
    await ensurePartitions(pool, new Date(), new Date(BASE - 4 * HOUR));
    await pool.query(
      `INSERT INTO centers (id, code, name, region) SELECT id, 'C' || id, '中心' || id, '河南' FROM unnest($1::int[]) id`,
      [CENTERS],
    );
    await saveUser(pool, { username: 'admin', password: 'admin-secret', role: 'admin' });
    await saveUser(pool, { username: 'op', password: 'op-secret', role: 'operator', centerIds: [2, 3] });
    // No answer cache: every run asks the database again for what may be the same period.
    api = await buildApi({
      pool,
      secureCookies: false,
      cache: { currentMs: 0, openPeriodMs: 0, closedPeriodMs: 0 },
    });
    for (const [username, password] of [
      ['admin', 'admin-secret'],
      ['op', 'op-secret'],
    ] as const) {
      cookies[username] = await sessionCookie(api, username, password);
    }
  }, 60_000);
  afterAll(() => closeAll(api, pool, db));

  async function write(history: History): Promise<void> {
    await pool.query(
      'TRUNCATE vehicles, terminals, positions, positions_hourly, terminal_activity_hourly, status_transitions CASCADE',
    );
    const vehicles = history.vehicles.map((v, i) => ({ ...v, id: i + 1, phone: String(1001 + i) }));
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id)
       SELECT id, '豫T' || id, 2, center FROM unnest($1::int[], $2::int[]) AS v(id, center)`,
      [vehicles.map((v) => v.id), vehicles.map((v) => v.center)],
    );
    const fitted = vehicles.filter((v) => v.hasTerminal);
    await pool.query(
      'INSERT INTO terminals (phone, vehicle_id) SELECT * FROM unnest($1::text[], $2::int[])',
      [fitted.map((v) => v.phone), fitted.map((v) => v.id)],
    );
    // Vehicles without a terminal keep their history under a phone the roster does not have: it
    // must count nowhere.
    const histories = vehicles;
    const fixes = histories.flatMap((v) => {
      let lat = 34.7;
      let lon = 113.6;
      return [...v.fixes]
        .sort((a, b) => a.s - b.s)
        .map((f) => {
          lat += f.dLat * 1e-4;
          lon += f.dLon * 1e-4;
          return { phone: v.phone, at: new Date(BASE + f.s * S), lat, lon, quality: f.quality };
        });
    });
    await pool.query(
      `INSERT INTO positions (phone, gps_time, received_at, latitude, longitude, alarm, status, quality)
       SELECT phone, at, at, lat, lon, 0, 3, quality
         FROM unnest($1::text[], $2::timestamptz[], $3::float8[], $4::float8[], $5::int[]) AS f(phone, at, lat, lon, quality)`,
      ['phone', 'at', 'lat', 'lon', 'quality'].map((k) => fixes.map((f) => f[k as keyof typeof f])),
    );
    const heard = histories.flatMap((v) => v.heardHours.map((h) => [v.phone, new Date(BASE + h * HOUR)]));
    await pool.query(
      'INSERT INTO terminal_activity_hourly (phone, hour) SELECT * FROM unnest($1::text[], $2::timestamptz[])',
      [heard.map(([phone]) => phone), heard.map(([, hour]) => hour)],
    );
    const judged = histories.flatMap((v) =>
      v.transitions.map((t) => [v.phone, new Date(BASE + t.s * S), t.drift ? '{drift}' : '{power-cut}']),
    );
    await pool.query(
      `INSERT INTO status_transitions (phone, at, from_status, to_status, reasons)
       SELECT phone, at, 'online', 'faulty', reasons::text[] FROM unnest($1::text[], $2::timestamptz[], $3::text[]) AS t(phone, at, reasons)`,
      [0, 1, 2].map((k) => judged.map((row) => row[k])),
    );
    await refreshRollup(pool, 'partitions', new Date(BASE - 3 * HOUR), new Date(BASE + 9 * HOUR));
  }

  async function kpis(user: string, from: number, to: number, gapSeconds: number): Promise<Kpi[]> {
    const period = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    const response = await api.inject({
      method: 'GET',
      url: `/api/kpis?${period}&gapSeconds=${gapSeconds}`,
      headers: { cookie: cookies[user]! },
    });
    expect(response.statusCode).toBe(200);
    return response.json().kpis;
  }

  function expectConsistent(rows: Kpi[]): void {
    for (const k of rows) {
      const { counts } = k;
      for (const rate of [
        k.networkedRate,
        k.onlineRate,
        k.trackCompleteness,
        k.dataQualificationRate,
        k.driftRate,
      ]) {
        expect(rate).toBeGreaterThanOrEqual(0);
        expect(rate).toBeLessThanOrEqual(1);
      }
      expect(counts.networked).toBeLessThanOrEqual(k.vehicles);
      expect(counts.online).toBeLessThanOrEqual(counts.networked);
      expect(counts.drifting).toBeLessThanOrEqual(counts.online);
      expect(counts.qualifiedFixes).toBeLessThanOrEqual(counts.fixes);
      expect(counts.completeTrackKm).toBeLessThanOrEqual(counts.trackKm);
      expect(k).toMatchObject({
        networkedRate: ratio(counts.networked, k.vehicles),
        onlineRate: ratio(counts.online, counts.networked),
        trackCompleteness: ratio(counts.completeTrackKm, counts.trackKm),
        dataQualificationRate: ratio(counts.qualifiedFixes, counts.fixes),
        driftRate: ratio(counts.drifting, counts.online),
      });
    }
    const centers = rows.filter((k) => k.center !== 'province');
    const province = rows.find((k) => k.center === 'province')!;
    const sum = (pick: (k: Kpi) => number) => centers.reduce((total, k) => total + pick(k), 0);
    expect(province.vehicles).toBe(sum((k) => k.vehicles));
    for (const name of Object.keys(province.counts) as (keyof Kpi['counts'])[])
      expect(province.counts[name], name).toBe(Number(sum((k) => k.counts[name]).toFixed(3)));
  }

  it('keeps every rate in [0, 1], each the ratio of its counts, the province the sum of its centers', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async (history) => {
        await write(history);
        const from = BASE + history.fromMinute * 60 * S;
        const to = from + history.spanMinutes * 60 * S;
        const all = await kpis('admin', from, to, history.gapSeconds);
        expectConsistent(all);
        const expected = expectedCounts(history, from, to);
        expect(all.map((k) => k.center)).toEqual([...[...expected.keys()].sort((a, b) => a - b), 'province']);
        for (const k of all.filter((row) => row.center !== 'province')) {
          const { trackKm, completeTrackKm, ...counts } = k.counts;
          expect({ vehicles: k.vehicles, ...counts }, `center ${k.center}`).toEqual(
            expected.get(k.center as number),
          );
        }
        // An operator of two centers sees those centers' rows, and a province of their sums.
        const scoped = await kpis('op', from, to, history.gapSeconds);
        expectConsistent(scoped);
        expect(scoped.filter((k) => k.center !== 'province')).toEqual(
          all.filter((k) => k.center === 2 || k.center === 3),
        );
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});
