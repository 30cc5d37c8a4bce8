import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ensurePartitions } from '@jt808/storage';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * The API benchmark's data: a province-sized roster and a day of its history, loaded with COPY.
 * A full day at the real cadence for every vehicle (400,000 × 2,880 fixes) is 1.15 billion rows, more
 * than this machine can hold or load in a session, so (bench/README.md, "API"):
 * - the roster, current state and status are complete (every vehicle, every center);
 * - the hourly rollups (terminal_activity_hourly, positions_hourly) are complete for the day: they
 *   describe the full-cadence day (120 fixes an hour per reporting vehicle), as ingest would leave them;
 * - positions hold the full day at 30 s only for the `trackedPerCenter` first vehicles of each center
 *   (the ones the track queries ask for), plus `backgroundFixes` a day for every other vehicle seen, so
 *   the day's partition holds millions of rows in arrival order (one vehicle's fixes scattered over
 *   the heap as ingest leaves them) rather than a few tidy tracks;
 * - events and status transitions: a few per vehicle.
 */
export interface SeedOptions {
  centers: number;
  vehicles: number;
  trackedPerCenter: number;
  backgroundFixes: number;
  /** 00:00 UTC of the day of history. */
  day: Date;
}

export interface SeedReport {
  rows: Record<string, number>;
  seconds: Record<string, number>;
  totalSeconds: number;
}

const SLOTS = 2880; // 30 s fixes in a day
const HOUR_MS = 3_600_000;
const FIRST_PHONE = 13_800_000_000;
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

export const phoneOf = (id: number) => String(FIRST_PHONE + id);
export const centerOf = (id: number, centers: number) => ((id - 1) % centers) + 1;
/** Vehicles are spread over the centers in turn, so the first centers × n ids are n per center. */
export const isTracked = (id: number, o: SeedOptions) => id <= o.centers * o.trackedPerCenter;
/** The k-th vehicle (0-based) of a center. */
export const vehicleOf = (center: number, k: number, centers: number) => center + k * centers;
export const vehiclesOfCenter = (center: number, o: SeedOptions) =>
  Math.floor((o.vehicles - center) / o.centers) + 1;

type Status = 'online' | 'faulty' | 'offline' | 'never-seen';

/** 3 % never seen, 6 % offline (since noon), 3 % faulty, the rest online; tracked ones always online. */
export function statusOf(id: number, o: SeedOptions): Status {
  if (isTracked(id, o)) return 'online';
  if (id % 33 === 0) return 'never-seen';
  const r = id % 100;
  return r < 3 ? 'faulty' : r < 9 ? 'offline' : 'online';
}

function centerPlace(center: number): { lat: number; lon: number } {
  // Henan spans about 31.4-36.4 N, 110.4-116.6 E: the centers on an 8 × 8 grid over it.
  return { lat: 31.6 + ((center - 1) % 8) * 0.6, lon: 110.6 + Math.floor((center - 1) / 8) * 0.75 };
}

/** Where vehicle `id` is at `slot` of the day: loops around its center, ~50 km/h. */
function placeOf(id: number, slot: number, centers: number): { lat: number; lon: number } {
  const home = centerPlace(centerOf(id, centers));
  const phase = (id * 0.618) % (2 * Math.PI);
  const angle = phase + slot * 0.004;
  const radius = 0.05 + (id % 17) * 0.01;
  return { lat: home.lat + radius * Math.sin(angle), lon: home.lon + radius * Math.cos(angle) };
}

/** Hours of the day a vehicle was heard from: offline ones went quiet at noon. */
function activeHours(status: Status): number {
  return status === 'never-seen' ? 0 : status === 'offline' ? 12 : 24;
}

async function copy(client: pg.PoolClient, statement: string, lines: Iterable<string>): Promise<number> {
  function* chunks(): Generator<string> {
    let chunk: string[] = [];
    for (const line of lines) {
      chunk.push(line);
      if (chunk.length === 2000) {
        yield `${chunk.join('\n')}\n`;
        chunk = [];
      }
    }
    if (chunk.length > 0) yield `${chunk.join('\n')}\n`;
  }
  const stream = client.query(copyFrom(statement));
  await pipeline(Readable.from(chunks()), stream);
  return Number(stream.rowCount);
}

