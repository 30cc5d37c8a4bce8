/**
 * The console map with a province-sized fleet in headless chromium (bench/README.md, "Console map"):
 * the console's map (fleet in a worker, clusters per view) against the real API with a seeded
 * roster, and in the same run the baseline: the same fleet as one plain GeoJSON source
 * (baseline.html). For each: time from page load to the map idle, main-thread JS heap, bytes
 * transferred, and the time to apply a burst of position updates.
 *
 *   npm run bench:console-map -w @jt808/bench [-- --vehicles 400000 --centers 60 --burst 13000 --bursts 3 --only console|baseline]
 *   npm run bench:console-map -w @jt808/bench -- --sustain 600 [--rate 13333]   (the console under the live feed, for minutes)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildApi } from '@jt808/api';
import { migrate } from '@jt808/storage';
import pg from 'pg';
import { type Browser, type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { type FleetColumns, NO_POSITION, readFleetColumns } from '../../console/src/map/fleet-columns.js';
import { benchArgs } from '../cli.js';
import { createDatabase, databaseUrl, dropDatabase } from '../ingest/db.js';
import { commandNameOf, cpuOf, parents } from '../proc.js';
import { chromiumArgs } from './chromium.js';
import { seedFleet } from './seed.js';
import { mainThreadTasks } from './trace.js';

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
  /** Seconds of sustained load instead of the single bursts (console only): `--rate` updates every second. */
  sustain: { type: 'string', default: '0' },
  /** Position updates a second in sustained mode: the province (400,000 vehicles) reporting every 30 s. */
  rate: { type: 'string', default: '13333' },
  /** `software` (chromium's --disable-gpu, the default) or `gpu`: how chromium composites the page. */
  compositing: { type: 'string', default: 'software' },
  /** Sustained mode: also write a CPU profile of the page's main thread over the run here (.cpuprofile, for DevTools). */
  'cpu-profile': { type: 'string' },
  /** Sustained mode: also write a chromium trace of the run here (what the page's long tasks are made of, for DevTools or Perfetto). */
  trace: { type: 'string' },
  /** Sustained mode: heap snapshots of the page at the first heap sample and at the end, into this folder (for DevTools' comparison view). */
  'heap-snapshots': { type: 'string' },
});
const VEHICLES = Number(values.vehicles);
const CENTERS = Number(values.centers);
const BURST = Number(values.burst);
const BURSTS = Number(values.bursts);
const SUSTAIN_S = Number(values.sustain);
const RATE = Number(values.rate);
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DB_NAME = `jt808_bench_map_${process.pid}`;
const CONSOLE_ROOT = fileURLToPath(new URL('../../console/', import.meta.url));
const HERE = dirname(fileURLToPath(import.meta.url));
const MAPLIBRE_DIST = dirname(createRequire(import.meta.url).resolve('maplibre-gl/dist/maplibre-gl.mjs'));
const ADMIN = { username: 'bench', password: 'bench-secret-1' };
/** Sustained mode: writes of a second's updates that may run at once (the pool has 6 connections). */
const MAX_WRITES = 4;
/** `--trace`: the page's tasks and what runs in them (script, style, layout, paint, GPU and canvas work). */
const TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'blink',
  'gpu',
  'cc',
  'v8',
];
/** seed.ts gives vehicle v the terminal 13800000000 + v. */
const PHONE_BASE = 13_800_000_000;

