import { registrationFor } from '@jt808/test-support/terminal';
import { describe, expect, it } from 'vitest';
import { BatchedLookup } from '../src/roster/batched-lookup.js';
import type { RegistrationFacts } from '../src/roster/roster.js';
import { decideRegistration } from '../src/roster/roster-rules.js';

const PHONE = '13800000001';
const installed: RegistrationFacts = {
  terminal: {
    terminalId: 'T000001',
    pending: false,
    vehicle: { plate: '豫A12345', plateColor: 2, vin: 'LVIN01' },
  },
  plateVehicle: { terminalPhone: PHONE, plannedInstallation: false },
};
const decide = (facts: RegistrationFacts, terminalId = 'T000001', plate = '豫A12345', plateColor = 2) =>
  decideRegistration(PHONE, { ...registrationFor('2013', terminalId, plate), plateColor }, facts, 'reject');

describe('the registration decision', () => {
  it('lets a known terminal in with its terminal id and its vehicle plate, or the VIN with colour 0', () => {
    expect(decide(installed)).toEqual({ result: 0, pending: false, known: true });
    expect(decide(installed, 'T000001', 'LVIN01', 0)).toMatchObject({ result: 0 });
    expect(decide(installed, ' T000001 ')).toMatchObject({ result: 0 });
  });

  it('refuses an empty or other terminal id with 3, whatever else matches', () => {
    expect(decide(installed, '')).toMatchObject({ result: 3, reason: 'terminal-id-missing', known: true });
    expect(decide(installed, '   ')).toMatchObject({ result: 3, reason: 'terminal-id-missing' });
    expect(decide(installed, 'T000002')).toMatchObject({ result: 3, reason: 'terminal-id-mismatch' });
    // Listed without an id, the phone still needs one.
    const unbound = { ...installed, terminal: { ...installed.terminal!, terminalId: null } };
    expect(decide(unbound, 'ANY0001')).toMatchObject({ result: 0 });
    expect(decide(unbound, '')).toMatchObject({ result: 3 });
  });

  it('refuses another vehicle plate with 1 and a plate the roster lacks with 2', () => {
    const other = {
      ...installed,
      plateVehicle: { terminalPhone: '13800000002', plannedInstallation: false },
    };
    expect(decide(other, 'T000001', '豫B00001')).toMatchObject({
      result: 1,
      reason: 'plate-of-another-vehicle',
    });
    expect(decide({ terminal: installed.terminal }, 'T000001', '豫Z99999')).toMatchObject({
      result: 2,
      reason: 'vehicle-not-in-roster',
    });
    expect(decide({ terminal: installed.terminal }, 'T000001', '豫A12345', 1)).toMatchObject({ result: 2 });
    expect(decide({ terminal: installed.terminal }, 'T000001', '')).toMatchObject({ result: 2 });
  });

  it('lets a known terminal without a vehicle name a free one, not one carrying another terminal', () => {
    const loose = { terminal: { terminalId: 'T000001', pending: true, vehicle: null } };
    expect(decide(loose, 'T000001', '')).toEqual({ result: 0, pending: true, known: true });
    expect(
      decide({ ...loose, plateVehicle: { terminalPhone: null, plannedInstallation: false } }),
    ).toMatchObject({
      result: 0,
    });
    expect(
      decide({ ...loose, plateVehicle: { terminalPhone: '13800000009', plannedInstallation: true } }),
    ).toMatchObject({ result: 1, reason: 'plate-held-by-another-terminal' });
    expect(decide(loose)).toMatchObject({ result: 2 });
  });

  it('refuses an unknown phone with 4 unless an installation is planned for its vehicle or the policy says pending', () => {
    expect(decide({})).toEqual({ result: 4, pending: false, known: false, reason: 'terminal-not-in-roster' });
    expect(decide({ plateVehicle: { terminalPhone: null, plannedInstallation: false } })).toMatchObject({
      result: 4,
    });
    expect(decide({ plateVehicle: { terminalPhone: null, plannedInstallation: true } })).toEqual({
      result: 0,
      pending: true,
      known: false,
    });
    expect(
      decide({ plateVehicle: { terminalPhone: '13800000009', plannedInstallation: true } }),
    ).toMatchObject({
      result: 1,
    });
    expect(decideRegistration(PHONE, registrationFor('2013', ''), {}, 'pending')).toMatchObject({
      result: 0,
      pending: true,
    });
  });
});

describe('BatchedLookup', () => {
  it('asks once for everything asked in one turn, and gathers what arrives while it is busy', async () => {
    const calls: string[][] = [];
    let release: () => void = () => {};
    const lookup = new BatchedLookup<number>(
      async (keys) => {
        calls.push(keys);
        if (calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return new Map(keys.filter((k) => k !== 'none').map((k) => [k, Number(k)]));
      },
      3,
      1,
    );
    const first = [lookup.get('1'), lookup.get('2'), lookup.get('2')];
    await new Promise((r) => setTimeout(r, 5));
    const later = ['3', '4', '5', '6', 'none'].map((k) => lookup.get(k));
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toEqual([['1', '2']]);
    release();
    expect(await Promise.all(first)).toEqual([1, 2, 2]);
    expect(await Promise.all(later)).toEqual([3, 4, 5, 6, undefined]);
    expect(calls).toEqual([
      ['1', '2'],
      ['3', '4', '5'],
      ['6', 'none'],
    ]);
  });

  it('lets a key wait up to the gather time for others, and sends a full batch at once', async () => {
    const calls: string[][] = [];
    const lookup = new BatchedLookup<string>(
      async (keys) => {
        calls.push(keys);
        return new Map(keys.map((k) => [k, k]));
      },
      4,
      2,
      50,
    );
    const spread = [lookup.get('a')];
    await new Promise((r) => setTimeout(r, 10));
    spread.push(lookup.get('b'));
    await new Promise((r) => setTimeout(r, 10));
    spread.push(lookup.get('c'));
    expect(calls).toEqual([]);
    expect(await Promise.all(spread)).toEqual(['a', 'b', 'c']);
    expect(calls).toEqual([['a', 'b', 'c']]);
    // A full batch does not wait out a gather time (a minute here: the test would time out).
    const patient = new BatchedLookup<string>(async (keys) => new Map(keys.map((k) => [k, k])), 4, 2, 60_000);
    expect(await Promise.all(['w', 'x', 'y', 'z'].map((k) => patient.get(k)))).toEqual(['w', 'x', 'y', 'z']);
  });

  it('fails the waiters of a failed batch only, and goes on', async () => {
    let fail = true;
    const lookup = new BatchedLookup<string>(
      async (keys) => {
        if (fail) throw new Error('database down');
        return new Map(keys.map((k) => [k, k]));
      },
      10,
      2,
    );
    await expect(lookup.get('a')).rejects.toThrow('database down');
    fail = false;
    expect(await lookup.get('a')).toBe('a');
  });
});
