/**
 * The console map with a province-sized fleet in headless chromium (bench/README.md, "Console map"):
 * the console's map (fleet in a worker, clusters per view) against the real API with a seeded
 * roster, and in the same run the baseline: the same fleet as one plain GeoJSON source
 * (baseline.html). For each: time from page load to the map idle, main-thread JS heap, bytes
 * transferred, and the time to apply a burst of position updates.
 *
 *   npm run bench:console-map -w @jt808/bench [-- --vehicles 400000 --centers 60 --burst 13000 --bursts 3 --only console|baseline]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildApi, migrate } from '@jt808/platform';
import pg from 'pg';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { readFleetColumns } from '../../console/src/map/fleet-columns.js';
import { benchArgs } from '../cli.js';
import { createDatabase, databaseUrl, dropDatabase } from '../ingest/db.js';
import { seedFleet } from './seed.js';

const values = benchArgs('bench:console-map', 'the console map against a plain GeoJSON page, in chromium', {
  vehicles: { type: 'string', default: '400000' },
  centers: { type: 'string', default: '60' },
  burst: { type: 'string', default: '13000' },
  bursts: { type: 'string', default: '3' },
  chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  /** `console` or `baseline`: measure one path only. */
  only: { type: 'string' },
  /** How the baseline applies a burst: `setData` (the whole collection) or `updateData` (a diff by id). */
  'baseline-update': { type: 'string', default: 'setData' },
});
const VEHICLES = Number(values.vehicles);
const CENTERS = Number(values.centers);
const BURST = Number(values.burst);
const BURSTS = Number(values.bursts);
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DB_NAME = `jt808_bench_map_${process.pid}`;
const CONSOLE_ROOT = fileURLToPath(new URL('../../console/', import.meta.url));
const HERE = dirname(fileURLToPath(import.meta.url));
const MAPLIBRE_DIST = dirname(createRequire(import.meta.url).resolve('maplibre-gl/dist/maplibre-gl.mjs'));
const ADMIN = { username: 'bench', password: 'bench-secret-1' };

const log = (line: string) => console.error(`[console-map] ${line}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** What the page functions below use of the browser (this file is type-checked without the DOM library). */
interface BrowserGlobals {
  document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };
  bench: { ready: Promise<number>; burst(updates: unknown, mode: string | undefined): Promise<number> };
}

interface PageFigures {
  loadToIdleMs: number;
  /** CPU time of every chromium process from navigation to idle: steadier than wall time on a busy machine. */
  cpuToIdleS: number;
  heapBytes: number;
  /** Browser CPU seconds per burst, from the update until it is drawn. */
  burstCpuS: number[];
  transferredBytes: number;
  burstMs: number[];
}

/** CPU seconds used so far by the chromium processes this run started (descendants of this process, /proc). */
function browserCpuSeconds(): number {
  const stats = new Map<number, { ppid: number; comm: string; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), {
        ppid: Number(fields[1]),
        comm,
        ticks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // The process ended while we looked.
    }
  }
  const ours = (pid: number): boolean => {
    for (let p = stats.get(pid)?.ppid; p !== undefined && p > 1; p = stats.get(p)?.ppid)
      if (p === process.pid) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, stat] of stats) if (/chrom/i.test(stat.comm) && ours(pid)) ticks += stat.ticks;
  return ticks / 100; // USER_HZ
}

/** Where the page's time went: when each resource arrived and each fleet mark was set (runs in the page). */
function timeline(): string {
  const entries = performance
    .getEntries()
    .filter((e) => e.entryType === 'resource' || e.entryType === 'mark');
  return entries
    .map((e) => {
      const end =
        e.entryType === 'resource' ? (e as unknown as { responseEnd: number }).responseEnd : e.startTime;
      return `${e.name.replace(/^https?:\/\/[^/]+/, '')}@${end.toFixed(0)}`;
    })
    .join(' ');
}

/** A fresh browser context (cold cache) that counts every byte it receives, workers included. */
async function countingContext(browser: Browser): Promise<{ context: BrowserContext; bytes: () => number }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  let total = 0;
  context.on('requestfinished', (request) => {
    void request.sizes().then((sizes) => {
      total += sizes.responseBodySize + sizes.responseHeadersSize;
    });
  });
  return { context, bytes: () => total };
}

/** Main-thread JS heap after a full GC (CDP Performance metrics). */
async function heapOf(context: BrowserContext, page: Page): Promise<number> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
}

/** Picks `n` distinct vehicles and where they move to (a few hundred metres on, at 50 km/h). */
function burstOf(
  fleet: ReturnType<typeof readFleetColumns>,
  n: number,
  round: number,
): [number, number, number, number][] {
  const chosen = new Set<number>();
  let x = 7919 * (round + 1);
  while (chosen.size < Math.min(n, fleet.count)) {
    x = (x * 48271) % 2147483647;
    chosen.add(x % fleet.count);
  }
  return [...chosen].map((i) => [
    fleet.ids[i]!,
    fleet.longitudes[i]! / 1e5 + 0.004,
    fleet.latitudes[i]! / 1e5 + 0.003,
    1, // moving
  ]);
}

async function measureConsole(
  browser: Browser,
  url: string,
  pool: pg.Pool,
  bursts: [number, number, number, number][][],
): Promise<PageFigures> {
  const { context, bytes } = await countingContext(browser);
  const signIn = await context.request.post(`${url}/api/login`, { data: ADMIN });
  if (!signIn.ok()) throw new Error(`sign-in failed: ${signIn.status()}`);
  const page = await context.newPage();
  const cpuBefore = browserCpuSeconds();
  await page.goto(`${url}/#/map`);
  // The first frame drawn with the whole fleet counted: the map is usable.
  await page.waitForFunction(
    (n) =>
      Number(
        (globalThis as unknown as BrowserGlobals).document
          .querySelector('[data-testid=map-in-scope]')
          ?.getAttribute('data-count'),
      ) === n && performance.getEntriesByName('fleet:drawn').length > 0,
    VEHICLES,
    { timeout: 120_000, polling: 50 },
  );
  const loadToIdleMs = await page.evaluate(() => performance.getEntriesByName('fleet:drawn')[0]!.startTime);
  const cpuToIdleS = browserCpuSeconds() - cpuBefore;
  log(`console timeline (ms from navigation): ${await page.evaluate(timeline)}`);
  const transferredBytes = bytes();
  const heapBytes = await heapOf(context, page);
  const burstMs: number[] = [];
  const burstCpuS: number[] = [];
  for (const updates of bursts) {
    const before = await page.evaluate(() => performance.getEntriesByName('fleet:deltas').length);
    const cpuAtUpdate = browserCpuSeconds();
    // As ingest writes them: one statement, so the live feed sends the burst in one message.
    await pool.query(
      `UPDATE terminal_state st SET latitude = u.lat, longitude = u.lon, speed = 50, updated_at = now()
         FROM unnest($1::text[], $2::float8[], $3::float8[]) AS u(phone, lat, lon) WHERE st.phone = u.phone`,
      [
        updates.map(([id]) => String(13_800_000_000 + id)),
        updates.map((u) => u[2]),
        updates.map((u) => u[1]),
      ],
    );
    const handle = await page.waitForFunction(
      (n) => {
        const arrived = performance.getEntriesByName('fleet:deltas')[n];
        if (!arrived) return undefined;
        const drawn = performance
          .getEntriesByName('fleet:drawn')
          .find((m) => m.startTime > arrived.startTime);
        return drawn ? drawn.startTime - arrived.startTime : undefined;
      },
      before,
      { timeout: 60_000, polling: 20 },
    );
    burstMs.push((await handle.jsonValue()) as number);
    burstCpuS.push(browserCpuSeconds() - cpuAtUpdate);
  }
  await context.close();
  return { loadToIdleMs, cpuToIdleS, heapBytes, transferredBytes, burstMs, burstCpuS };
}