const log = (line: string) => console.error(`[console-map] ${line}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** What the page functions below use of the browser (this file is type-checked without the DOM library). */
interface BrowserGlobals {
  document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };
  bench: { ready: Promise<number>; burst(updates: unknown, mode: string | undefined): Promise<number> };
  /** The console page's probe (pageProbe). */
  __probe: Probe;
}

/**
 * What pageProbe collects in the console page from PerformanceObservers, in ms on the page's clock.
 * The page keeps only the newest of its own marks and measures (so a console open for days does not
 * pile them up); observers see every one. The bench empties the lists as it reads them.
 */
interface Probe {
  /** [start, duration] of every long task (over 50 ms, the browser's definition). */
  longTasks: [number, number][];
  /** [arrival, applied → drawn] of every message of live deltas (`fleet:burst`, fleet-map.ts). */
  bursts: [number, number][];
  /** The map's marks, `fleet:…`, except the ones set every second. */
  marks: [string, number][];
}

/** Installed in the console page before its scripts run. */
function pageProbe(): void {
  const probe: Probe = { longTasks: [], bursts: [], marks: [] };
  (globalThis as unknown as BrowserGlobals).__probe = probe;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      // Node's typings, which this file is checked against, know no long tasks.
      if ((e.entryType as string) === 'longtask') probe.longTasks.push([e.startTime, e.duration]);
      else if (e.entryType === 'measure' && e.name === 'fleet:burst')
        probe.bursts.push([e.startTime, e.duration]);
      else if (e.entryType === 'mark' && /^fleet:(loaded|map-loaded|drawn)$/.test(e.name)) {
        // Only the load's marks: the first `fleet:drawn` is the one the load is timed by.
        if (!probe.marks.some(([name]) => name === 'fleet:drawn')) probe.marks.push([e.name, e.startTime]);
      }
    }
  }).observe({ entryTypes: ['longtask', 'measure', 'mark'] as never[] });
}

/** Empties the probe's lists and returns what they held. */
function drainProbe(): Probe {
  const probe = (globalThis as unknown as BrowserGlobals).__probe;
  const taken = { ...probe };
  probe.longTasks = [];
  probe.bursts = [];
  return taken;
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
  const parentOf = parents();
  const ours = (pid: number): boolean => {
    for (let p = parentOf.get(pid); p !== undefined && p > 1; p = parentOf.get(p))
      if (p === process.pid) return true;
    return false;
  };
  let seconds = 0;
  for (const pid of parentOf.keys())
    if (/chrom/i.test(commandNameOf(pid) ?? '') && ours(pid)) seconds += cpuOf(pid) ?? 0;
  return seconds;
}

/** Where the page's time went: when each resource arrived and each fleet mark was set (runs in the page). */
function timeline(): string {
  const resources = performance
    .getEntriesByType('resource')
    .map((e): [string, number] => [e.name, (e as unknown as { responseEnd: number }).responseEnd]);
  return [...resources, ...(globalThis as unknown as BrowserGlobals).__probe.marks]
    .sort((a, b) => a[1] - b[1])
    .map(([name, at]) => `${name.replace(/^https?:\/\/[^/]+/, '')}@${at.toFixed(0)}`)
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
  await cdp.detach();
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
}

type Update = [id: number, lon: number, lat: number, moving: number];

/** Picks `n` distinct vehicles and where they move to (a few hundred metres on, at 50 km/h). */
function burstOf(fleet: FleetColumns, n: number, round: number): Update[] {
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

/**
 * Second `second` of the sustained load: the next `n` vehicles of the fleet in turn (the whole
 * fleet every count / n seconds, as terminals reporting at a fixed interval), each a few hundred
 * metres from where the snapshot has it, so the fleet stays where it is over a long run.
 */
function secondOf(fleet: FleetColumns, n: number, second: number): Update[] {
  const updates: Update[] = [];
  const shift = 0.003 * Math.sin(second);
  for (let k = 0; k < Math.min(n, fleet.count); k++) {
    const i = (second * n + k) % fleet.count;
    if (fleet.latitudes[i] === NO_POSITION) continue;
    updates.push([fleet.ids[i]!, fleet.longitudes[i]! / 1e5 + shift, fleet.latitudes[i]! / 1e5 - shift, 1]);
  }
  return updates;
}

/**
 * Hands position updates to the platform where its live feed picks them up: the one place the
 * benchmark's updates enter, so that only this changes when the feed's source does. Today the feed
 * follows PostgreSQL NOTIFY from the current-state table's triggers, so this writes them as ingest
 * does: one statement (and so one message of the feed, unless its 1 s flush falls in between).
 */
async function injectPositions(pool: pg.Pool, updates: readonly Update[]): Promise<void> {
  await pool.query(
    `UPDATE terminal_state st SET latitude = u.lat, longitude = u.lon, speed = 50, updated_at = now()
       FROM unnest($1::text[], $2::float8[], $3::float8[]) AS u(phone, lat, lon) WHERE st.phone = u.phone`,
    [updates.map(([id]) => String(PHONE_BASE + id)), updates.map((u) => u[2]), updates.map((u) => u[1])],
  );
}

/** The q-quantile (0..1) of the values, nearest rank. */
function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Least-squares slope of y over x. */
function slope(points: readonly [number, number][]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return num / den;
}

/** With --heap-snapshots DIR: the page's heap (after the GC just forced) as DIR/<name>.heapsnapshot. */
async function heapSnapshot(cdp: CDPSession, name: string): Promise<void> {
  const dir = values['heap-snapshots'];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const chunks: string[] = [];
  const collect = ({ chunk }: { chunk: string }) => chunks.push(chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', collect);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', collect);
  writeFileSync(join(dir, `${name}.heapsnapshot`), chunks.join(''));
}

interface SustainFigures {
  seconds: number;
  /** Position updates written per second over the run (all of them / the seconds until the last was written), and how long each write took. */
  writtenPerSecond: number;
  writeMs: { median: number; p95: number; max: number };
  /** Seconds whose write started more than 100 ms late (MAX_WRITES still running). */
  lateSeconds: number;
  /** Applied → drawn of every message of deltas that arrived in the run, ms. */
  burstMs: number[];
  /**
   * Per minute of the run: the page's long tasks (over 50 ms), those over 100 ms and the longest;
   * apart, the long tasks that overlap a GC the heap sampling forced (and the longest of them).
   */
  minutes: {
    longTasks: number;
    over100: number;
    longestMs: number;
    forcedGc: number;
    forcedGcLongestMs: number;
  }[];
  /** Main-thread JS heap after a forced GC, every ~10 s: [seconds into the run, bytes]. */
  heap: [number, number][];
  heapSlopeMbPer10Min: number;
  /** Browser CPU over the run, in cores (1 = one core busy all the time). */
  browserCores: number;
  loadAverages: number[];
}

/**
 * The sustained load: `rate` position updates every second for `seconds`, the page on the province
 * view. Samples the main-thread heap every ~10 s after a forced GC (CDP HeapProfiler.collectGarbage,
 * then Runtime.getHeapUsage) and reads the page's probe as it goes, so that nothing the bench keeps
 * in the page grows with the run.
 */
async function sustain(
  page: Page,
  cdp: CDPSession,
  pool: pg.Pool,
  fleet: FleetColumns,
): Promise<SustainFigures> {
  const pageStart = await page.evaluate(() => performance.now());
  const started = performance.now();
  const cpuStart = browserCpuSeconds();
  let written = 0;
  const writeMs: number[] = [];
  const bursts: number[] = [];
  const longTasks: [number, number][] = [];
  const heap: [number, number][] = [];
  /** [from, to] on the page's clock of each GC the sampling forced: a long task then is the bench's. */
  const forcedGcs: [number, number][] = [];
  const loadAverages = [loadavg()[0]!];
  let lateSeconds = 0;
  let running = true;
  const take = async () => {
    const probe = await page.evaluate(drainProbe);
    for (const [at, ms] of probe.bursts) if (at >= pageStart) bursts.push(ms);
    for (const task of probe.longTasks) {
      if (task[0] < pageStart) continue;
      longTasks.push(task);
      if (task[1] > 100)
        log(`long task of ${task[1].toFixed(0)} ms at ${((task[0] - pageStart) / 1000).toFixed(1)} s`);
    }
  };
  const sampler = (async () => {
    while (running) {
      await sleep(10_000);
      if (!running) break;
      const gcFrom = await page.evaluate(() => performance.now());
      await cdp.send('HeapProfiler.collectGarbage');
      forcedGcs.push([gcFrom, await page.evaluate(() => performance.now())]);
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      const atS = (performance.now() - started) / 1000;
      if (heap.length === 0) await heapSnapshot(cdp, 'first');
      heap.push([atS, usedSize]);
      loadAverages.push(loadavg()[0]!);
      await take();
      const recent = bursts.slice(-10);
      log(
        `${atS.toFixed(0)} s: heap ${mb(usedSize)}, bursts ${bursts.length} (last ${recent.map((m) => m.toFixed(0)).join(' ')} ms), long tasks ${longTasks.length}, load ${loadavg()[0]!.toFixed(2)}`,
      );
    }
  })();
  // Each second's write starts on time even while earlier ones still run (they touch other
  // vehicles): on a busy machine one write of 13,333 rows took up to 2 s, which would lower the rate.
  const inFlight = new Set<Promise<void>>();
  for (let second = 0; second < SUSTAIN_S; second++) {
    const wait = started + second * 1000 - performance.now();
    if (wait > 0) await sleep(wait);
    while (inFlight.size >= MAX_WRITES) await Promise.race(inFlight);
    if (performance.now() - (started + second * 1000) > 100) lateSeconds++;
    const updates = secondOf(fleet, RATE, second);
    const t = performance.now();
    const write = injectPositions(pool, updates).then(() => {
      writeMs.push(performance.now() - t);
      written += updates.length;
      inFlight.delete(write);
    });
    inFlight.add(write);
  }
  await Promise.all(inFlight);
  await heapSnapshot(cdp, 'last');
  const writtenPerSecond = written / Math.max(SUSTAIN_S, (performance.now() - started) / 1000);
  // The last second's deltas reach the page at the feed's next flush; then they are drawn.
  await sleep(3000);
  running = false;
  await sampler;
  await take();
  const seconds = (performance.now() - started) / 1000;
  const browserCores = (browserCpuSeconds() - cpuStart) / seconds;
  const forced = ([at, ms]: [number, number]) => forcedGcs.some(([from, to]) => at < to && at + ms > from);
  const minutes = Array.from({ length: Math.ceil(SUSTAIN_S / 60) }, (_, m) => {
    const inMinute = longTasks.filter(([at]) => Math.floor((at - pageStart) / 60_000) === m);
    const own = inMinute.filter((task) => !forced(task));
    return {
      longTasks: own.length,
      over100: own.filter(([, ms]) => ms > 100).length,
      longestMs: own.reduce((max, [, ms]) => Math.max(max, ms), 0),
      forcedGc: inMinute.length - own.length,
      forcedGcLongestMs: inMinute.filter(forced).reduce((max, [, ms]) => Math.max(max, ms), 0),
    };
  });
  return {
    seconds: SUSTAIN_S,
    writtenPerSecond,
    writeMs: { median: median(writeMs), p95: quantile(writeMs, 0.95), max: Math.max(...writeMs) },
    lateSeconds,
    burstMs: bursts,
    minutes,
    heap,
    heapSlopeMbPer10Min: (slope(heap) * 600) / 1e6,
    browserCores,
    loadAverages,
  };
}

async function measureConsole(
  browser: Browser,
  url: string,
  pool: pg.Pool,
  fleet: FleetColumns,
  bursts: Update[][],
): Promise<PageFigures & { sustained?: SustainFigures }> {
  const { context, bytes } = await countingContext(browser);
  await context.addInitScript(pageProbe);
  const signIn = await context.request.post(`${url}/api/login`, { data: ADMIN });
  if (!signIn.ok()) throw new Error(`sign-in failed: ${signIn.status()}`);
  const page = await context.newPage();
  const cpuBefore = browserCpuSeconds();
  await page.goto(`${url}/#/map`);
  // The first frame drawn with the whole fleet counted: the map is usable.
  await page.waitForFunction(
    (n) => {
      const g = globalThis as unknown as BrowserGlobals;
      return (
        Number(g.document.querySelector('[data-testid=map-in-scope]')?.getAttribute('data-count')) === n &&
        g.__probe.marks.some(([name]) => name === 'fleet:drawn')
      );
    },
    VEHICLES,
    { timeout: 120_000, polling: 50 },
  );
  const loadToIdleMs = await page.evaluate(
    () =>
      (globalThis as unknown as BrowserGlobals).__probe.marks.find(([name]) => name === 'fleet:drawn')![1],
  );
  const cpuToIdleS = browserCpuSeconds() - cpuBefore;
  log(`console timeline (ms from navigation): ${await page.evaluate(timeline)}`);
  const transferredBytes = bytes();
  const heapBytes = await heapOf(context, page);
  const burstMs: number[] = [];
  const burstCpuS: number[] = [];
  let sustained: SustainFigures | undefined;
  if (SUSTAIN_S > 0) {
    const cdp = await context.newCDPSession(page);
    const profile = values['cpu-profile'];
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    if (values.trace) await browser.startTracing(page, { path: values.trace, categories: TRACE_CATEGORIES });
    sustained = await sustain(page, cdp, pool, fleet);
    if (values.trace) {
      await browser.stopTracing();
      const tasks = mainThreadTasks(values.trace);
      log(
        `trace, the page's main thread: ${tasks.tasks} tasks in ${tasks.seconds.toFixed(0)} s, ${tasks.cpuMsPerSecond.toFixed(1)} ms of CPU a second; ${tasks.over100Wall} over 100 ms of wall time, their CPU median ${tasks.over100WallCpuMs.median.toFixed(1)} ms, max ${tasks.over100WallCpuMs.max.toFixed(1)} ms; ${tasks.over50Cpu} tasks over 50 ms of CPU, ${tasks.over100Cpu} over 100 ms`,
      );
    }
    if (profile) writeFileSync(profile, JSON.stringify((await cdp.send('Profiler.stop')).profile));
  } else {
    for (const updates of bursts) {
      await page.evaluate(drainProbe);
      const cpuAtUpdate = browserCpuSeconds();
      await injectPositions(pool, updates);
      const handle = await page.waitForFunction(
        () => (globalThis as unknown as BrowserGlobals).__probe.bursts[0]?.[1],
        undefined,
        { timeout: 60_000, polling: 20 },
      );
      burstMs.push((await handle.jsonValue()) as number);
      burstCpuS.push(browserCpuSeconds() - cpuAtUpdate);
    }
  }
  await context.close();
  return {
    loadToIdleMs,
    cpuToIdleS,
    heapBytes,
    transferredBytes,
    burstMs,
    burstCpuS,
    ...(sustained ? { sustained } : {}),
  };
}

