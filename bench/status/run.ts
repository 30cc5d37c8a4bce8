/**
 * Status engine cost at fleet scale: a full evaluation pass over 400,000 terminals, memory per
 * terminal, and the engine's added cost per ingested fix. The baseline, measured in the same run,
 * is the floor of any pass: a loop that reads one field of each of the same 400,000 objects.
 *
 *   npm run bench:status -w @jt808/bench     (node --expose-gc, built packages)
 */
import { type Delivery, EventKind } from '@jt808/bus';
import { encodeBody, MessageId } from '@jt808/protocol';
import { DEFAULT_SETTINGS, StatusEngine } from '@jt808/status';

const TERMINALS = Number(process.env.TERMINALS ?? 400_000);
const PASSES = 15;
const T0 = Date.parse('2026-11-23T08:00:00Z');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function heapMb(): number {
  gc!();
  gc!();
  const usage = process.memoryUsage();
  // Typed arrays above 64 bytes keep their bytes outside the JS heap: count both.
  return (usage.heapUsed + usage.arrayBuffers) / 1e6;
}

/** One location per terminal, as the bus would carry it. */
function batchFor(first: number, count: number, atMs: number): Delivery[] {
  const batch: Delivery[] = [];
  for (let i = first; i < first + count; i++) {
    const body = encodeBody({
      name: 'locationReport',
      header: { phone: '0', serial: 0 },
      body: {
        alarm: i % 100 === 0 ? 1 << 5 : 0,
        status: 3,
        latitude: 34 + (i % 1000) / 1000,
        longitude: 113 + (atMs - T0) / 1e8,
        altitude: 100,
        speed: 40,
        direction: 90,
        time: new Date(atMs - 1000),
        extras: { satellites: 10, signalStrength: 20 },
      },
    });
    batch.push({
      id: String(i),
      raw: new Uint8Array(0),
      event: {
        kind: EventKind.Message,
        phone: String(13900000000 + i),
        gatewayId: 'g',
        sessionId: 's',
        atMs,
        messageId: MessageId.locationReport,
        serial: 0,
        edition: '2013',
        body,
      },
    });
  }
  return batch;
}

const before = heapMb();
const engine = new StatusEngine(DEFAULT_SETTINGS);
for (let i = 0; i < TERMINALS; i++) engine.terminal(String(13900000000 + i), i % 60);

// Three rounds of fixes, 30 s apart, fed in batches of 2,000 as the consumer would; timed per fix.
const applyNsPerFix: number[] = [];
for (let round = 0; round < 3; round++) {
  const atMs = T0 + round * 30_000;
  for (let first = 0; first < TERMINALS; first += 2000) {
    const batch = batchFor(first, Math.min(2000, TERMINALS - first), atMs);
    const start = process.hrtime.bigint();
    engine.apply(batch);
    applyNsPerFix.push(Number(process.hrtime.bigint() - start) / batch.length);
  }
}
engine.takeDirty();
const after = heapMb();

const passMs: number[] = [];
for (let i = 0; i < PASSES; i++) {
  const start = process.hrtime.bigint();
  engine.pass(T0 + 90_000 + i * 1000);
  passMs.push(Number(process.hrtime.bigint() - start) / 1e6);
}

const plain = Array.from({ length: TERMINALS }, (_, i) => ({ lastSeenMs: T0 + i }));
const floorMs: number[] = [];
let sink = 0;
for (let i = 0; i < PASSES; i++) {
  const start = process.hrtime.bigint();
  for (const terminal of plain) sink += terminal.lastSeenMs > T0 ? 1 : 0;
  floorMs.push(Number(process.hrtime.bigint() - start) / 1e6);
}

const pass = median(passMs);
const floor = median(floorMs);
const counts = engine.counts();
console.log(`terminals                    ${TERMINALS.toLocaleString('en')}`);
console.log(`full pass, median of ${PASSES}      ${pass.toFixed(1)} ms   (target < 100 ms)`);
console.log(`baseline loop (floor)        ${floor.toFixed(1)} ms   pass/floor ${(pass / floor).toFixed(1)}x`);
console.log(
  `memory per terminal          ${(((after - before) * 1e6) / TERMINALS).toFixed(0)} bytes (target < 1 KB; heap + array buffers after gc)`,
);
console.log(
  `apply, per fix (median)      ${(median(applyNsPerFix) / 1000).toFixed(2)} µs (decode + engine; ${(1e9 / median(applyNsPerFix)).toFixed(0)} fixes/s on one core)`,
);
console.log(`verdicts                     ${JSON.stringify(counts)}   (sink ${sink > 0})`);
