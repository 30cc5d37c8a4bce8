/**
 * bench:track – a vehicle's day's track (GET /api/vehicles/:id/track, platform/storage/src/storage/track.ts)
 * with and without the covering index, in one database and one run.
 *
 * Two days of fixes are seeded the same way, in arrival order (30-s slot by slot, every vehicle of
 * the slot, so one vehicle's fixes lie on as many heap pages as it has fixes, as ingest leaves
 * them): day A without the track's covering index (the layout before it, the baseline), day B with
 * it, present while the rows go in as ingest would find it. Then the route's query (readTrack) is
 * asked for the tracked vehicles' days:
 *   1. idle, before VACUUM (day B's index-only scan without a visibility map: the heap again);
 *   2. idle, after VACUUM;
 *   3. at a fixed rate of requests (open loop) while two writer processes (writer.ts) store the
 *      fleet's fixes through ingest's statements, one into each day, so the write cost of the index
 *      is the ratio of their time per fix.
 * Method and the recorded figures: bench/README.md and bench/RESULTS.md ("API", "Track").
 */
import { execFileSync, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  ensurePartitions,
  ensureStorage,
  migrate,
  partitionName,
  readTrack,
  TRACK_SQL,
} from '@jt808/storage';
import pg from 'pg';
import { type Summary, summarize } from '../api/percentiles.js';
import { benchArgs } from '../cli.js';
import { createDatabase, databaseUrl, dropDatabase, serverSettings } from '../ingest/db.js';
import { cpuOf, loadAverage, machineInfo } from '../proc.js';

const args = benchArgs('bench:track', "a vehicle's day's track, without and with the covering index", {
  'admin-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  db: { type: 'string', default: 'jt808_bench_track' },
  tracked: { type: 'string', default: '200' },
  others: { type: 'string', default: '600' },
  'max-points': { type: 'string', default: '1000' },
  queries: { type: 'string', default: '300' },
  'track-rate': { type: 'string', default: '20' },
  'writer-rate': { type: 'string', default: '13333' },
  'writer-batch': { type: 'string', default: '2000' },
  seconds: { type: 'string', default: '60' },
  keep: { type: 'boolean', default: false },
});
const num = (name: keyof typeof args) => Number(args[name]);

const SLOTS = 2880; // a day at 30 s
const DAY_MS = 86_400_000;
const DAY_A = new Date('2026-11-30T00:00:00Z'); // without the covering index: the baseline
const DAY_B = new Date(DAY_A.getTime() + DAY_MS); // with it
const days = { A: DAY_A, B: DAY_B } as const;
type Day = keyof typeof days;
const tracked = num('tracked');
const vehicles = tracked + num('others');
const maxPoints = num('max-points');
const trackedPhone = (i: number) => `139${String(i).padStart(8, '0')}`;
const range = (day: Day) => [days[day].toISOString(), new Date(days[day].getTime() + DAY_MS).toISOString()];

const log = (line: string) => process.stdout.write(`${line}\n`);
const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);
const ratio = (before: number, after: number) => `${(before / after).toFixed(1)}×`;

/** The seeding connection's backend at nice 10: the machine is shared (bench/README.md). */
async function niceBackend(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  try {
    execFileSync('renice', ['-n', '10', '-p', String(rows[0]!.pid)], { stdio: 'ignore' });
  } catch {
    log('(could not renice the seeding backend: another user runs the server)');
  }
}

