import { gzipSync } from 'node:zlib';
import { decodeSnapshot, encodeSnapshot, FleetIndex, snapshotVehicles } from '@jt808/api';
import type pg from 'pg';

export interface SnapshotResult {
  vehicles: number;
  runs: number;
  /** Medians over the runs. Loading the API's fleet index (at its start, and on roster changes). */
  indexLoadMs: number;
  /** A snapshot from the loaded index (what each connect costs): the pass over memory. */
  fromIndexMs: number;
  encodeMs: number;
  /** This process's CPU time for the encoding (steadier than wall time on a shared machine). */
  encodeCpuMs: number;
  bytes: number;
  gzipBytes: number;
  /** Baseline, same vehicles: JSON.stringify of the rows. */
  jsonMs: number;
  jsonCpuMs: number;
  jsonBytes: number;
  jsonGzipBytes: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * The fleet snapshot of every vehicle (an administrator's scope) built as the live route builds it:
 * the fleet index's load (once per API start or roster change), the pass over it
 * (snapshotVehicles), then the protobuf encoding (encodeSnapshot), each timed; against the plain
 * JSON of the same rows. The encoding is checked to decode to the same vehicle count.
 */
export async function measureSnapshot(pool: pg.Pool, runs: number): Promise<SnapshotResult> {
  const load: number[] = [];
  const fromIndex: number[] = [];
  const encode: number[] = [];
  const json: number[] = [];
  const encodeCpu: number[] = [];
  const jsonCpu: number[] = [];
  const cpuMs = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1000;
  };
  let bytes: Uint8Array = new Uint8Array();
  let text = '';
  let count = 0;
  for (let run = 0; run < runs; run++) {
    let t0 = performance.now();
    const index = await FleetIndex.load(pool);
    load.push(performance.now() - t0);
    t0 = performance.now();
    const vehicles = snapshotVehicles(index);
    fromIndex.push(performance.now() - t0);
    t0 = performance.now();
    let cpu = process.cpuUsage();
    bytes = encodeSnapshot(vehicles, Date.now());
    encode.push(performance.now() - t0);
    encodeCpu.push(cpuMs(cpu));
    t0 = performance.now();
    cpu = process.cpuUsage();
    text = JSON.stringify(vehicles);
    json.push(performance.now() - t0);
    jsonCpu.push(cpuMs(cpu));
    count = vehicles.length;
  }
  if (decodeSnapshot(bytes).vehicles.length !== count) throw new Error('snapshot does not round-trip');
  return {
    vehicles: count,
    runs,
    indexLoadMs: median(load),
    fromIndexMs: median(fromIndex),
    encodeMs: median(encode),
    encodeCpuMs: median(encodeCpu),
    bytes: bytes.length,
    gzipBytes: gzipSync(bytes).length,
    jsonMs: median(json),
    jsonCpuMs: median(jsonCpu),
    jsonBytes: Buffer.byteLength(text),
    jsonGzipBytes: gzipSync(text).length,
  };
}