async function measureBaseline(browser: Browser, url: string, bursts: Update[][]): Promise<PageFigures> {
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

/** The sustained run as Markdown. */
function sustainReport(load: PageFigures, f: SustainFigures): string {
  const rate = (n: number) => n.toLocaleString('en');
  const over100 = f.minutes.reduce((sum, m) => sum + m.over100, 0);
  const longest = f.minutes.reduce((max, m) => Math.max(max, m.longestMs), 0);
  return [
    `Console map, ${rate(VEHICLES)} vehicles over ${CENTERS} centers, province view, ${rate(RATE)} position updates every second for ${f.seconds} s:`,
    '',
    '| load → map idle | updates written / s | write ms (median, p95, max) | late seconds | bursts drawn | applied → drawn, median | p95 | max | long tasks > 100 ms (longest) | browser CPU, cores | heap first → last | heap slope | load average (1 min) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${(load.loadToIdleMs / 1000).toFixed(2)} s | ${rate(Math.round(f.writtenPerSecond))} | ${f.writeMs.median.toFixed(0)}, ${f.writeMs.p95.toFixed(0)}, ${f.writeMs.max.toFixed(0)} | ${f.lateSeconds} | ${f.burstMs.length} | ${median(f.burstMs).toFixed(0)} ms | ${quantile(f.burstMs, 0.95).toFixed(0)} ms | ${Math.max(...f.burstMs).toFixed(0)} ms | ${over100} (${longest.toFixed(0)} ms) | ${f.browserCores.toFixed(2)} | ${mb(f.heap[0]?.[1] ?? Number.NaN)} → ${mb(f.heap.at(-1)?.[1] ?? Number.NaN)} | ${f.heapSlopeMbPer10Min.toFixed(2)} MB / 10 min | ${Math.min(...f.loadAverages).toFixed(1)}–${Math.max(...f.loadAverages).toFixed(1)} |`,
    '',
    'Per minute: long tasks over 100 ms (longest task of any length, all long tasks over 50 ms):',
    f.minutes
      .map((m, i) => `minute ${i + 1}: ${m.over100} (${m.longestMs.toFixed(0)} ms, ${m.longTasks})`)
      .join('; '),
    '',
    `Heap samples (s: MB): ${f.heap.map(([s, b]) => `${s.toFixed(0)}: ${(b / 1e6).toFixed(2)}`).join(', ')}`,
    '',
    'targets: applied → drawn under 200 ms at the median; no long task over 100 ms in any minute; heap flat.',
  ].join('\n');
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
    const { saveUser } = await import('@jt808/api');
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
      args: chromiumArgs(values.compositing === 'gpu' ? 'gpu' : 'software'),
    });
    cleanups.push(() => browser.close());
    let ours: (PageFigures & { sustained?: SustainFigures }) | undefined;
    let plain: PageFigures | undefined;
    if (values.only !== 'baseline') {
      log('measuring the console map');
      ours = await measureConsole(browser, apiUrl, pool, fleet, bursts);
      log(`console: ${JSON.stringify(ours)}`);
    }
    // The baseline takes seconds per burst (RESULTS.md): it has no sustained mode.
    if (values.only !== 'console' && SUSTAIN_S === 0) {
      log('measuring the plain GeoJSON baseline');
      plain = await measureBaseline(browser, baseline.url, bursts);
      log(`baseline: ${JSON.stringify(plain)}`);
    }

    if (ours?.sustained) {
      console.log(sustainReport(ours, ours.sustained));
      return;
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