/** One day of fixes for every vehicle, slot by slot in arrival order, in statements of 240 slots. */
async function seedDay(client: pg.ClientBase, day: Day): Promise<number> {
  const started = performance.now();
  for (let first = 0; first < SLOTS; first += 240) {
    await client.query(
      `INSERT INTO positions (phone, gps_time, received_at, latitude, longitude, altitude, speed, direction,
                             alarm, status, mileage, fuel, signal_strength, satellites, quality)
       SELECT CASE WHEN v <= $4 THEN '139' ELSE '138' END || lpad(v::text, 8, '0'),
              $1::timestamptz + s * INTERVAL '30 s', $1::timestamptz + s * INTERVAL '30 s' + INTERVAL '2 s',
              30 + v * 0.001 + s * 0.00001, 110 + v * 0.001 + s * 0.00002, 100, (s % 90)::real,
              ((s * 7) % 360)::smallint, CASE WHEN s % 97 = 0 THEN 1 ELSE 0 END, 3, s * 0.25, 50, 25, 12, 0
         FROM generate_series($2::int, $3::int) s, generate_series(1, $5::int) v
        ORDER BY s, v`,
      [days[day].toISOString(), first, Math.min(SLOTS, first + 240) - 1, tracked, vehicles],
    );
  }
  return (performance.now() - started) / 1000;
}

/**
 * The other way measured (not taken): the thinning decided on the primary key alone (an index-only
 * scan of the vehicle's times), then only the chosen fixes read from the heap.
 */
const CHOSEN_ROWS_SQL = `WITH times AS (
   SELECT gps_time, row_number() OVER (ORDER BY gps_time) AS n, count(*) OVER () AS total
     FROM positions WHERE phone = $1 AND gps_time >= $2 AND gps_time < $3),
 chosen AS (
   SELECT gps_time FROM times WHERE total <= $4 OR n = 1 OR n = total OR n % ceil(total::numeric / $4)::int = 0)
 SELECT chosen.gps_time, p.latitude, p.longitude, p.speed, p.direction, p.alarm::text AS alarm, p.quality
   FROM chosen CROSS JOIN LATERAL (
     SELECT * FROM positions p
      WHERE p.phone = $1 AND p.gps_time = chosen.gps_time AND p.gps_time >= $2 AND p.gps_time < $3 LIMIT 1) p
  ORDER BY chosen.gps_time`;

interface Variant {
  label: string;
  day: Day;
  sql: string;
}

const VARIANTS: Variant[] = [
  { label: 'A: the route, heap (before)', day: 'A', sql: TRACK_SQL },
  { label: 'A: chosen rows only from the heap', day: 'A', sql: CHOSEN_ROWS_SQL },
  { label: 'B: the route, covering index (after)', day: 'B', sql: TRACK_SQL },
];

const paramsOf = (day: Day, vehicle: number) => [trackedPhone(vehicle), ...range(day), maxPoints];

interface Plan {
  scans: string;
  buffers: number;
  /** Of them, not in shared_buffers (from the OS page cache here). */
  read: number;
  heapFetches: number;
  ms: number;
}

