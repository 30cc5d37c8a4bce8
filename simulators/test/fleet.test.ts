import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Delivery, EventKind } from '@jt808/bus';
import { decodeBody, type Header, type LocationFields } from '@jt808/protocol';
import { type Harness, startHarness } from '@jt808/test-support/gateway-harness';
import { until } from '@jt808/test-support/wait';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AckInfo,
  Fleet,
  type FleetOptions,
  identityOf,
  insideHenan,
  parseScenario,
  StateFile,
  type TruthRecord,
} from '../src/index.js';

const SIM_START = Date.parse('2026-11-23T00:00:00Z');
const MAIN_POWER_CUT = 1 << 8;

let harness: Harness | undefined;
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.stop();
  await harness?.close();
  fleet = undefined;
  harness = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runFleet(options: Omit<FleetOptions, 'port'>, realMs: number) {
  const acks: AckInfo[] = [];
  fleet = new Fleet({
    port: harness!.port,
    speed: 600,
    simStartMs: SIM_START,
    onAck: (ack) => acks.push(ack),
    ...options,
  });
  await fleet.start();
  await until(() => fleet!.stats().authenticated === options.count, 10_000);
  await sleep(realMs);
  const summary = await fleet.stop();
  return { acks, summary };
}

function committed(kind: number, messageId?: number): Delivery[] {
  return harness!.committed.filter(
    (d) => d.event.kind === kind && (messageId === undefined || d.event.messageId === messageId),
  );
}

function locationOf(delivery: Delivery): LocationFields {
  const header = { messageId: 0x0200, edition: delivery.event.edition, encryption: 0 } as Header;
  const message = decodeBody(header, delivery.event.body!);
  if (message.name !== 'locationReport') throw new Error(`not a location: ${message.name}`);
  return message.body;
}