async function measureBaseline(
  browser: Browser,
  url: string,
  bursts: [number, number, number, number][][],
): Promise<PageFigures> {
  const { context, bytes } = await countingContext(browser);
  const page = await context.newPage();
  const cpuBefore = browserCpuSeconds();
  await page.goto(`${url}/baseline.html`);
  const loadToIdleMs = await page.evaluate(() => (globalThis as unknown as BrowserGlobals).bench.ready);
  const cpuToIdleS = browserCpuSeconds() - cpuBefore;
  const transferredBytes = bytes();
  const heapBytes = await heapOf(context, page);
  const burstMs: number[] = [];
  const burstCpuS: number[] = [];
  // An empty burst first: the page fetches its own copy of the collection for setData (not timed).
  await page.evaluate(([mode]) => (globalThis as unknown as BrowserGlobals).bench.burst([], mode), [
    values['baseline-update'],
  ] as const);
  for (const updates of bursts) {
    const cpuAtUpdate = browserCpuSeconds();
    burstMs.push(
      await page.evaluate(([u, mode]) => (globalThis as unknown as BrowserGlobals).bench.burst(u, mode), [
        updates,
        values['baseline-update'],
      ] as const),
    );
    burstCpuS.push(browserCpuSeconds() - cpuAtUpdate);
  }
  await context.close();
  return { loadToIdleMs, cpuToIdleS, heapBytes, transferredBytes, burstMs, burstCpuS };
}

/** Serves baseline.html, maplibre's files, the basemap and the fleet as GeoJSON (gzip, as a server would). */
function baselineServer(geojson: Buffer): Promise<{ server: Server; url: string }> {
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.mjs': 'text/javascript',
    '.css': 'text/css',
    '.geojson': 'application/geo+json',
  };
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding']));
    let body: Buffer;
    if (path === '/fleet.geojson') body = geojson;
    else if (path === '/baseline.html') body = readFileSync(join(HERE, 'baseline.html'));
    else if (path.startsWith('/maplibre/'))
      body = readFileSync(join(MAPLIBRE_DIST, normalize(path.slice(10)).replace(/^(\.\.[/\\])+/, '')));
    else if (path.startsWith('/basemap/'))
      body = readFileSync(join(CONSOLE_ROOT, 'public', normalize(path).replace(/^(\.\.[/\\])+/, '')));
    else {
      response.writeHead(404).end();
      return;
    }
    response.setHeader('content-type', types[extname(path)] ?? 'application/octet-stream');
    if (gzip) {
      response.setHeader('content-encoding', 'gzip');
      body = gzipSync(body, { level: 1 });
    }
    response.end(body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        server,
        url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
      });
    }),
  );
}

