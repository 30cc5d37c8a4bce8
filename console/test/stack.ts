import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApi, saveUser } from '@jt808/api';
import { CommandClient, MemoryBus } from '@jt808/bus';
import { DEFAULTS, FileRoster, Gateway } from '@jt808/gateway';
import { TerminalConnection } from '@jt808/simulators';
import { DEFAULT_SETTINGS, StatusService } from '@jt808/status';
import { ensureStorage, IngestWorker, migrate, refreshRollup, type StorageMode } from '@jt808/storage';
import { signedInPage } from '@jt808/test-support/browser';
import { freshDatabase, type TestDatabase } from '@jt808/test-support/postgres';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';

const CONSOLE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Builds the console as it is in the tree now into a directory of its own (never a stale dist/). */
export async function buildConsole(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'jt808-console-dist-'));
  await build({
    configFile: join(CONSOLE_ROOT, 'vite.config.ts'),
    root: CONSOLE_ROOT,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

/** The roster every browser test starts from: two centers, their service points, five vehicles. */
export const SEED = {
  centers: [
    { id: 1, code: 'C1', name: '郑州监控中心', region: '郑州' },
    { id: 2, code: 'C2', name: '洛阳监控中心', region: '洛阳' },
  ],
  vehicles: [
    { id: 1, plate: '豫A10001', center: 1, phone: '13900000001' },
    { id: 2, plate: '豫A10002', center: 1, phone: '13900000002' },
    { id: 3, plate: '豫A10003', center: 1, phone: '13900000003' },
    { id: 4, plate: '豫C20001', center: 2, phone: '13900000004' },
    { id: 5, plate: '豫C20002', center: 2, phone: '13900000005' },
  ],
  users: {
    admin: { username: 'admin', password: 'admin-secret' },
    operator: { username: 'op1', password: 'op1-secret' },
    service: { username: 'sp1', password: 'sp1-secret' },
  },
} as const;

/**
 * The real platform for browser tests: a fresh PostgreSQL database with SEED, the in-process bus,
 * ingest, the status service, a TCP gateway, downlink commands and the API (serving the freshly built console) on a
 * free port. Terminals connect with `terminal(phone)` over real TCP.
 */
export class Stack {
  readonly log = pino({ level: 'silent' });
  readonly bus = new MemoryBus();
  private readonly stops: (() => Promise<unknown>)[] = [];
  private readonly browsers: Browser[] = [];
  private readonly terminals: TerminalConnection[] = [];
  db!: TestDatabase;
  pool!: pg.Pool;
  api!: FastifyInstance;
  gatewayPort = 0;
  storageMode: StorageMode = 'partitions';
  /** http://127.0.0.1:port of the API and console. */
  url = '';

  async start(): Promise<void> {
    const consoleDir = await buildConsole();
    this.stops.push(async () => rmSync(consoleDir, { recursive: true, force: true }));
    this.db = await freshDatabase('console');
    this.stops.push(() => this.db.drop());
    await migrate(this.db.url);
    this.pool = new pg.Pool({ connectionString: this.db.url, max: 8 });
    this.stops.push(() => this.pool.end());
    this.storageMode = await ensureStorage(this.pool, { retentionDays: 180, allowTimescale: false });
    await this.seed();

    this.stops.push(() => this.bus.close());
    const ingest = new IngestWorker(this.bus, this.pool, this.log, {
      consumer: 'console-test',
      maxWaitMs: 20,
    });
    ingest.start();
    this.stops.push(() => ingest.stop());
    const status = new StatusService(this.bus, this.pool, this.log, DEFAULT_SETTINGS, {
      consumer: 'console-test',
      passIntervalMs: 300,
    });
    await status.start();
    this.stops.push(() => status.stop());
    const gateway = new Gateway(
      { ...DEFAULTS, host: '127.0.0.1', port: 0, gatewayId: 'console-test' },
      { bus: this.bus, roster: await FileRoster.open(undefined, 'pending'), log: this.log },
    );
    this.gatewayPort = (await gateway.listen()).port;
    this.stops.push(() => gateway.close());
    const commands = new CommandClient(this.bus);
    await commands.start();
    this.stops.push(() => commands.stop());
    // No answer caching: the tests change the data and expect the next look to show it.
    this.api = await buildApi({
      pool: this.pool,
      commands,
      secureCookies: false,
      liveIntervalMs: 200,
      consoleDir,
      cache: { currentMs: 0, openPeriodMs: 0, closedPeriodMs: 0 },
    });
    await this.api.listen({ port: 0, host: '127.0.0.1' });
    this.stops.push(() => this.api.close());
    const address = this.api.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  private async seed(): Promise<void> {
    for (const c of SEED.centers) {
      await this.pool.query('INSERT INTO centers (id, code, name, region) VALUES ($1, $2, $3, $4)', [
        c.id,
        c.code,
        c.name,
        c.region,
      ]);
      await this.pool.query(
        'INSERT INTO service_points (id, code, name, center_id) VALUES ($1, $2, $3, $1)',
        [c.id, `SP${c.id}`, `${c.region}服务站`],
      );
    }
    for (const v of SEED.vehicles) {
      await this.pool.query(
        'INSERT INTO vehicles (id, plate, plate_color, center_id, vin) VALUES ($1, $2, 2, $3, $4)',
        [v.id, v.plate, v.center, `VIN${String(v.id).padStart(14, '0')}`],
      );
      await this.pool.query("INSERT INTO terminals (phone, vehicle_id, edition) VALUES ($1, $2, '2013')", [
        v.phone,
        v.id,
      ]);
    }
    const { admin, operator, service } = SEED.users;
    await saveUser(this.pool, { ...admin, role: 'admin' });
    await saveUser(this.pool, { ...operator, role: 'operator', centerIds: [1] });
    await saveUser(this.pool, { ...service, role: 'service', servicePointId: 1 });
  }

  /** Opens a ticket as the status engine would (state new, deadlines 2 h and 24 h from now). */
  async openTicket(kind: 'repair' | 'install', vehicleId: number, servicePointId: number): Promise<string> {
    const vehicle = SEED.vehicles.find((v) => v.id === vehicleId)!;
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO tickets (kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, service_point_id)
       VALUES ($1, $2, $3, $4, 'new', $5, now(), now() + interval '2 hours', now() + interval '1 day', $6) RETURNING id`,
      [
        kind,
        vehicle.phone,
        vehicle.id,
        vehicle.center,
        kind === 'install' ? 'install' : 'offline',
        servicePointId,
      ],
    );
    return rows[0]!.id;
  }

  /**
   * A terminal over real TCP: connects, registers, authenticates and reports `fixes` locations
   * (a good GNSS fix, 12 satellites, signal 25) one second of GNSS time apart, ending now.
   */
  async terminal(phone: string, fixes = 1): Promise<TerminalConnection> {
    const vehicle = SEED.vehicles.find((v) => v.phone === phone)!;
    const terminal = new TerminalConnection({
      host: '127.0.0.1',
      port: this.gatewayPort,
      phone,
      edition: '2013',
    });
    await terminal.connect();
    this.terminals.push(terminal);
    const registered = await terminal.request('registration', {
      edition: '2013',
      provinceId: 41,
      cityId: 100,
      manufacturerId: 'ACME',
      model: 'M',
      terminalId: `T${phone.slice(-4)}`,
      plateColor: 2,
      plate: vehicle.plate,
    });
    if (registered.name !== 'registrationResponse') throw new Error('no registration answer');
    await terminal.request('authentication', { authCode: registered.body.authCode! });
    for (let i = fixes - 1; i >= 0; i--) await this.report(terminal, Date.now() - i * 30_000, i);
    return terminal;
  }

  /** One location report, answered by the gateway once it is durable. */
  async report(terminal: TerminalConnection, atMs: number, step = 0): Promise<void> {
    await terminal.request('locationReport', {
      alarm: 0,
      status: 3,
      latitude: 34.75 + step * 0.002,
      longitude: 113.62 + step * 0.003,
      altitude: 100,
      speed: 40,
      direction: 90,
      time: new Date(atMs),
      extras: { satellites: 12, signalStrength: 25 },
    });
  }

  /** The hourly rollups of the last two hours, as the platform's housekeeping refreshes them. */
  refreshRollup(): Promise<void> {
    return refreshRollup(
      this.pool,
      this.storageMode,
      new Date(Date.now() - 2 * 3_600_000),
      new Date(Date.now() + 3_600_000),
    );
  }

  /**
   * A browser of its own with a page signed in to this console as `user`; `stop()` closes the
   * browser first, before the stack under it.
   */
  async signedInPage(user: {
    username: string;
    password: string;
  }): Promise<{ browser: Browser; page: Page }> {
    const signedIn = await signedInPage(this.url, user);
    this.browsers.push(signedIn.browser);
    return signedIn;
  }

  async stop(): Promise<void> {
    for (const browser of this.browsers) await browser.close();
    for (const terminal of this.terminals) terminal.destroy();
    for (const stop of this.stops.reverse()) await stop().catch(() => undefined);
  }
}
