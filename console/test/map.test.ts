import { rmSync } from 'node:fs';
import { buildApi, saveUser } from '@jt808/api';
import { ensureStorage, migrate } from '@jt808/storage';
import { browserMissing, launchBrowser, newPage, screenshot, signIn } from '@jt808/test-support/browser';
import { freshDatabase, hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_CODE } from '../src/map/map-status.js';
import { buildConsole } from './stack.js';

/**
 * The live fleet map in chromium against the real API and a fresh database: a fleet of 5,000
 * vehicles over two centers, big enough that the province view is clustered.
 */
const CENTERS = [
  { id: 1, name: '郑州监控中心', lat: 34.75, lon: 113.65, vehicles: 3500 },
  { id: 2, name: '洛阳监控中心', lat: 34.62, lon: 112.45, vehicles: 1500 },
];
const FLEET = CENTERS.reduce((sum, c) => sum + c.vehicles, 0);
/** Vehicle 1 stands alone far from both centers, so a close view shows it by itself. */
const LONE = { id: 1, lat: 33.0, lon: 114.6, plate: '豫A00001' };
const USERS = {
  admin: { username: 'admin', password: 'admin-secret' },
  operator: { username: 'op1', password: 'op1-secret' },
};

describe.skipIf(!hasPostgres || browserMissing !== undefined)('the fleet map in chromium', () => {
  let consoleDir: string;
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: FastifyInstance;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    consoleDir = await buildConsole();
    db = await freshDatabase('map');
    await migrate(db.url);
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await ensureStorage(pool, { retentionDays: 180, allowTimescale: false });
    await seed(pool);
    await saveUser(pool, { ...USERS.admin, role: 'admin' });
    await saveUser(pool, { ...USERS.operator, role: 'operator', centerIds: [1] });
    api = await buildApi({ pool, secureCookies: false, liveIntervalMs: 200, consoleDir });
    await api.listen({ port: 0, host: '127.0.0.1' });
    const address = api.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchBrowser({ webgl: true });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await pool?.end();
    await db?.drop();
    if (consoleDir) rmSync(consoleDir, { recursive: true, force: true });
  });

  /** A signed-in page showing the map at `view` (`@lat,lon,zoom`) or the whole province. */
  async function openMap(user: { username: string; password: string }, view = ''): Promise<Page> {
    const page = await newPage(browser);
    await signIn(page, url, user);
    await page.goto(`${url}/#/map${view ? `/${view}` : ''}`);
    await page.reload();
    await page.getByTestId('fleet-map').waitFor();
    await expect.poll(() => frames(page), { timeout: 30_000 }).toBeGreaterThan(0);
    return page;
  }

  it('shows every vehicle in scope: the clusters and single vehicles add up to the fleet', async () => {
    const page = await openMap(USERS.admin);
    await expect.poll(() => legendCount(page, 'map-in-scope'), { timeout: 20_000 }).toBe(FLEET);
    expect(await legendCount(page, 'map-in-view')).toBe(FLEET);
    expect(await page.locator('.fleet-cluster').count()).toBeGreaterThan(1);
    expect(await clusteredPlusSingle(page)).toBe(FLEET);
    // A vehicle alone in its cell is a small HTML marker while the view is clustered (its coming
    // and going does not redraw the WebGL canvas); a click opens its card.
    expect(await page.locator('.fleet-vehicle').count()).toBe(await drawn(page));
    const lone = page.locator(`.fleet-vehicle[data-vehicle-id="${LONE.id}"]`);
    expect(await lone.getAttribute('data-status')).toBe(String(STATUS_CODE.parked));
    await lone.click();
    const card = page.getByTestId('vehicle-card');
    await card.waitFor({ timeout: 10_000 });
    expect(await card.getByTestId('card-plate').textContent()).toBe(LONE.plate);
    await card.getByRole('button').click();
    // Prefecture names are HTML markers: 18 of them, text without a glyph server.
    expect(await page.locator('.fleet-city').count()).toBe(18);
    await screenshot(page, 'map-admin-province');

    // Filters: one center, then without its faulty vehicles.
    const luoyang = CENTERS[1]!;
    await page.getByTestId('map-center').selectOption(String(luoyang.id));
    await expect.poll(() => legendCount(page, 'map-in-scope'), { timeout: 10_000 }).toBe(luoyang.vehicles);
    expect(await clusteredPlusSingle(page)).toBe(luoyang.vehicles);
    expect(await lone.count()).toBe(0);
    const faulty = await total(page, 'faulty');
    expect(faulty).toBeGreaterThan(0);
    await page.getByTestId('map-status-faulty').uncheck();
    await expect
      .poll(() => legendCount(page, 'map-in-view'), { timeout: 10_000 })
      .toBe(luoyang.vehicles - faulty);
    expect(await clusteredPlusSingle(page)).toBe(luoyang.vehicles - faulty);
  });

  it('applies a status change from the live feed: the counts change without a reload', async () => {
    const page = await openMap(USERS.admin);
    await expect.poll(() => legendCount(page, 'map-in-scope'), { timeout: 20_000 }).toBe(FLEET);
    const faultyBefore = await total(page, 'faulty');
    const offlineBefore = await total(page, 'offline');
    // The benchmark's measure (bench/console-map): each message of deltas, arrival to drawn.
    await page.evaluate(() => {
      const seen: number[] = [];
      (globalThis as unknown as { bursts: number[] }).bursts = seen;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (entry.name === 'fleet:burst') seen.push(entry.duration);
      }).observe({ type: 'measure' });
    });
    // Vehicle 2 is offline (see seed); the status engine judges it faulty.
    await judge(pool, 2, 'offline', 'faulty', ['power-cut']);
    await expect.poll(() => total(page, 'faulty'), { timeout: 10_000 }).toBe(faultyBefore + 1);
    expect(await total(page, 'offline')).toBe(offlineBefore - 1);
    expect(await clusteredPlusSingle(page)).toBe(FLEET);
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as { bursts: number[] }).bursts.length), {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);
    // Marks set every second keep only their newest: an open map does not pile them up.
    const kept = await page.evaluate(() =>
      ['fleet:deltas', 'fleet:frame', 'fleet:drawn', 'fleet:burst'].map(
        (name) => performance.getEntriesByName(name).length,
      ),
    );
    expect(kept).toEqual([1, 1, 1, 0]);
  });

  it('draws a lone vehicle by itself, moves it live, and opens its card on a click', async () => {
    const page = await openMap(USERS.admin, `@${LONE.lat},${LONE.lon},13`);
    await expect.poll(() => drawn(page), { timeout: 20_000 }).toBe(1);
    expect(await legendCount(page, 'map-in-view')).toBe(1);
    const box = (await page.getByTestId('fleet-map').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const card = page.getByTestId('vehicle-card');
    await card.waitFor({ timeout: 10_000 });
    expect(await card.getByTestId('card-plate').textContent()).toBe(LONE.plate);
    expect(await card.getByTestId('card-center').textContent()).toBe('郑州监控中心');
    expect(await card.getByTestId('card-status').getAttribute('data-status')).toBe('parked');
    expect(await card.getByTestId('card-link').getAttribute('href')).toBe('#/vehicles/1');
    await screenshot(page, 'map-vehicle-card');
    // It drives out of the view: the live position takes it off the map.
    await pool.query(
      `UPDATE terminal_state SET latitude = $1, longitude = $2, speed = 50, updated_at = now() WHERE phone = $3`,
      [LONE.lat + 1, LONE.lon, phoneOf(LONE.id)],
    );
    await expect.poll(() => legendCount(page, 'map-in-view'), { timeout: 10_000 }).toBe(0);
    expect(await drawn(page)).toBe(0);
  });

  it("shows an operator their own center's vehicles only", async () => {
    const page = await openMap(USERS.operator);
    const own = CENTERS[0]!.vehicles;
    await expect.poll(() => legendCount(page, 'map-in-scope'), { timeout: 20_000 }).toBe(own);
    expect(await clusteredPlusSingle(page)).toBe(own);
    // The snapshot itself holds only center 1's vehicles.
    const snapshot = await page.evaluate(async () => {
      const bytes = await (await fetch('/api/map/fleet')).arrayBuffer();
      const count = new DataView(bytes).getUint32(4, true);
      const centers = new Uint32Array(bytes, 16 + 12 * count, count);
      return { count, centers: [...new Set(centers)] };
    });
    expect(snapshot).toEqual({ count: own, centers: [1] });
    // Luoyang, where center 2's vehicles are: nothing for this operator.
    const luoyang = await openMap(USERS.operator, `@${CENTERS[1]!.lat},${CENTERS[1]!.lon},10`);
    await expect.poll(() => legendCount(luoyang, 'map-in-scope'), { timeout: 20_000 }).toBe(own);
    expect(await legendCount(luoyang, 'map-in-view')).toBe(0);
    expect(await luoyang.locator('.fleet-cluster').count()).toBe(0);
    await screenshot(page, 'map-operator');
  });
});