/** One vehicle's track EXPLAIN ANALYZE'd: the scans, pages touched and heap fetches. */
async function plan(pool: pg.Pool, variant: Variant, vehicle: number): Promise<Plan> {
  const { rows } = await pool.query(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${variant.sql}`,
    paramsOf(variant.day, vehicle),
  );
  const top = rows[0]['QUERY PLAN'][0];
  const nodes: Record<string, unknown>[] = [];
  const walk = (node: Record<string, unknown>) => {
    nodes.push(node);
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk(top.Plan);
  const root = top.Plan as Record<string, number>;
  return {
    scans: nodes
      .filter((node) => node['Index Name'])
      .map((node) => `${node['Node Type']} ${node['Index Name']}`)
      .join(', '),
    buffers: root['Shared Hit Blocks']! + root['Shared Read Blocks']!,
    read: root['Shared Read Blocks']!,
    heapFetches: nodes.reduce((sum, node) => sum + ((node['Heap Fetches'] as number | undefined) ?? 0), 0),
    ms: top['Execution Time'],
  };
}

/**
 * Each variant EXPLAINed, then asked `queries` times in turn by one connection, timed and with its
 * backend's CPU (from /proc: what the query costs the database, whatever else the machine runs).
 */
async function idle(pool: pg.Pool, queries: number): Promise<void> {
  const summaries: { time: Summary; cpu: number }[] = [];
  const client = await pool.connect();
  try {
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    for (const variant of VARIANTS) {
      const p = await plan(pool, variant, 1);
      const times: number[] = [];
      const cpuBefore = cpuOf(pid)!;
      for (let i = 0; i < queries; i++) {
        const started = performance.now();
        await client.query(variant.sql, paramsOf(variant.day, 1 + (i % tracked)));
        times.push(performance.now() - started);
      }
      const cpu = ((cpuOf(pid)! - cpuBefore) * 1000) / queries;
      const time = summarize(times);
      summaries.push({ time, cpu });
      log(
        `  ${variant.label}: ${p.scans}; ${p.buffers} buffers (${p.read} read), ${p.heapFetches} heap fetches, ${ms(p.ms)} ms executing; ${queries} queries p50 ${ms(time.p50)} p99 ${ms(time.p99)} ms, backend CPU ${ms(cpu)} ms a query`,
      );
    }
  } finally {
    client.release();
  }
  const [before, , after] = summaries;
  log(
    `  before/after: p50 ${ratio(before!.time.p50, after!.time.p50)}, p99 ${ratio(before!.time.p99, after!.time.p99)}, backend CPU ${ratio(before!.cpu, after!.cpu)}`,
  );
}

/**
 * Open loop, as the API's users ask: `rate` track requests a second for `seconds`, alternating A
 * and B, random tracked vehicles; each timed from when it was due (a request kept waiting by a slow
 * one counts its wait), through a pool of 10 connections like the API's.
 */
async function trackLoad(pool: pg.Pool, rate: number, seconds: number): Promise<Record<Day, Summary>> {
  const times: Record<Day, number[]> = { A: [], B: [] };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: rate * seconds }, async (_, i) => {
      const due = started + (i * 1000) / rate;
      await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
      const day: Day = i % 2 === 0 ? 'A' : 'B';
      const [from, to] = range(day);
      const vehicle = 1 + Math.floor(Math.random() * tracked);
      const points = await readTrack(pool, trackedPhone(vehicle), from!, to!, maxPoints);
      times[day].push(performance.now() - due);
      if (points.length !== maxPoints) throw new Error(`${points.length} points`);
    }),
  );
  return { A: summarize(times.A), B: summarize(times.B) };
}

interface WriterResult {
  rate: number;
  late: number;
  /** Wall time of the batches, and the backend's CPU, per fix stored. */
  usPerFix: number;
  backendUsPerFix: number;
}

/** One writer process storing fixes into `day` (writer.ts). */
function writer(url: string, day: Day, rate: number, seconds: number): Promise<WriterResult> {
  const child = fork(fileURLToPath(new URL('./writer.ts', import.meta.url)), [
    url,
    days[day].toISOString(),
    String(rate),
    args['writer-batch']!,
    String(seconds),
  ]);
  return new Promise((resolve, reject) => {
    child.once('message', (result) => resolve(result as WriterResult));
    child.once('exit', (code) => reject(new Error(`writer for day ${day} exited with ${code}`)));
  });
}

async function sizes(pool: pg.Pool, day: Day) {
  const name = partitionName(days[day]);
  const { rows } = await pool.query(
    `SELECT (SELECT count(*) FROM ${name})::bigint AS fixes, pg_relation_size('${name}') AS heap,
            pg_relation_size('${name}_pkey') AS pkey, coalesce(pg_relation_size(to_regclass('${name}_track')), 0) AS track`,
  );
  const r = rows[0];
  const per = (bytes: string) => (Number(bytes) / Number(r.fixes)).toFixed(1);
  return `${r.fixes} fixes; bytes/fix: heap ${per(r.heap)}, primary key ${per(r.pkey)}, track index ${per(r.track)}`;
}

async function main() {
  const adminUrl = args['admin-url']!;
  const name = args.db!;
  const url = databaseUrl(adminUrl, name);
  log(
    `bench:track ${new Date().toISOString()} ${JSON.stringify(machineInfo())} load ${loadAverage().join(' ')}`,
  );
  log(`${vehicles} vehicles (${tracked} tracked) × ${SLOTS} fixes a day, two days; maxPoints ${maxPoints}`);
  await dropDatabase(adminUrl, name);
  await createDatabase(adminUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  try {
    await migrate(url);
    await ensureStorage(pool, { retentionDays: 180, allowTimescale: false });
    await ensurePartitions(pool, new Date(), DAY_A);
    log(`server: ${JSON.stringify(await serverSettings(pool))}`);
    const [a, b] = [partitionName(DAY_A), partitionName(DAY_B)];
    // Day A as the layout was before the covering index; autovacuum kept off both (the phases say
    // when the visibility map is set).
    await pool.query(`DROP INDEX ${a}_track`);
    for (const p of [a, b]) await pool.query(`ALTER TABLE ${p} SET (autovacuum_enabled = off)`);

    const seeder = await pool.connect();
    await niceBackend(seeder);
    const seeded = { A: await seedDay(seeder, 'A'), B: await seedDay(seeder, 'B') };
    log(
      `seeded (INSERT … SELECT, arrival order): day A ${seeded.A.toFixed(1)} s, day B ${seeded.B.toFixed(1)} s (B/A ${(seeded.B / seeded.A).toFixed(2)})`,
    );
    await seeder.query(`ANALYZE ${a}; ANALYZE ${b}`);
    log(`day A: ${await sizes(pool, 'A')}`);
    log(`day B: ${await sizes(pool, 'B')}`);

    log('1. before VACUUM (no visibility map: the index-only scan visits the heap)');
    await idle(pool, num('queries'));

    const vacuumed: Record<Day, number> = { A: 0, B: 0 };
    for (const day of ['A', 'B'] as const) {
      const t = performance.now();
      await seeder.query(`VACUUM ${partitionName(days[day])}`);
      vacuumed[day] = (performance.now() - t) / 1000;
    }
    seeder.release();
    const perFix = (seconds: number) => ((seconds * 1e6) / (vehicles * SLOTS)).toFixed(2);
    log(
      `2. after VACUUM (A ${vacuumed.A.toFixed(1)} s, B ${vacuumed.B.toFixed(1)} s: ${perFix(vacuumed.A)} and ${perFix(vacuumed.B)} µs a fix)`,
    );
    await idle(pool, num('queries'));

    const seconds = num('seconds');
    const writerRate = num('writer-rate');
    const trackRate = num('track-rate');
    log(
      `3. ${trackRate} tracks/s (open loop, pool of 10) while two writer processes store ${writerRate} fixes/s (half each day, batches of ${args['writer-batch']}), ${seconds} s`,
    );
    const writers = Promise.all([
      writer(url, 'A', writerRate / 2, seconds + 2),
      writer(url, 'B', writerRate / 2, seconds + 2),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the writers under way
    const times = await trackLoad(pool, trackRate, seconds);
    const [wa, wb] = await writers;
    log(
      `  tracks: A n ${times.A.count} p50 ${ms(times.A.p50)} p95 ${ms(times.A.p95)} p99 ${ms(times.A.p99)} max ${ms(times.A.max)} ms | B n ${times.B.count} p50 ${ms(times.B.p50)} p95 ${ms(times.B.p95)} p99 ${ms(times.B.p99)} max ${ms(times.B.max)} ms | A/B p50 ${ratio(times.A.p50, times.B.p50)} p99 ${ratio(times.A.p99, times.B.p99)}`,
    );
    log(
      `  writers: A ${wa.rate.toFixed(0)} fixes/s (${wa.late} batches late), B ${wb.rate.toFixed(0)} (${wb.late} late); µs per stored fix: A ${wa.usPerFix.toFixed(2)}, B ${wb.usPerFix.toFixed(2)} (B/A ${(wb.usPerFix / wa.usPerFix).toFixed(2)}); backend CPU µs per fix: A ${wa.backendUsPerFix.toFixed(2)}, B ${wb.backendUsPerFix.toFixed(2)} (B/A ${(wb.backendUsPerFix / wa.backendUsPerFix).toFixed(2)})`,
    );
    log(`load ${loadAverage().join(' ')}`);
  } finally {
    await pool.end();
    if (!args.keep) await dropDatabase(adminUrl, name);
  }
}

await main();
