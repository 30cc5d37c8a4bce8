/**
 * bench:track's writer, a process of its own (so its encoding does not stall the readers' event
 * loop): stores fixes into one day through ingest's statements (binary COPY into the staging table,
 * INSERT … ON CONFLICT DO NOTHING), in transactions of `batch` rows at `rate` fixes/s, for
 * `seconds`; fixes of vehicles not tracked (phones 137…), every one 15 s into its 30-s slot. Reports
 * { rate, late, usPerFix, backendUsPerFix } to its parent.
 */
import { CREATE_STAGING, insertPositions, type PositionRow } from '@jt808/storage';
import pg from 'pg';
import { cpuOf } from '../proc.js';

const [url, dayIso, rateText, batchText, secondsText] = process.argv.slice(2);
const day = new Date(dayIso!).getTime();
const [rate, batch, seconds] = [Number(rateText), Number(batchText), Number(secondsText)];
const PHONES = 100_000;
// Ends with the run, also when the run fails.
process.on('disconnect', () => process.exit(1));

function rows(first: number): PositionRow[] {
  return Array.from({ length: batch }, (_, k) => {
    const j = first + k;
    const at = new Date(day + Math.floor(j / PHONES) * 30_000 + 15_000);
    return {
      phone: `137${String(j % PHONES).padStart(8, '0')}`,
      gpsTime: at,
      receivedAt: at,
      latitude: 30.5,
      longitude: 110.5,
      altitude: 100,
      speed: 40,
      direction: 90,
      alarm: 0,
      status: 3,
      mileage: 1000,
      fuel: 50,
      signalStrength: 25,
      satellites: 12,
      blindArea: false,
      quality: 0,
      extras: null,
      source: 'bench',
    };
  });
}

const pool = new pg.Pool({ connectionString: url, max: 1 });
const client = await pool.connect();
const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
const cpuBefore = cpuOf(pid)!;
let written = 0;
let late = 0;
let busyMs = 0;
const started = performance.now();
while (performance.now() - started < seconds * 1000) {
  const batchRows = rows(written);
  const t = performance.now();
  await client.query('BEGIN');
  await client.query(CREATE_STAGING);
  await insertPositions(client, batchRows);
  await client.query('COMMIT');
  busyMs += performance.now() - t;
  written += batch;
  const wait = started + (written * 1000) / rate - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  else late++;
}
const backendSeconds = cpuOf(pid)! - cpuBefore;
client.release();
await pool.end();
process.send!(
  {
    rate: written / ((performance.now() - started) / 1000),
    late,
    usPerFix: (busyMs * 1000) / written,
    backendUsPerFix: (backendSeconds * 1e6) / written,
  },
  // The IPC channel would keep this process alive.
  () => process.exit(0),
);
