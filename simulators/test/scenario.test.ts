import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocationFields } from '@jt808/protocol';
import { describe, expect, it } from 'vitest';
import { Random } from '../src/fleet/random.js';
import { Alarm, Status } from '../src/fleet/report.js';
import { FAULT_KINDS, loadScenario, parseScenario, ScenarioError } from '../src/index.js';
import { applyFaults, rememberPosition } from '../src/scenario/fault-effects.js';
import { FaultPlan } from '../src/scenario/fault-plan.js';
import { Fault } from '../src/scenario/faults.js';

const DEMO = new URL('../scenarios/demo.json', import.meta.url).pathname;
const fleet = { seed: 1, phoneBase: '013900000000', first: 0, count: 10_000 };

function errorOf(document: unknown): string {
  try {
    parseScenario(document);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message;
  }
  throw new Error('the scenario was accepted');
}

describe('scenario files', () => {
  it('accept the demo scenario, which uses every fault', async () => {
    const scenario = await loadScenario(DEMO);
    expect(new Set(scenario.faults.map((f) => f.fault))).toEqual(new Set(FAULT_KINDS));
  });

  it('name the field that is wrong', () => {
    const ok = { fault: 'power-cut', share: 0.1, at: 60, duration: 600 };
    expect(errorOf([])).toMatch(/must be a JSON object with a "faults" array/);
    expect(errorOf({ faults: {} })).toMatch(/"faults" must be an array/);
    expect(errorOf({ faults: [ok], extra: 1 })).toMatch(/unknown field "extra"/);
    expect(errorOf({ faults: [ok, { ...ok, fault: 'power-outage' }] })).toMatch(
      /faults\[1\]\.fault: must be one of silent, offline.*\(got "power-outage"\)/,
    );
    expect(errorOf({ faults: [{ ...ok, share: 1.5 }] })).toMatch(
      /faults\[0\]\.share: must be a number from 0 to 1 \(got 1.5\)/,
    );
    expect(errorOf({ faults: [{ ...ok, at: -1 }] })).toMatch(/faults\[0\]\.at: must be a number at least 0/);
    expect(errorOf({ faults: [{ ...ok, duration: 0 }] })).toMatch(
      /faults\[0\]\.duration: must be a number above 0/,
    );
    expect(errorOf({ faults: [{ ...ok, duration: '10' }] })).toMatch(/faults\[0\]\.duration: .*\(got "10"\)/);
    expect(errorOf({ faults: [{ ...ok, durration: 10 }] })).toMatch(/faults\[0\]: unknown field "durration"/);
    expect(errorOf({ faults: [{ ...ok, terminals: [1] }] })).toMatch(
      /faults\[0\]: give either "share".*or "terminals"/,
    );
    expect(errorOf({ faults: [{ fault: 'offline' }] })).toMatch(/faults\[0\]: give either/);
    expect(errorOf({ faults: [{ fault: 'offline', terminals: [1, 'x1'] }] })).toMatch(
      /faults\[0\]\.terminals\[1\]: must be a terminal index .* got "x1"/,
    );
    expect(errorOf({ faults: [{ ...ok, every: 30 }] })).toMatch(
      /faults\[0\]\.every: applies to "reconnect-storm" only/,
    );
    expect(errorOf({ faults: [{ fault: 'garbage', share: 0.1, probability: 2 }] })).toMatch(
      /faults\[0\]\.probability: must be a number from 0 to 1/,
    );
  });

  it('name the file when it cannot be read or parsed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleet-sim-'));
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ "faults": [ }');
    await expect(loadScenario(broken)).rejects.toThrow(/scenario file .*broken\.json: not valid JSON/);
    await expect(loadScenario(join(dir, 'missing.json'))).rejects.toThrow(
      /scenario file .*missing\.json: ENOENT/,
    );
    await writeFile(broken, '{ "faults": [{ "fault": "offline", "share": "all" }] }');
    await expect(loadScenario(broken)).rejects.toThrow(/broken\.json: faults\[0\]\.share: must be a number/);
  });
});