const phoneOf = (vehicleId: number): string => `139${String(vehicleId).padStart(8, '0')}`;

/**
 * 5,000 vehicles scattered around their centers with a fixed pseudo-random sequence; every 10th
 * never seen (placed at its center), the others cycling through moving, parked, offline and faulty.
 */
async function seed(pool: pg.Pool): Promise<void> {
  for (const c of CENTERS) {
    await pool.query(
      'INSERT INTO centers (id, code, name, region, latitude, longitude) VALUES ($1, $2, $3, $3, $4, $5)',
      [c.id, `C${c.id}`, c.name, c.lat, c.lon],
    );
  }
  let random = 12345;
  const next = () => {
    random = (random * 1103515245 + 12345) % 2 ** 31;
    return random / 2 ** 31;
  };
  const rows: [number, number, string, number, number, number, string][] = [];
  let id = 0;
  for (const c of CENTERS) {
    for (let i = 0; i < c.vehicles; i++) {
      id++;
      const status = ['online', 'online', 'offline', 'faulty'][id % 4]!;
      const [lat, lon] =
        id === LONE.id ? [LONE.lat, LONE.lon] : [c.lat + (next() - 0.5) * 0.8, c.lon + (next() - 0.5) * 0.8];
      rows.push([
        id,
        c.id,
        phoneOf(id),
        lat,
        lon,
        id === LONE.id || id % 4 === 1 ? 0 : 40,
        id % 10 === 0 && id !== LONE.id ? 'never-seen' : status,
      ]);
    }
  }
  const column = <T>(i: number) => rows.map((row) => row[i] as T);
  await pool.query(
    `INSERT INTO vehicles (id, plate, plate_color, center_id)
     SELECT id, '豫A' || lpad(id::text, 5, '0'), 2, center FROM unnest($1::bigint[], $2::int[]) AS v(id, center)`,
    [column(0), column(1)],
  );
  await pool.query(
    `INSERT INTO terminals (phone, vehicle_id) SELECT * FROM unnest($1::text[], $2::bigint[])`,
    [column(2), column(0)],
  );
  await pool.query(
    `INSERT INTO terminal_state (phone, latitude, longitude, speed, last_fix_time, updated_at)
     SELECT phone, lat, lon, speed, now(), now() - interval '1 hour'
       FROM unnest($1::text[], $2::float8[], $3::float8[], $4::real[], $5::text[]) AS s(phone, lat, lon, speed, status)
      WHERE status <> 'never-seen'`,
    [column(2), column(3), column(4), column(5), column(6)],
  );
  await pool.query(
    `INSERT INTO terminal_status (phone, status, health)
     SELECT phone, status, '{}' FROM unnest($1::text[], $2::text[]) AS s(phone, status)`,
    [column(2), column(6)],
  );
}

