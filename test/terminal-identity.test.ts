import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RedisBus } from '@jt808/bus';
import { encodeMessage, type Registration } from '@jt808/protocol';
import { TerminalConnection } from '@jt808/simulators';
import { ensureStorage, IngestWorker, migrate } from '@jt808/storage';
import { freePort } from '@jt808/test-support/ports';
import { freshDatabase, hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { RedisProcess, redisServerInstalled } from '@jt808/test-support/redis';
import { location, registrationFor } from '@jt808/test-support/terminal';
import { until } from '@jt808/test-support/wait';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../gateway/bin/jt808-gateway.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../gateway/dist/main.js', import.meta.url)));
const runnable = built && hasPostgres && redisServerInstalled();
if (!runnable && process.env.CI)
  throw new Error('CI must build the gateway and have PostgreSQL and redis-server for the identity tests');

/** One jt808-gateway as deployed (a primary and its worker), in a process group of its own. */
class GatewayProcess {
  private child: ChildProcess | undefined;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly httpPort: number,
    private readonly env: { redisUrl: string; databaseUrl: string },
  ) {}

  async start(): Promise<void> {
    this.child = spawn(
      process.execPath,
      [
        BIN,
        ...['--host', '127.0.0.1', '--port', String(this.port), '--http-port', String(this.httpPort)],
        ...['--workers', '1', '--gateway-id', this.name, '--log-level', 'error'],
      ],
      {
        // Nothing but the environment: DATABASE_URL and REDIS_URL are all a gateway needs.
        env: { PATH: process.env.PATH, DATABASE_URL: this.env.databaseUrl, REDIS_URL: this.env.redisUrl },
        stdio: ['ignore', 'inherit', 'inherit'],
        detached: true,
      },
    );
    await until(async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${this.httpPort}/healthz`);
        return ((await response.json()) as { ok?: boolean }).ok === true;
      } catch {
        return false;
      }
    }, 20_000);
  }

  /** kill -9 of the primary and its workers at once. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    // The worker dies with the group; give the kernel a moment to free the port.
    await new Promise((r) => setTimeout(r, 200));
  }

  terminal(phone: string): TerminalConnection {
    return new TerminalConnection({
      host: '127.0.0.1',
      port: this.port,
      phone,
      edition: '2013',
      replyTimeoutMs: 5000,
    });
  }
}

/** Two gateways on one bus Redis and one database, as docker-compose.yml runs them. */
describe.skipIf(!runnable)('one terminal identity across gateways (real processes)', () => {
  let redis: RedisProcess;
  let db: TestDatabase;
  let pool: pg.Pool;
  let a: GatewayProcess;
  let b: GatewayProcess;
  let bus: RedisBus;
  let ingest: IngestWorker;
  const opened: TerminalConnection[] = [];

  beforeAll(async () => {
    redis = await RedisProcess.start();
    db = await freshDatabase('identity');
    await migrate(db.url);
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await ensureStorage(pool, { retentionDays: 30, allowTimescale: false });
    await pool.query(`
      INSERT INTO centers (id, code, name, region) VALUES (1, 'C01', '郑州监控中心', '郑州');
      INSERT INTO vehicles (id, plate, plate_color, center_id, vin) VALUES
        (1, '豫A10001', 2, 1, NULL), (2, '豫A10002', 2, 1, NULL), (3, '豫A10003', 2, 1, NULL),
        (4, '豫A10004', 2, 1, NULL), (5, '豫A10005', 2, 1, 'LVIN0000000000005'), (6, '豫A10006', 2, 1, NULL);
      INSERT INTO terminals (phone, terminal_id, vehicle_id) VALUES
        ('13800000001', 'T000001', 1), ('13800000002', 'T000002', 2), ('13800000003', 'T000003', 3),
        ('13800000004', 'T000004', 4), ('13800000005', NULL, 5);
      INSERT INTO installations (vehicle_id, planned_on) VALUES (6, current_date);
    `);
    const env = { redisUrl: redis.url, databaseUrl: db.url };
    a = new GatewayProcess('gateway-a', await freePort(), await freePort(), env);
    b = new GatewayProcess('gateway-b', await freePort(), await freePort(), env);
    await Promise.all([a.start(), b.start()]);
    bus = new RedisBus({ url: redis.url });
    ingest = new IngestWorker(bus, pool, pino({ level: 'silent' }), { consumer: 'identity', maxWaitMs: 20 });
    ingest.start();
  }, 60_000);

  afterAll(async () => {
    for (const terminal of opened) terminal.destroy();
    await ingest?.stop();
    await bus?.close();
    await Promise.all([a?.kill(), b?.kill()]);
    await pool?.end();
    await db?.drop();
    await redis?.destroy();
  });

  async function connect(gateway: GatewayProcess, phone: string): Promise<TerminalConnection> {
    const terminal = gateway.terminal(phone);
    opened.push(terminal);
    await terminal.connect();
    return terminal;
  }

  async function register(
    gateway: GatewayProcess,
    phone: string,
    registration: Registration,
  ): Promise<{ result: number; authCode?: string }> {
    const terminal = await connect(gateway, phone);
    const reply = await terminal.request('registration', registration);
    terminal.destroy();
    if (reply.name !== 'registrationResponse') throw new Error(`answered ${reply.name}`);
    return reply.body;
  }

  async function authenticate(gateway: GatewayProcess, phone: string, authCode: string) {
    const terminal = await connect(gateway, phone);
    const reply = await terminal.request('authentication', {
      authCode,
      imei: '860000000000001',
      softwareVersion: 'v1',
    });
    return { terminal, result: reply.name === 'platformGeneralResponse' ? reply.body.result : -1 };
  }

  async function events(phone: string, kind: string) {
    const { rows } = await pool.query<{ detail: Record<string, unknown> }>(
      'SELECT detail FROM terminal_events WHERE phone = $1 AND kind = $2 ORDER BY at',
      [phone, kind],
    );
    return rows.map((row) => row.detail);
  }

  it('registers on one gateway and authenticates on the other', async () => {
    const { result, authCode } = await register(
      a,
      '013800000001',
      registrationFor('2013', 'T000001', '豫A10001'),
    );
    expect(result).toBe(0);
    const { terminal, result: authResult } = await authenticate(b, '013800000001', authCode!);
    expect(authResult).toBe(0);
    terminal.destroy();
    const stored = await pool.query(
      'SELECT auth_code_hash IS NOT NULL AS has FROM terminals WHERE phone = $1',
      ['13800000001'],
    );
    expect(stored.rows[0].has).toBe(true);
  });

  it('keeps codes through a kill -9 of a gateway and of the bus Redis', async () => {
    const { authCode } = await register(b, '013800000002', registrationFor('2013', 'T000002', '豫A10002'));
    await a.kill();
    await a.start();
    const first = await authenticate(a, '013800000002', authCode!);
    expect(first.result).toBe(0);
    first.terminal.destroy();
    await redis.crash();
    await redis.launch();
    const again = await authenticate(b, '013800000002', authCode!);
    expect(again.result).toBe(0);
    again.terminal.destroy();
  }, 60_000);

  it('refuses an empty or another terminal id with 3, keeps the real code working and reports it', async () => {
    const { authCode } = await register(a, '013800000003', registrationFor('2013', 'T000003', '豫A10003'));
    const before = await pool.query('SELECT auth_code_hash FROM terminals WHERE phone = $1', ['13800000003']);
    const empty = await register(b, '013800000003', registrationFor('2013', '', '豫A10003'));
    expect(empty).toEqual({ replySerial: expect.any(Number), result: 3 });
    const other = await register(a, '013800000003', registrationFor('2013', 'EVIL001', '豫A10003'));
    expect(other.result).toBe(3);
    expect(other.authCode).toBeUndefined();
    const after = await pool.query('SELECT auth_code_hash, terminal_id FROM terminals WHERE phone = $1', [
      '13800000003',
    ]);
    expect(after.rows[0].auth_code_hash).toEqual(before.rows[0].auth_code_hash);
    expect(after.rows[0].terminal_id).toBe('T000003');
    const real = await authenticate(b, '013800000003', authCode!);
    expect(real.result).toBe(0);
    real.terminal.destroy();
    // Once the real terminal has an id, an empty one never gets in, whatever else it sends.
    await until(async () => (await events('13800000003', 'registration-refused')).length === 2);
    expect(await events('13800000003', 'registration-refused')).toEqual([
      expect.objectContaining({ result: 3, reason: 'terminal-id-missing', terminalId: '' }),
      expect.objectContaining({ result: 3, reason: 'terminal-id-mismatch', terminalId: 'EVIL001' }),
    ]);
  });

  it('answers plates and phones the roster does not have with 1, 2 and 4', async () => {
    expect((await register(a, '013800000004', registrationFor('2013', 'T000004', '豫A10001'))).result).toBe(
      1,
    );
    expect((await register(a, '013800000004', registrationFor('2013', 'T000004', '豫Z99999'))).result).toBe(
      2,
    );
    expect((await register(b, '013899999999', registrationFor('2013', 'T999999', '豫Z99999'))).result).toBe(
      4,
    );
    // The plate field may carry the VIN when the plate colour is 0; the roster names no terminal id
    // for this phone, so the first registration binds it.
    const byVin = await register(b, '013800000005', {
      ...registrationFor('2013', 'T000005', 'LVIN0000000000005'),
      plateColor: 0,
    });
    expect(byVin.result).toBe(0);
    const bound = await pool.query('SELECT terminal_id FROM terminals WHERE phone = $1', ['13800000005']);
    expect(bound.rows[0].terminal_id).toBe('T000005');
    expect(
      (
        await register(a, '013800000005', {
          ...registrationFor('2013', 'T000055', 'LVIN0000000000005'),
          plateColor: 0,
        })
      ).result,
    ).toBe(3);
  });

  it('registers an unknown phone as pending when an installation is planned for its vehicle', async () => {
    const { result, authCode } = await register(
      a,
      '013877777777',
      registrationFor('2013', 'NEW0001', '豫A10006'),
    );
    expect(result).toBe(0);
    const { rows } = await pool.query('SELECT pending, terminal_id FROM terminals WHERE phone = $1', [
      '13877777777',
    ]);
    expect(rows[0]).toEqual({ pending: true, terminal_id: 'NEW0001' });
    const signedIn = await authenticate(b, '013877777777', authCode!);
    expect(signedIn.result).toBe(0);
    signedIn.terminal.destroy();
  });

  it('refuses a re-registration while the terminal is live on another gateway', async () => {
    const { authCode } = await register(a, '013800000001', registrationFor('2013', 'T000001', '豫A10001'));
    const live = await authenticate(a, '013800000001', authCode!);
    expect(live.result).toBe(0);
    const second = await register(b, '013800000001', registrationFor('2013', 'T000001', '豫A10001'));
    expect(second.result).toBe(3);
    // The live terminal's code is untouched.
    live.terminal.destroy();
    const back = await authenticate(b, '013800000001', authCode!);
    expect(back.result).toBe(0);
    back.terminal.destroy();
    await until(async () =>
      (await events('13800000001', 'registration-refused')).some(
        (e) => e.reason === 'live-session-elsewhere',
      ),
    );
  });

  it('lets nothing from an unauthenticated connection count: no session, no activity, no disconnect', async () => {
    const { authCode } = await register(a, '013800000004', registrationFor('2013', 'T000004', '豫A10004'));
    const real = await authenticate(a, '013800000004', authCode!);
    expect(real.result).toBe(0);
    await until(async () => {
      const { rows } = await pool.query('SELECT online FROM terminal_state WHERE phone = $1', [
        '13800000004',
      ]);
      return rows[0]?.online === true;
    });
    const state = async (phone: string) =>
      (
        await pool.query(
          'SELECT online, session_id, last_seen_at, disconnected_at FROM terminal_state WHERE phone = $1',
          [phone],
        )
      ).rows[0];
    const before = await state('13800000004');
    // A peer claims the live terminal's phone and an unknown one on the other gateway, sends data,
    // a sub-packaged fragment, then drops the connection.
    for (const phone of ['013800000004', '013866666666']) {
      const spoof = await connect(b, phone);
      const refused = await spoof.request('locationReport', location());
      expect(refused.body).toMatchObject({ result: 1 });
      spoof.write(
        encodeMessage({
          name: 'heartbeat',
          header: { phone, serial: 9, edition: '2013', subPackage: { total: 2, index: 1 } },
          body: {},
        } as never),
      );
      spoof.destroy();
    }
    // A marker through the same bus, after the spoofs: once ingest stored it, it saw theirs too.
    const marker = await real.terminal.request('heartbeat', {});
    expect(marker.body).toMatchObject({ result: 0 });
    await until(async () => (await state('13800000004')).last_seen_at > before.last_seen_at);
    const after = await state('13800000004');
    expect(after.online).toBe(true);
    expect(after.session_id).toBe(before.session_id);
    expect(after.disconnected_at).toBeNull();
    expect(await state('13866666666')).toBeUndefined();
    expect(await events('13866666666', 'offline')).toEqual([]);
    real.terminal.destroy();
  });
});