async function main(): Promise<void> {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    log(`building the console`);
    const consoleDir = mkdtempSync(join(tmpdir(), 'jt808-bench-console-'));
    cleanups.push(async () => rmSync(consoleDir, { recursive: true, force: true }));
    await build({
      configFile: join(CONSOLE_ROOT, 'vite.config.ts'),
      root: CONSOLE_ROOT,
      logLevel: 'warn',
      build: { outDir: consoleDir, emptyOutDir: true },
    });

    await createDatabase(ADMIN_URL, DB_NAME);
    cleanups.push(() => dropDatabase(ADMIN_URL, DB_NAME));
    const dbUrl = databaseUrl(ADMIN_URL, DB_NAME);
    await migrate(dbUrl);
    const pool = new pg.Pool({ connectionString: dbUrl, max: 6 });
    cleanups.push(() => pool.end());
    let t = performance.now();
    await seedFleet(pool, VEHICLES, CENTERS);
    log(
      `seeded ${VEHICLES.toLocaleString('en')} vehicles over ${CENTERS} centers in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const { saveUser } = await import('@jt808/platform');
    await saveUser(pool, { ...ADMIN, role: 'admin' });

    const api = await buildApi({ pool, secureCookies: false, consoleDir });
    await api.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => api.close());
    const address = api.server.address();
    const apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    // The same fleet for the baseline, as the console receives it.
    t = performance.now();
    const login = await fetch(`${apiUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const snapshot = await fetch(`${apiUrl}/api/map/fleet`, { headers: { cookie } });
    const fleet = readFleetColumns(await snapshot.arrayBuffer());
    const cold = performance.now() - t;
    t = performance.now();
    await (await fetch(`${apiUrl}/api/map/fleet`, { headers: { cookie } })).arrayBuffer();
    log(
      `map snapshot route: ${(cold / 1000).toFixed(2)} s cold (loads the fleet index), ${((performance.now() - t) / 1000).toFixed(2)} s warm`,
    );
    log(
      `map snapshot: ${fleet.count.toLocaleString('en')} vehicles, ${mb(Number(snapshot.headers.get('content-length') ?? 0))} gzip`,
    );
    const features = Array.from({ length: fleet.count }, (_, i) => ({
      type: 'Feature',
      id: fleet.ids[i],
      geometry: { type: 'Point', coordinates: [fleet.longitudes[i]! / 1e5, fleet.latitudes[i]! / 1e5] },
      properties: { s: fleet.statuses[i] },
    }));
    const geojson = Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }));
    const baseline = await baselineServer(geojson);
    cleanups.push(() => new Promise((resolve) => baseline.server.close(resolve)));

    const bursts = Array.from({ length: BURSTS }, (_, round) => burstOf(fleet, BURST, round));
    const browser = await chromium.launch({
      executablePath: values.chromium,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--use-gl=angle',
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    cleanups.push(() => browser.close());
    let ours: PageFigures | undefined;
    let plain: PageFigures | undefined;
    if (values.only !== 'baseline') {
      log('measuring the console map');
      ours = await measureConsole(browser, apiUrl, pool, bursts);
      log(`console: ${JSON.stringify(ours)}`);
    }
    if (values.only !== 'console') {
      log('measuring the plain GeoJSON baseline');
      plain = await measureBaseline(browser, baseline.url, bursts);
      log(`baseline: ${JSON.stringify(plain)}`);
    }

    const row = (name: string, f: PageFigures) =>
      `| ${name} | ${(f.loadToIdleMs / 1000).toFixed(2)} s | ${f.cpuToIdleS.toFixed(2)} s | ${mb(f.heapBytes)} | ${mb(f.transferredBytes)} | ${median(f.burstMs).toFixed(0)} ms (${f.burstMs.map((m) => m.toFixed(0)).join(', ')}) | ${median(f.burstCpuS).toFixed(2)} s |`;
    console.log(
      [
        `Console map, ${VEHICLES.toLocaleString('en')} vehicles over ${CENTERS} centers, burst of ${BURST.toLocaleString('en')} positions (median of ${BURSTS}):`,
        '',
        '| path | load → map idle | browser CPU to idle | main-thread JS heap | bytes transferred | burst applied → drawn | browser CPU per burst |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        ...(ours ? [row('console map (worker + clusters)', ours)] : []),
        ...(plain
          ? [row(`plain GeoJSON of every vehicle (bursts by ${values['baseline-update']})`, plain)]
          : []),
        '',
        `targets: load → idle under 3 s, burst under 200 ms; GeoJSON payload ${mb(geojson.length)} raw.`,
      ].join('\n'),
    );
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => log(`cleanup: ${error}`));
  }
}

await main();
