import { readFile } from 'node:fs/promises';
import { MemoryBus } from '@jt808/bus';
import { DEFAULTS, FileRoster, Gateway } from '@jt808/gateway';
import type { SimTime } from '@jt808/platform';
import { normalizePhone } from '@jt808/protocol';
import {
  CITIES,
  type FaultSpec,
  Fleet,
  homeCityOf,
  identityOf,
  parseScenario,
  type Scenario,
  SimClock,
  type TruthRecord,
} from '@jt808/simulators';
import {
  DEFAULT_SETTINGS,
  DEFAULT_TICKET_SETTINGS,
  type StatusSettings,
  type TicketSettings,
} from '@jt808/status';
import { ensureStorage, migrate, transaction } from '@jt808/storage';
import pg from 'pg';
import { pino } from 'pino';
import type { ScoringInput, TruthInterval } from './input.js';
import { readObservations } from './observations.js';
import { PlatformRun } from './platform-run.js';

/** A network outage: every terminal of one home city (its center), or every terminal, drops off. */
export type OutagePlan =
  | { scope: 'center'; city: string; at: number; duration: number }
  | { scope: 'platform'; at: number; duration: number };

export interface ScoringRunOptions {
  databaseUrl: string;
  terminals: number;
  /** Simulated seconds per real second. */
  speed: number;
  /** Simulated seconds the fleet runs. */
  runSeconds: number;
  /** The individual faults (simulators/scenarios/scoring.json). */
  scenario: Scenario;
  /** Added to the scenario as `offline` faults of the terminals they cover. */
  outages: OutagePlan[];
  tickets: TicketSettings;
  settings?: StatusSettings;
  /** Real milliseconds between two status passes. */
  passIntervalMs?: number;
  seed?: number;
}

/**
 * The scoring run of docs/status-scoring.md: 57 simulated minutes of simulators/scenarios/scoring.json
 * (single faults from minute 6 to 36), an outage of the Luoyang center from minute 10 to 30 and of
 * the whole platform from minute 36:40 to 51:40, then five minutes for the terminals to come back.
 * Repair tickets come due sooner than in production (10 min faulty, 9 min offline) so that they
 * fall within the run; the engine's rules are the production defaults.
 */
export const SCORING_PLAN = {
  scenarioFile: new URL('../../simulators/scenarios/scoring.json', import.meta.url),
  runSeconds: 3400,
  outages: [
    { scope: 'center', city: 'Luoyang', at: 600, duration: 1200 },
    { scope: 'platform', at: 2200, duration: 900 },
  ] satisfies OutagePlan[],
  tickets: { ...DEFAULT_TICKET_SETTINGS, repairFaultyMinutes: 10, repairOfflineHours: 0.15 },
};

/** The scoring plan's scenario file, checked. */
export async function scoringScenario(): Promise<Scenario> {
  return parseScenario(JSON.parse(await readFile(SCORING_PLAN.scenarioFile, 'utf8')), 'scoring.json');
}

const PHONE_BASE = '013900000000';
const SHARE_2019 = 0.5;
/** Simulated seconds between locations, as the simulator's defaults (the scorer needs the cadence). */
const DRIVING_INTERVAL_S = 30;
const PARKED_INTERVAL_S = 300;

/**
 * Runs a scenario end to end — simulated terminals → gateway (TCP) → in-process bus → ingest and
 * the status service with its ticket keeper → PostgreSQL — and returns the ground truth together
 * with what the platform stored, ready for `score`.
 */