describe('a fleet against the real gateway', () => {
  it('registers and authenticates every terminal; every acknowledged location was committed', async () => {
    harness = await startHarness();
    const { acks, summary } = await runFleet({ count: 50, share2019: 0.5 }, 2500);
    expect(summary).toMatchObject({
      terminals: 50,
      registrationsSent: 50,
      registrationsAccepted: 50,
      authenticationsAccepted: 50,
      ackRefusals: 0,
    });
    expect(summary.errors).toEqual({});
    expect(committed(EventKind.Registered)).toHaveLength(50);
    expect(committed(EventKind.Authenticated)).toHaveLength(50);

    const acknowledged = acks.filter((a) => a.messageId === 0x0200 && a.result === 0);
    const stored = committed(EventKind.Message, 0x0200);
    const storedKeys = new Set(stored.map((d) => `${d.event.phone}#${d.event.serial}`));
    expect(acknowledged.length).toBeGreaterThan(200);
    expect(storedKeys.size).toBe(stored.length);
    for (const ack of acknowledged) expect(storedKeys.has(`${ack.phone}#${ack.serial}`)).toBe(true);
    // Nothing was committed that the simulator did not send (sent but unanswered at stop is possible).
    expect(stored.length).toBeGreaterThanOrEqual(acknowledged.length);
    expect(stored.length).toBeLessThanOrEqual(summary.locationsSent);
    // Both editions, as the gateway sees them: 2019 phones are 20 digits.
    expect(new Set(stored.map((d) => d.event.edition))).toEqual(new Set(['2013', '2019']));
    expect(stored.every((d) => d.event.phone.length === (d.event.edition === '2019' ? 20 : 12))).toBe(true);

    const locations = stored.map(locationOf);
    const simEnd = SIM_START + 600 * 10_000;
    for (const location of locations) {
      expect(insideHenan(location)).toBe(true);
      expect(location.speed).toBeLessThanOrEqual(100);
      expect(location.time!.getTime()).toBeGreaterThanOrEqual(SIM_START);
      expect(location.time!.getTime()).toBeLessThan(simEnd);
      expect(location.extras.mileage).toBeGreaterThan(0);
    }
    expect(locations.some((l) => l.speed > 0)).toBe(true);
    expect(summary.ackLatencyMs.count).toBe(summary.acks);
  });

  it('only authenticates after a restart with the state file, and registers again when refused', async () => {
    harness = await startHarness();
    const path = join(await mkdtemp(join(tmpdir(), 'fleet-sim-')), 'state.json');
    const first = await runFleet({ count: 20, stateFile: path }, 300);
    expect(first.summary.registrationsAccepted).toBe(20);
    const saved = JSON.parse(await readFile(path, 'utf8'));
    expect(Object.keys(saved)).toHaveLength(20);
    const identity = identityOf(3, { phoneBase: '013900000000', share2019: 0.5, seed: 1 });
    expect(saved[identity.phone]).toMatchObject({
      edition: identity.edition,
      terminalId: identity.terminalId,
      plate: identity.plate,
    });

    const second = await runFleet({ count: 20, stateFile: path }, 300);
    expect(second.summary).toMatchObject({ registrationsSent: 0, authenticationsAccepted: 20 });
    expect(second.summary.errors).toEqual({});

    // The platform no longer knows one terminal's code: that one registers again.
    saved[identity.phone].authCode = 'forgotten';
    await writeFile(path, JSON.stringify(saved));
    const third = await runFleet({ count: 20, credentials: await StateFile.open(path) }, 300);
    expect(third.summary).toMatchObject({
      registrationsSent: 1,
      registrationsAccepted: 1,
      authenticationsAccepted: 20,
    });
    expect(third.summary.errors).toEqual({ 'authentication-refused': 1 });
  });

  it('injects power cuts and disconnects as the scenario says, and writes the ground truth', async () => {
    harness = await startHarness();
    const truth: TruthRecord[] = [];
    const scenario = parseScenario({
      faults: [
        { fault: 'power-cut', terminals: [0, 1, 2, 3, 4], at: 600, duration: 600 },
        { fault: 'offline', terminals: [10, 11, 12], at: 600, duration: 600 },
      ],
    });
    // The faults start 1 s and end 2 s (real) into the run, once every terminal is online.
    const { summary } = await runFleet({ count: 20, scenario, onTruth: (r) => truth.push(r) }, 2500);
    const phoneOf = (index: number) =>
      identityOf(index, { phoneBase: '013900000000', share2019: 0.5, seed: 1 });

    const from = new Date(SIM_START + 600_000).toISOString();
    const to = new Date(SIM_START + 1_200_000).toISOString();
    expect(truth.map((r) => `${r.fault}:${r.index}`).sort()).toEqual([
      'offline:10',
      'offline:11',
      'offline:12',
      'power-cut:0',
      'power-cut:1',
      'power-cut:2',
      'power-cut:3',
      'power-cut:4',
    ]);
    for (const record of truth) {
      expect(record).toMatchObject({ phone: phoneOf(record.index).wirePhone, from, to });
    }

    const alarmed = committed(EventKind.Message, 0x0200)
      .map((d) => ({ phone: d.event.phone, location: locationOf(d) }))
      .filter(({ location }) => location.alarm & MAIN_POWER_CUT);
    const cutPhones = new Set([0, 1, 2, 3, 4].map((i) => phoneOf(i).wirePhone));
    expect(new Set(alarmed.map((a) => a.phone))).toEqual(cutPhones);
    for (const { location } of alarmed) {
      // GNSS time is simulated time: inside the fault's interval (reports carry whole seconds).
      expect(location.time!.getTime()).toBeGreaterThanOrEqual(Date.parse(from) - 1000);
      expect(location.time!.getTime()).toBeLessThanOrEqual(Date.parse(to));
    }

    const offlinePhones = [10, 11, 12].map((i) => phoneOf(i).wirePhone);
    const disconnected = committed(EventKind.Disconnected).map((d) => d.event.phone);
    for (const phone of offlinePhones) {
      expect(disconnected).toContain(phone);
      // Back after the fault: authenticated twice.
      expect(committed(EventKind.Authenticated).filter((d) => d.event.phone === phone)).toHaveLength(2);
    }
    // Disconnects the simulator caused itself are not errors.
    expect(summary.errors).toEqual({});
    expect(summary.authenticationsAccepted).toBe(23);
  });
});