describe('the fault plan', () => {
  it('hits the configured share of the fleet, the same terminals for the same seed', () => {
    const scenario = parseScenario({ faults: [{ fault: 'power-cut', share: 0.1, at: 60, duration: 600 }] });
    const plan = new FaultPlan(scenario, fleet);
    const hit = [...plan.targets(plan.faults[0]!, 0, 10_000)];
    expect(hit.length / 10_000).toBeCloseTo(0.1, 1);
    expect([...new FaultPlan(scenario, fleet).targets(plan.faults[0]!, 0, 10_000)]).toEqual(hit);
    expect([
      ...new FaultPlan(scenario, { ...fleet, seed: 2 }).targets(plan.faults[0]!, 0, 10_000),
    ]).not.toEqual(hit);
    // A worker's slice sees exactly its part of the same selection.
    expect([...plan.targets(plan.faults[0]!, 5000, 6000)]).toEqual(hit.filter((i) => i >= 5000 && i < 6000));
    const index = hit[0]!;
    expect(plan.maskAt(index, 59_999)).toBe(0);
    expect(plan.maskAt(index, 60_000)).toBe(Fault.powerCut);
    expect(plan.maskAt(index, 660_000)).toBe(0);
  });

  it('takes explicit terminals by index or phone, and refuses ones outside the fleet', () => {
    const scenario = parseScenario({ faults: [{ fault: 'offline', terminals: [3, '013900000007'], at: 0 }] });
    const plan = new FaultPlan(scenario, fleet);
    expect([...plan.targets(plan.faults[0]!, 0, 10_000)]).toEqual([3, 7]);
    expect(plan.faults[0]!.endMs).toBe(Number.POSITIVE_INFINITY);
    expect(() => new FaultPlan(scenario, { ...fleet, first: 5 })).toThrow(
      /faults\[0\]\.terminals\[0\]: terminal 3 is not in this fleet \(indexes 5\.\.10004\)/,
    );
  });

  it('hands out starts, ends and storm pulses in time order, once', () => {
    const scenario = parseScenario({
      faults: [
        { fault: 'reconnect-storm', share: 0.5, at: 100, duration: 250, every: 100 },
        { fault: 'silent', share: 0.5, at: 50, duration: 100 },
      ],
    });
    const plan = new FaultPlan(scenario, fleet);
    const events = plan.due(1_000_000).map((e) => `${e.atMs / 1000}:${e.type}:${e.fault.kind}`);
    expect(events).toEqual([
      '50:start:silent',
      '100:start:reconnect-storm',
      '100:storm:reconnect-storm',
      '150:end:silent',
      '200:storm:reconnect-storm',
      '300:storm:reconnect-storm',
      '350:end:reconnect-storm',
    ]);
    expect(plan.due(2_000_000)).toEqual([]);
  });
});

describe('fault effects on a location report', () => {
  const healthy = (): LocationFields => ({
    alarm: 0,
    status: Status.accOn | Status.positioned | Status.gps | Status.beidou,
    latitude: 34.75,
    longitude: 113.62,
    altitude: 110,
    speed: 62.5,
    direction: 90,
    time: new Date('2026-11-23T07:30:45Z'),
    extras: { mileage: 1000, satellites: 12, signalStrength: 20 },
  });
  const context = (faults: number) => ({
    faults,
    memory: rememberPosition({ latitude: 34.5, longitude: 113.5 }),
    index: 1,
    seed: 1,
    random: new Random(1),
    skewHours: undefined,
    driftKm: undefined,
  });

  it('raises the alarm bits of power and GNSS faults', () => {
    expect(applyFaults(healthy(), context(Fault.powerCut)).alarm).toBe(Alarm.mainPowerCut);
    expect(applyFaults(healthy(), context(Fault.undervoltage)).alarm).toBe(Alarm.mainPowerUndervoltage);
    const antenna = applyFaults(healthy(), context(Fault.gnssAntennaOpen));
    expect(antenna.alarm).toBe(Alarm.gnssAntennaOpen);
    expect(antenna.status & Status.positioned).toBe(0);
    expect(antenna).toMatchObject({ latitude: 34.5, longitude: 113.5, speed: 0 });
  });

  it('loses the fix, freezes, drifts and skews the clock', () => {
    const noFix = applyFaults(healthy(), context(Fault.noFix));
    expect(noFix.status & Status.positioned).toBe(0);
    expect([0, 34.5]).toContain(noFix.latitude);
    const frozen = applyFaults(healthy(), context(Fault.frozenPosition));
    expect(frozen).toMatchObject({ latitude: 34.5, longitude: 113.5, speed: 62.5 });
    expect(frozen.status & Status.positioned).toBe(Status.positioned);
    const drifted = applyFaults(healthy(), context(Fault.positionDrift));
    const jumpKm = Math.hypot(drifted.latitude - 34.75, (drifted.longitude - 113.62) * 0.82) * 111;
    expect(jumpKm).toBeGreaterThan(9);
    expect(jumpKm).toBeLessThan(61);
    const skewed = applyFaults(healthy(), { ...context(Fault.clockSkew), skewHours: -8 });
    expect(skewed.time).toEqual(new Date('2026-11-22T23:30:45Z'));
    const defaultSkew =
      applyFaults(healthy(), context(Fault.clockSkew)).time!.getTime() - healthy().time!.getTime();
    expect(Math.abs(defaultSkew) / 3_600_000).toBeGreaterThanOrEqual(1);
    expect(Math.abs(defaultSkew) / 3_600_000).toBeLessThanOrEqual(12);
  });
});
