import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Harness, startHarness } from '@jt808/test-support/gateway-harness';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const MAIN = new URL('../src/cli/main.ts', import.meta.url).pathname;

/**
 * Runs the command from its TypeScript source (its worker processes inherit the loader). Worker
 * processes each load the sources through tsx: on a busy machine that alone took 20 s.
 */
async function fleetSim(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', MAIN, ...args],
      { timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('the fleet-sim command', () => {
  it('explains itself', async () => {
    const { code, stdout } = await fleetSim(['--help']);
    expect(code).toBe(0);
    for (const option of [
      '--terminals',
      '--speed',
      '--scenario',
      '--truth',
      '--per-process',
      '--source-addresses',
      '--acks',
      '--nice',
    ]) {
      expect(stdout).toContain(option);
    }
  });

  it('refuses bad values and bad scenario files, naming the culprit', async () => {
    expect(await fleetSim(['--speed', 'fast'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--speed must be a number, got "fast"'),
    });
    expect(await fleetSim(['-n', '500000'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--terminals must be a whole number from 1 to 400000'),
    });
    for (const nice of ['20', '-21', '1.5']) {
      expect(await fleetSim([`--nice=${nice}`])).toMatchObject({
        code: 2,
        stderr: expect.stringContaining(`--nice must be a whole number from -20 to 19, got ${Number(nice)}`),
      });
    }
    const path = join(await mkdtemp(join(tmpdir(), 'fleet-sim-')), 'scenario.json');
    await writeFile(path, JSON.stringify({ faults: [{ fault: 'offline', share: 0.1, at: 'noon' }] }));
    expect(await fleetSim(['--scenario', path])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('faults[0].at: must be a number'),
    });
  });

  it('spreads a fleet over worker processes and adds up their numbers, state and truth', async () => {
    harness = await startHarness();
    const dir = await mkdtemp(join(tmpdir(), 'fleet-sim-'));
    const scenario = join(dir, 'scenario.json');
    await writeFile(
      scenario,
      JSON.stringify({ faults: [{ fault: 'undervoltage', share: 0.5, at: 0, duration: 300 }] }),
    );
    const state = join(dir, 'state.json');
    const truth = join(dir, 'truth.jsonl');
    const acks = join(dir, 'acks.csv');
    const args = ['-n', '30', '--per-process', '10', '--port', String(harness.port), '--speed', '600'];
    const { code, stdout, stderr } = await fleetSim([
      ...args,
      ...[
        '--duration',
        '2.5',
        '--json',
        '--quiet',
        '--state',
        state,
        '--scenario',
        scenario,
        '--truth',
        truth,
        '--acks',
        acks,
      ],
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      processes: 3,
      terminals: 30,
      registrationsAccepted: 30,
      authenticationsAccepted: 30,
      connected: 0,
    });
    expect(report.errors).toEqual({});
    expect(report.locationsSent).toBeGreaterThan(30);
    expect(report.ackLatencyMs.count).toBe(report.acks);
    expect(Object.keys(JSON.parse(await readFile(state, 'utf8')))).toHaveLength(30);
    const records = (await readFile(truth, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records.length).toBeGreaterThan(5);
    expect(records.every((r) => r.fault === 'undervoltage' && r.index >= 0 && r.index < 30)).toBe(true);

    // Every worker's acknowledged locations, per terminal: exactly what the gateway put on the bus.
    const [header, ...lines] = (await readFile(acks, 'utf8')).trim().split('\n');
    expect(header).toBe('phone,acknowledged_locations');
    const acknowledged = new Map(lines.map((line) => line.split(',')).map(([p, n]) => [p!, Number(n)]));
    expect([...acknowledged.keys()]).toEqual(
      Array.from({ length: 30 }, (_, i) => `0139000000${String(i).padStart(2, '0')}`),
    );
    const published = new Map<string, number>();
    for (const { event } of harness.committed) {
      if (event.messageId !== 0x0200) continue;
      const phone = event.phone.slice(-12);
      published.set(phone, (published.get(phone) ?? 0) + 1);
    }
    for (const [phone, n] of acknowledged) expect(n, phone).toBe(published.get(phone) ?? 0);
    expect([...acknowledged.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(30);
  }, 90_000);

  it('records fixes through a blind area and uploads them as 0x0704 type 1 batches, counted in --acks', async () => {
    harness = await startHarness();
    const dir = await mkdtemp(join(tmpdir(), 'fleet-sim-'));
    const scenario = join(dir, 'scenario.json');
    // Ten simulated minutes without network from minute 1, all terminals (at --speed 600: 1 s real).
    await writeFile(
      scenario,
      JSON.stringify({ faults: [{ fault: 'blind-area', share: 1, at: 60, duration: 600 }] }),
    );
    const acks = join(dir, 'acks.csv');
    const { code, stdout, stderr } = await fleetSim([
      ...[
        '-n',
        '8',
        '--port',
        String(harness.port),
        '--speed',
        '600',
        '--duration',
        '4',
        '--json',
        '--quiet',
      ],
      ...[
        '--parked-interval',
        '10',
        '--driving-interval',
        '10',
        '--ramp',
        '1000',
        '--scenario',
        scenario,
        '--acks',
        acks,
      ],
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.errors).toEqual({});
    // 600 s at one fix per 10 s: up to 60 per terminal (the fleet looks at its faults a few times a
    // real second, so at --speed 600 an interval's ends move by up to a simulated minute or so).
    expect(report.blindAreaFixes).toBeGreaterThanOrEqual(8 * 40);
    expect(report.blindAreaFixes).toBeLessThanOrEqual(8 * 61);
    const live = new Map<string, number>();
    const batched = new Map<string, number[]>();
    for (const { event } of harness.committed) {
      const phone = event.phone.slice(-12);
      if (event.messageId === 0x0200) live.set(phone, (live.get(phone) ?? 0) + 1);
      if (event.messageId !== 0x0704) continue;
      const body = Buffer.from(event.body!);
      expect(body[2], 'location data type: blind-area supplement').toBe(1);
      const items = body.readUInt16BE(0);
      expect(items).toBeGreaterThan(0);
      expect(items).toBeLessThanOrEqual(50);
      expect(body.length).toBeLessThanOrEqual(1023);
      batched.set(phone, [...(batched.get(phone) ?? []), items]);
    }
    const uploaded = [...batched.values()].flat().reduce((a, b) => a + b, 0);
    expect(uploaded).toBe(report.blindAreaFixes);
    // A frame's body holds about 20 of these fixes: 40 and more go in several batches.
    expect([...batched.values()].every((sizes) => sizes.length >= 2)).toBe(true);
    const [, ...lines] = (await readFile(acks, 'utf8')).trim().split('\n');
    for (const [phone, n] of lines.map((line) => line.split(','))) {
      const items = (batched.get(phone!) ?? []).reduce((a, b) => a + b, 0);
      expect(Number(n), phone).toBe((live.get(phone!) ?? 0) + items);
    }
  }, 90_000);
});