export async function runScoring(options: ScoringRunOptions): Promise<ScoringInput> {
  const settings = options.settings ?? DEFAULT_SETTINGS;
  const identity = { phoneBase: PHONE_BASE, share2019: SHARE_2019, seed: options.seed ?? 1 };
  const log = pino({ level: 'silent' });
  await migrate(options.databaseUrl);
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 8 });
  // Whatever started is stopped, last started first, even when the run fails halfway.
  const running: (() => Promise<unknown>)[] = [];
  try {
    await ensureStorage(pool, { retentionDays: 180, allowTimescale: false });
    await loadRoster(pool, options.terminals, identity);
    const outages = options.outages.map((plan) => outageTerminals(plan, options.terminals, identity));
    const start = SimClock.realNow();
    const time: SimTime = { speed: options.speed, simOriginMs: Date.now(), realOriginMs: start };
    const bus = new MemoryBus();
    running.push(() => bus.close());
    const platform = new PlatformRun(bus, pool, log, {
      time,
      settings,
      tickets: options.tickets,
      passIntervalMs: options.passIntervalMs ?? 100,
    });
    await platform.start();
    running.push(() => platform.stop());
    const roster = await FileRoster.open(undefined, 'pending');
    const gateway = new Gateway(
      {
        ...DEFAULTS,
        host: '127.0.0.1',
        port: 0,
        gatewayId: 'scoring',
        // The whole fleet comes from one address and, sped up, re-registers far faster than a depot.
        maxConnectionsPerAddress: 0,
        registrationsPerAddressPerMinute: 0,
      },
      { bus, roster, log },
    );
    const { port } = await gateway.listen();
    running.push(() => gateway.close());
    const truth: TruthInterval[] = [];
    const fleet = new Fleet({
      port,
      count: options.terminals,
      speed: options.speed,
      seed: identity.seed,
      phoneBase: PHONE_BASE,
      share2019: SHARE_2019,
      drivingIntervalSeconds: DRIVING_INTERVAL_S,
      parkedIntervalSeconds: PARKED_INTERVAL_S,
      ramp: 2000,
      scenario: {
        description: options.scenario.description,
        faults: [...options.scenario.faults, ...outages.map((o) => o.fault)],
      },
      simStartMs: time.simOriginMs,
      realStartMs: time.realOriginMs,
      onTruth: (record) => truth.push(truthInterval(record)),
    });
    await fleet.start();
    running.push(() => fleet.stop());
    await sleep((options.runSeconds * 1000) / options.speed - (SimClock.realNow() - start));
    await stopAll(running);
    return {
      truth,
      observations: await readObservations(pool, time),
      outages: outages.map((o) => ({
        scope: o.plan.scope,
        centerId: o.plan.scope === 'center' ? cityIndex(o.plan.city) + 1 : undefined,
        phones: o.phones,
        fromMs: time.simOriginMs + o.plan.at * 1000,
        toMs: time.simOriginMs + (o.plan.at + o.plan.duration) * 1000,
      })),
      time,
      endMs: time.simOriginMs + options.runSeconds * 1000,
      settings,
      tickets: options.tickets,
      cadence: { drivingS: DRIVING_INTERVAL_S, parkedS: PARKED_INTERVAL_S },
    };
  } finally {
    await stopAll(running);
    await pool.end();
  }
}

async function stopAll(running: (() => Promise<unknown>)[]): Promise<void> {
  for (let stop = running.pop(); stop; stop = running.pop()) await stop();
}

function truthInterval(record: TruthRecord): TruthInterval {
  return {
    phone: normalizePhone(record.phone),
    fault: record.fault,
    fromMs: Date.parse(record.from),
    toMs: Date.parse(record.to),
    cutShort: record.cutShort === true,
  };
}

function outageTerminals(
  plan: OutagePlan,
  count: number,
  identity: { phoneBase: string; share2019: number; seed: number },
): { plan: OutagePlan; fault: FaultSpec; phones: string[] } {
  const indexes =
    plan.scope === 'platform'
      ? Array.from({ length: count }, (_, i) => i)
      : Array.from({ length: count }, (_, i) => i).filter((i) => homeCityOf(i) === cityIndex(plan.city));
  return {
    plan,
    fault: { fault: 'offline', terminals: indexes, at: plan.at, duration: plan.duration },
    phones: indexes.map((i) => normalizePhone(identityOf(i, identity).phone)),
  };
}

/** One center per city (id = city index + 1), and a vehicle with its terminal per simulated terminal. */
async function loadRoster(
  pool: pg.Pool,
  count: number,
  identity: { phoneBase: string; share2019: number; seed: number },
): Promise<void> {
  await transaction(pool, async (client) => {
    for (const [i, city] of CITIES.entries()) {
      await client.query(
        'INSERT INTO centers (id, code, name, region, latitude, longitude) VALUES ($1, $2, $3, $4, $5, $6)',
        [
          i + 1,
          `C${String(i + 1).padStart(2, '0')}`,
          `${city.zh}监控中心`,
          city.zh,
          city.latitude,
          city.longitude,
        ],
      );
    }
    const terminals = Array.from({ length: count }, (_, i) => identityOf(i, identity));
    await client.query(
      `INSERT INTO vehicles (plate, plate_color, center_id) SELECT * FROM unnest($1::text[], $2::smallint[], $3::int[])`,
      [terminals.map((t) => t.plate), terminals.map(() => 2), terminals.map((t) => t.homeCity + 1)],
    );
    await client.query(
      `INSERT INTO terminals (phone, terminal_id, edition, vehicle_id)
       SELECT u.phone, u.terminal_id, u.edition, v.id
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(phone, terminal_id, edition, plate)
         JOIN vehicles v ON v.plate = u.plate AND v.plate_color = 2`,
      [
        terminals.map((t) => normalizePhone(t.phone)),
        terminals.map((t) => t.terminalId),
        terminals.map((t) => t.edition),
        terminals.map((t) => t.plate),
      ],
    );
  });
}

function cityIndex(name: string): number {
  const index = CITIES.findIndex((c) => c.name === name);
  if (index < 0) throw new Error(`no city ${name} (cities: ${CITIES.map((c) => c.name).join(', ')})`);
  return index;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
