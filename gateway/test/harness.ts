import { connect, type Socket } from 'node:net';
import { type Bus, type Delivery, MemoryBus } from '@jt808/bus';
import type { Edition, Registration } from '@jt808/protocol';
import { TerminalConnection } from '@jt808/simulators';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { DEFAULTS, type GatewayConfig } from '../src/config.js';
import { FileRoster } from '../src/roster/file-roster.js';
import type { Roster, UnknownTerminalPolicy } from '../src/roster/roster.js';
import { createMetrics, type Metrics } from '../src/runtime/metrics.js';
import { Gateway } from '../src/server.js';

export interface Harness {
  gateway: Gateway;
  bus: Bus;
  roster: Roster;
  metrics: Metrics;
  port: number;
  /** Events the consumer committed, in order. */
  committed: Delivery[];
  /** A terminal connecting from `localAddress` (any 127.x.y.z; default the system's choice). */
  terminal(phone: string, edition?: Edition, localAddress?: string): TerminalConnection;
  close(): Promise<void>;
}

export interface HarnessOptions {
  config?: Partial<GatewayConfig>;
  policy?: UnknownTerminalPolicy;
  bus?: Bus;
  /** Roster file (default: in memory). */
  rosterFile?: string;
  /** Another roster implementation (the gateway takes any). */
  roster?: Roster;
  /** Runs before each batch commits (to hold or fail commits). */
  beforeCommit?: (batch: Delivery[]) => Promise<void>;
}

/** A gateway on an ephemeral port with a real bus and a consumer that records what it commits. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const bus = options.bus ?? new MemoryBus();
  const roster = options.roster ?? (await FileRoster.open(options.rosterFile, options.policy ?? 'pending'));
  const metrics = createMetrics(new Registry());
  const committed: Delivery[] = [];
  const consumer = bus.events.consume({ group: 'ingest', consumer: 'test', maxWaitMs: 20 }, async (batch) => {
    await options.beforeCommit?.(batch);
    committed.push(...batch);
  });
  const gateway = new Gateway(
    { ...DEFAULTS, host: '127.0.0.1', port: 0, gatewayId: `gw-test-${process.pid}`, ...options.config },
    { bus, roster, log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), metrics },
  );
  const { port } = await gateway.listen();
  const terminals: TerminalConnection[] = [];
  return {
    gateway,
    bus,
    roster,
    metrics,
    port,
    committed,
    terminal(phone, edition = '2013', localAddress = undefined) {
      const terminal = new TerminalConnection({
        host: '127.0.0.1',
        port,
        phone,
        edition,
        localAddress,
        replyTimeoutMs: 5000,
      });
      terminals.push(terminal);
      return terminal;
    },
    async close() {
      for (const terminal of terminals) terminal.destroy();
      await gateway.close();
      await consumer.stop();
      await bus.close();
      await roster.close();
    },
  };
}

export function registrationFor(edition: Edition, terminalId: string, plate = '豫A12345'): Registration {
  return {
    edition,
    provinceId: 41,
    cityId: 100,
    manufacturerId: 'ACME1',
    model: 'GT-808',
    terminalId,
    plateColor: 2,
    plate,
  };
}

/** Registers and authenticates; returns the auth code the gateway issued. */
export async function signIn(
  terminal: TerminalConnection,
  terminalId: string,
  plate?: string,
): Promise<string> {
  if (!terminal.connected) await terminal.connect();
  const reply = await terminal.request(
    'registration',
    registrationFor(terminal.options.edition, terminalId, plate),
  );
  if (reply.name !== 'registrationResponse' || reply.body.result !== 0) {
    throw new Error(`registration refused: ${JSON.stringify(reply.body)}`);
  }
  const authCode = reply.body.authCode!;
  const auth = await terminal.request('authentication', {
    authCode,
    imei: '860000000000001',
    softwareVersion: 'v1',
  });
  if (auth.name !== 'platformGeneralResponse' || auth.body.result !== 0)
    throw new Error('authentication refused');
  return authCode;
}

export function location(latitude = 34.757975, longitude = 113.665412) {
  return {
    alarm: 0,
    status: 0x000c0003,
    latitude,
    longitude,
    altitude: 110,
    speed: 62.5,
    direction: 90,
    time: new Date('2026-11-23T07:30:45Z'),
    extras: { mileage: 386.6, satellites: 12 },
  };
}

/** A bare TCP connection to the gateway, for peers that are not terminals. */
export function rawSocket(port: number, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress }, () => resolve(socket));
    socket.on('error', () => {});
    socket.once('error', reject);
  });
}

/** Resolves with the ms until the gateway closed the socket. */
export function closed(socket: Socket): Promise<number> {
  const started = Date.now();
  return new Promise((resolve) => {
    if (socket.destroyed) resolve(0);
    socket.once('close', () => resolve(Date.now() - started));
  });
}

export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function metricValue(
  metrics: Metrics,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  const match = metric?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return match?.value ?? 0;
}