function* range(first: number, last: number): Generator<number> {
  for (let i = first; i <= last; i++) yield i;
}

function* map<T, U>(items: Iterable<T>, f: (item: T) => U | undefined): Generator<U> {
  for (const item of items) {
    const out = f(item);
    if (out !== undefined) yield out;
  }
}

export async function seed(pool: pg.Pool, o: SeedOptions, log: (line: string) => void): Promise<SeedReport> {
  const rows: Record<string, number> = {};
  const seconds: Record<string, number> = {};
  const day = o.day.getTime();
  const iso = (ms: number) => new Date(ms).toISOString();
  const slotTime = Array.from({ length: SLOTS }, (_, s) => iso(day + s * 30_000));
  const started = performance.now();
  await ensurePartitions(pool, new Date(day + 86_400_000), o.day);
  const client = await pool.connect();
  try {
    const step = async (table: string, statement: string, lines: Iterable<string>) => {
      const t0 = performance.now();
      rows[table] = (rows[table] ?? 0) + (await copy(client, statement, lines));
      seconds[table] = (seconds[table] ?? 0) + (performance.now() - t0) / 1000;
      log(`seed: ${table} ${rows[table]!.toLocaleString('en')} rows in ${seconds[table]!.toFixed(1)} s`);
    };
    const vehicles = () => range(1, o.vehicles);
    await step(
      'centers',
      'COPY centers (id, code, name, region, latitude, longitude) FROM STDIN',
      map(range(1, o.centers), (c) => {
        const { lat, lon } = centerPlace(c);
        return `${c}\tC${c}\t监控中心${c}\t豫${LETTERS[c % LETTERS.length]}\t${lat}\t${lon}`;
      }),
    );
    await step(
      'vehicles',
      'COPY vehicles (id, plate, plate_color, vin, center_id) FROM STDIN',
      map(vehicles(), (id) => {
        const center = centerOf(id, o.centers);
        const plate = `豫${LETTERS[center % LETTERS.length]}${String(id).padStart(6, '0')}`;
        return `${id}\t${plate}\t2\tLJT808${String(id).padStart(11, '0')}\t${center}`;
      }),
    );
    await client.query(`SELECT setval('vehicles_id_seq', $1)`, [o.vehicles]);
    await step(
      'terminals',
      'COPY terminals (phone, terminal_id, maker, model, edition, vehicle_id) FROM STDIN',
      map(vehicles(), (id) => `${phoneOf(id)}\tT${id}\tM${id % 7}\tX${id % 5}\t2013\t${id}`),
    );
    await step(
      'terminal_state',
      `COPY terminal_state (phone, online, last_seen_at, last_fix_time, latitude, longitude, speed, direction, alarm, status,
        satellites, signal_strength, updated_at) FROM STDIN`,
      map(vehicles(), (id) => {
        const status = statusOf(id, o);
        if (status === 'never-seen') return undefined;
        const last = status === 'offline' ? SLOTS / 2 - 1 : SLOTS - 1;
        const { lat, lon } = placeOf(id, last, o.centers);
        const online = status === 'offline' ? 'f' : 't';
        return `${phoneOf(id)}\t${online}\t${slotTime[last]}\t${slotTime[last]}\t${lat}\t${lon}\t50\t90\t0\t3\t12\t25\t${slotTime[last]}`;
      }),
    );
    await step(
      'terminal_status',
      'COPY terminal_status (phone, status, reasons, since, health) FROM STDIN',
      map(vehicles(), (id) => {
        const status = statusOf(id, o);
        if (status === 'never-seen') return undefined;
        const reasons = status === 'faulty' ? (id % 2 ? '{drift}' : '{no-fix}') : '{}';
        return `${phoneOf(id)}\t${status}\t${reasons}\t${slotTime[0]}\t{}`;
      }),
    );
    // Every vehicle came online in the morning; the faulty and offline ones changed again later.
    await step(
      'status_transitions',
      'COPY status_transitions (phone, at, from_status, to_status, reasons, recorded_at) FROM STDIN',
      (function* () {
        for (const id of vehicles()) {
          const status = statusOf(id, o);
          if (status === 'never-seen') continue;
          const at = slotTime[id % 240]!;
          yield `${phoneOf(id)}\t${at}\toffline\tonline\t{}\t${at}`;
          if (status === 'online') continue;
          const later = slotTime[SLOTS / 2 + (id % 240)]!;
          const reasons = status === 'faulty' ? (id % 2 ? '{drift}' : '{no-fix}') : '{}';
          yield `${phoneOf(id)}\t${later}\tonline\t${status}\t${reasons}\t${later}`;
        }
      })(),
    );
    await step(
      'terminal_events',
      'COPY terminal_events (phone, at, kind, detail, source) FROM STDIN',
      (function* () {
        for (const id of vehicles()) {
          const status = statusOf(id, o);
          if (status === 'never-seen') continue;
          yield `${phoneOf(id)}\t${slotTime[id % 240]}\tsession-opened\t{"gateway":"g1"}\tseed-${id}-1`;
          if (status === 'offline') {
            yield `${phoneOf(id)}\t${slotTime[SLOTS / 2]}\tsession-closed\t{"reason":"timeout"}\tseed-${id}-2`;
          }
        }
      })(),
    );
    // The hourly rollups, in (hour, phone) order as the hourly refresh writes them.
    const hourly = (line: (id: number, hour: string, status: Status) => string) =>
      (function* () {
        for (let h = 0; h < 24; h++) {
          const hour = iso(day + h * HOUR_MS);
          for (const id of vehicles()) {
            const status = statusOf(id, o);
            if (h < activeHours(status)) yield line(id, hour, status);
          }
        }
      })();
    await step(
      'terminal_activity_hourly',
      'COPY terminal_activity_hourly (hour, phone) FROM STDIN',
      hourly((id, hour) => `${hour}\t${phoneOf(id)}`),
    );
    await step(
      'positions_hourly',
      'COPY positions_hourly (hour, phone, fixes, unqualified) FROM STDIN',
      hourly((id, hour, status) => `${hour}\t${phoneOf(id)}\t120\t${status === 'faulty' ? 12 : 0}`),
    );
    // Positions in arrival order: slot by slot, every vehicle that reported in that slot (the tracked
    // ones every slot, each other vehicle every `every` slots, staggered by its id).
    const every = Math.max(1, Math.round(SLOTS / Math.max(1, o.backgroundFixes)));
    const firstOther = o.centers * o.trackedPerCenter + 1;
    const fix = (id: number, slot: number): string | undefined => {
      const status = statusOf(id, o);
      if (slot >= activeHours(status) * 120) return undefined;
      // A few tracked vehicles have a 20-minute hole, so track completeness is not trivially 1.
      if (isTracked(id, o) && id % 7 === 0 && slot >= 1000 && slot < 1040) return undefined;
      const { lat, lon } = placeOf(id, slot, o.centers);
      const quality = status === 'faulty' && slot % 10 === 0 ? 1 : 0;
      const at = slotTime[slot]!;
      return `${phoneOf(id)}\t${at}\t${at}\t${lat.toFixed(6)}\t${lon.toFixed(6)}\t100\t50\t${slot % 360}\t0\t3\t25\t12\t${quality}`;
    };
    await step(
      'positions',
      `COPY positions (phone, gps_time, received_at, latitude, longitude, altitude, speed, direction, alarm, status,
        signal_strength, satellites, quality) FROM STDIN`,
      (function* () {
        for (let slot = 0; slot < SLOTS; slot++) {
          const ids: number[] = [];
          for (let id = 1; id < firstOther && id <= o.vehicles; id++) ids.push(id);
          if (o.backgroundFixes > 0) {
            // ids with (slot + id) % every === 0, from the first untracked one on
            let id = firstOther + ((((every - ((slot + firstOther) % every)) % every) + every) % every);
            for (; id <= o.vehicles; id += every) ids.push(id);
          }
          for (const id of ids) {
            const line = fix(id, slot);
            if (line !== undefined) yield line;
          }
        }
      })(),
    );
    const t0 = performance.now();
    await client.query('VACUUM ANALYZE');
    seconds['vacuum analyze'] = (performance.now() - t0) / 1000;
    log(`seed: vacuum analyze in ${seconds['vacuum analyze']!.toFixed(1)} s`);
  } finally {
    client.release();
  }
  return { rows, seconds, totalSeconds: (performance.now() - started) / 1000 };
}