/** What the status engine writes when it changes its verdict on a vehicle. */
async function judge(pool: pg.Pool, vehicleId: number, from: string, to: string, reasons: string[]) {
  const phone = phoneOf(vehicleId);
  await pool.query(
    'UPDATE terminal_status SET status = $2, reasons = $3, updated_at = now() WHERE phone = $1',
    [phone, to, reasons],
  );
  await pool.query(
    'INSERT INTO status_transitions (phone, at, from_status, to_status, reasons) VALUES ($1, now(), $2, $3, $4)',
    [phone, from, to, reasons],
  );
}

const frames = async (page: Page) =>
  Number((await page.getByTestId('fleet-map').getAttribute('data-frames')) ?? 0);
const drawn = async (page: Page) =>
  Number((await page.getByTestId('fleet-map').getAttribute('data-drawn')) ?? 0);
const legendCount = async (page: Page, testId: string) =>
  Number(await page.getByTestId(testId).getAttribute('data-count'));
const total = async (page: Page, status: string) =>
  Number(await page.getByTestId(`map-total-${status}`).textContent());

/** The vehicles in cluster markers plus those drawn one by one. */
async function clusteredPlusSingle(page: Page): Promise<number> {
  const clustered = await page
    .locator('.fleet-cluster')
    .evaluateAll((elements) => elements.reduce((sum, e) => sum + Number(e.getAttribute('data-count')), 0));
  return clustered + (await drawn(page));
}
