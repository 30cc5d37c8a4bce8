import { ensurePartitions, Quality, refreshRollup } from '@jt808/storage';
import { closeAll, storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { sessionCookie } from '@jt808/test-support/session-cookie';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../src/app.js';
import { dashboardPeriods } from '../src/dashboard-periods.js';
import { saveUser } from '../src/users.js';

const HOUR = 3_600_000;

describe.skipIf(!hasPostgres)("the regulator's KPIs (real PostgreSQL)", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: FastifyInstance;
  let cookie: string;
  // A whole hour, so the hourly rollups and the period line up.
  const from = new Date(Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR);
  const to = new Date(from.getTime() + HOUR);

  beforeAll(async () => {
    ({ db, pool } = await storedDatabase('kpis'));
    await ensurePartitions(pool, new Date(), new Date(from.getTime() - 24 * HOUR));
    await pool.query(
      `INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州', '郑州'), (2, 'C2', '洛阳', '洛阳')`,
    );
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A1', 2, 1), (2, '豫A2', 2, 1), (3, '豫C3', 2, 2), (4, '豫C4', 2, 2), (5, '豫A5', 2, 1)`,
    );
    await pool.query(
      `INSERT INTO terminals (phone, vehicle_id) VALUES ('1001', 1), ('1002', 2), ('1003', 3), ('1005', 5)`,
    );
    // Terminal 1001 drives east for the hour, one fix every 30 s (0-119), all qualified, but fixes
    // 60-79 are missing: a 630 s hole whose distance (21 of the 119 steps) counts as incomplete.
    // Every tenth fix had sloppy extras (Quality.ExtrasUnparsed): intact basic data, still qualified.
    const fixes: unknown[][] = [];
    for (let i = 0; i < 120; i++) {
      if (i >= 60 && i < 80) continue;
      const quality = i % 10 === 5 ? Quality.ExtrasUnparsed : 0;
      fixes.push(['1001', new Date(from.getTime() + i * 30_000), 34.7, 113.0 + i * 0.001, quality]);
    }
    // Terminal 1003 stands still; 2 of its 10 fixes break the regulator's rules.
    for (let i = 0; i < 10; i++)
      fixes.push(['1003', new Date(from.getTime() + i * 60_000), 34.6, 112.4, i < 2 ? 4 : 0]);
    // Terminal 1005 is heard from and judged drifting, but none of its 3 fixes is qualified: not
    // networked, so neither online nor drifting (it was once online without being networked: 上线率
    // over 100 %).
    for (let i = 0; i < 3; i++)
      fixes.push(['1005', new Date(from.getTime() + i * 60_000), 34.6, 112.4, Quality.SpeedOutOfRange]);
    for (const [phone, time, lat, lon, quality] of fixes) {
      await pool.query(
        `INSERT INTO positions (phone, gps_time, received_at, latitude, longitude, alarm, status, quality) VALUES ($1, $2, $2, $3, $4, 0, 3, $5)`,
        [phone, time, lat, lon, quality],
      );
    }
    await pool.query(
      `INSERT INTO terminal_activity_hourly (hour, phone) VALUES ($1, '1001'), ($1, '1003'), ($1, '1005')`,
      [from],
    );
    await pool.query(
      `INSERT INTO status_transitions (phone, at, from_status, to_status, reasons) VALUES ('1003', $1, 'online', 'faulty', '{drift}'), ('1005', $1, 'online', 'faulty', '{drift}')`,
      [new Date(from.getTime() + 10 * 60_000)],
    );
    await refreshRollup(pool, 'partitions', from, to);
    await saveUser(pool, { username: 'admin', password: 'admin-secret', role: 'admin' });
    await saveUser(pool, { username: 'op2', password: 'op2-secret', role: 'operator', centerIds: [2] });
    api = await buildApi({ pool, secureCookies: false });
    const login = (username: string, password: string) => sessionCookie(api, username, password);
    cookie = await login('admin', 'admin-secret');
    cookies.op2 = await login('op2', 'op2-secret');
  }, 60_000);
  const cookies: Record<string, string> = {};
  afterAll(() => closeAll(api, pool, db));

  const period = () =>
    `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;

  it('computes the five rates per center and for the province', async () => {
    const response = await api.inject({ method: 'GET', url: `/api/kpis?${period()}`, headers: { cookie } });
    expect(response.statusCode).toBe(200);
    // Every rate comes with the counts it is the ratio of; the province's are its centers' sums.
    expect(response.json().kpis).toEqual([
      {
        center: 1,
        vehicles: 3,
        networkedRate: 0.3333,
        onlineRate: 1,
        trackCompleteness: 0.8235,
        dataQualificationRate: 0.9709,
        driftRate: 0,
        counts: {
          networked: 1,
          online: 1,
          drifting: 0,
          fixes: 103,
          qualifiedFixes: 100,
          trackKm: 10.879,
          completeTrackKm: 8.959,
        },
      },
      {
        center: 2,
        vehicles: 2,
        networkedRate: 0.5,
        onlineRate: 1,
        trackCompleteness: 0,
        dataQualificationRate: 0.8,
        driftRate: 1,
        counts: {
          networked: 1,
          online: 1,
          drifting: 1,
          fixes: 10,
          qualifiedFixes: 8,
          trackKm: 0,
          completeTrackKm: 0,
        },
      },
      {
        center: 'province',
        vehicles: 5,
        networkedRate: 0.4,
        onlineRate: 1,
        trackCompleteness: 0.8235,
        dataQualificationRate: 0.9558,
        driftRate: 0.5,
        counts: {
          networked: 2,
          online: 2,
          drifting: 1,
          fixes: 113,
          qualifiedFixes: 108,
          trackKm: 10.879,
          completeTrackKm: 8.959,
        },
      },
    ]);
  });

  it('serves the hourly series per center for charts', async () => {
    const response = await api.inject({
      method: 'GET',
      url: `/api/centers/hourly?${period()}`,
      headers: { cookie: cookies.op2! },
    });
    expect(response.json()).toEqual([
      {
        centerId: 2,
        hour: from.toISOString(),
        vehiclesOnline: 1,
        vehiclesReporting: 1,
        fixes: 10,
        unqualifiedFixes: 2,
        vehicles: 2,
        onlineRate: 0.5,
      },
    ]);
  });

  it("answers the dashboard's default KPIs and chart from the warm-up while the fixes are locked away", async () => {
    // A second API that warms up, as the API process does before it listens.
    const warm = await buildApi({ pool, secureCookies: false });
    const locker = await pool.connect();
    try {
      expect(await warm.warmUp()).toBeGreaterThanOrEqual(0);
      const headers = { cookie: await sessionCookie(warm, 'admin', 'admin-secret') };
      const { kpis, hourly } = dashboardPeriods(Date.now());
      const query = (p: { from: string; to: string }) =>
        `from=${encodeURIComponent(p.from)}&to=${encodeURIComponent(p.to)}`;
      // Nothing can read what the KPIs and the chart are computed from until the lock goes.
      await locker.query('BEGIN');
      await locker.query(
        'LOCK TABLE positions, positions_hourly, terminal_activity_hourly, status_transitions IN ACCESS EXCLUSIVE MODE',
      );
      const cold = warm.inject({ method: 'GET', url: `/api/kpis?${period()}`, headers });
      let coldAnswered = false;
      void cold.then(() => {
        coldAnswered = true;
      });
      const [warmKpis, warmChart] = await Promise.all([
        warm.inject({ method: 'GET', url: `/api/kpis?${query(kpis)}`, headers }),
        warm.inject({ method: 'GET', url: `/api/centers/hourly?${query(hourly)}`, headers }),
      ]);
      expect(warmKpis.statusCode).toBe(200);
      expect(warmKpis.json().kpis.at(-1)).toMatchObject({
        center: 'province',
        vehicles: 5,
        networkedRate: 0.4,
      });
      expect(warmChart.statusCode).toBe(200);
      expect(warmChart.json().length).toBeGreaterThan(0);
      // The period nobody warmed waits for the database.
      expect(coldAnswered).toBe(false);
      await locker.query('ROLLBACK');
      expect((await cold).statusCode).toBe(200);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      locker.release();
      await warm.close();
    }
  });

  it('exports CSV and keeps an operator to the own center', async () => {
    const csv = await api.inject({
      method: 'GET',
      url: `/api/kpis?${period()}&format=csv`,
      headers: { cookie: cookies.op2! },
    });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.replace('\uFEFF', '').trim().split('\r\n');
    expect(lines[0]).toBe(
      'center,vehicles,入网率,上线率,轨迹完整率,数据合格率,卫星定位漂移率,networked,online,drifting,fixes,qualifiedFixes,trackKm,completeTrackKm',
    );
    expect(lines.slice(1)).toEqual([
      '2,2,0.5,1,0,0.8,1,1,1,1,10,8,0,0',
      'province,2,0.5,1,0,0.8,1,1,1,1,10,8,0,0',
    ]);
  });
});
