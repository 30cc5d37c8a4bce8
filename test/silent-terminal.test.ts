import { MemoryBus } from '@jt808/bus';
import { DEFAULTS, FileRoster, Gateway } from '@jt808/gateway';
import { TerminalConnection } from '@jt808/simulators';
import { DEFAULT_SETTINGS, StatusService } from '@jt808/status';
import { ensureStorage, IngestWorker, migrate } from '@jt808/storage';
import { freshDatabase, hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { location, signIn } from '@jt808/test-support/terminal';
import { until } from '@jt808/test-support/wait';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PHONE = '13800000001';
/** The offline rule, clamped to 4 s either way, so the test waits seconds rather than minutes. */
const OFFLINE_AFTER_S = 4;

/**
 * A terminal that keeps signing in but reports nothing, through the real parts: TCP gateway (idle
 * links closed after 3 s), in-process bus, ingest and the status engine on PostgreSQL. Its sign-ins
 * must not keep it online (ingest/reports.ts), while the installer still sees it connected.
 */
describe.skipIf(!hasPostgres)('a terminal that signs in again and again but reports nothing', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let bus: MemoryBus;
  let gateway: Gateway;
  let port: number;
  let ingest: IngestWorker;
  let status: StatusService;
  const opened: TerminalConnection[] = [];
  const log = pino({ level: 'silent' });

  beforeAll(async () => {
    db = await freshDatabase('silent');
    await migrate(db.url);
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await ensureStorage(pool, { retentionDays: 30, allowTimescale: false });
    await pool.query(`
      INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州中心', '郑州');
      INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A00001', 2, 1);
      INSERT INTO terminals (phone, terminal_id, vehicle_id) VALUES ('${PHONE}', 'T000001', 1);
    `);
    bus = new MemoryBus();
    gateway = new Gateway(
      { ...DEFAULTS, host: '127.0.0.1', port: 0, gatewayId: 'silent', heartbeatSeconds: 1 },
      { bus, roster: await FileRoster.open(undefined, 'pending'), log },
    );
    ({ port } = await gateway.listen());
    ingest = new IngestWorker(bus, pool, log, { consumer: 'silent', maxWaitMs: 20 });
    ingest.start();
    status = new StatusService(
      bus,
      pool,
      log,
      { ...DEFAULT_SETTINGS, offlineFloorSeconds: OFFLINE_AFTER_S, offlineCeilingSeconds: OFFLINE_AFTER_S },
      { consumer: 'silent', passIntervalMs: 100 },
    );
    await status.start();
  });
  afterAll(async () => {
    for (const terminal of opened) terminal.destroy();
    await gateway?.close();
    await status?.stop();
    await ingest?.stop();
    await bus?.close();
    await pool?.end();
    await db?.drop();
  });

  const terminal = () => {
    const connection = new TerminalConnection({
      host: '127.0.0.1',
      port,
      phone: `0${PHONE}`,
      edition: '2013',
      replyTimeoutMs: 5000,
    });
    opened.push(connection);
    return connection;
  };
  const report = (connection: TerminalConnection) =>
    connection.request('locationReport', { ...location(), time: new Date(Date.now() - 500) });
  const state = async () =>
    (
      await pool.query<{ online: boolean; connected_at: Date; last_seen_at: Date }>(
        'SELECT online, connected_at, last_seen_at FROM terminal_state WHERE phone = $1',
        [PHONE],
      )
    ).rows[0]!;
  const heardHours = async () =>
    (await pool.query('SELECT hour FROM terminal_activity_hourly WHERE phone = $1 ORDER BY hour', [PHONE]))
      .rows;
  const verdict = () => status.engine.get(PHONE)?.status;

  it('goes offline at the rule time, stays offline through its sign-ins, and is back with its next location', async () => {
    let connection = terminal();
    const authCode = await signIn(connection, 'T000001', '豫A00001');
    for (let i = 0; i < 3; i++) await report(connection);
    await until(() => verdict() === 'online');
    await until(async () => (await state())?.last_seen_at != null);
    const lastReport = await state();
    const hours = await heardHours();

    // Silent from here: the gateway closes the idle link, the terminal signs in again at once.
    let signIns = 0;
    const statuses = new Set<string | undefined>();
    const silentUntil = Date.now() + 12_000;
    while (Date.now() < silentUntil) {
      if (!connection.connected) {
        connection = terminal();
        await connection.connect();
        const answer = await connection.request('authentication', {
          authCode,
          imei: '860000000000001',
          softwareVersion: 'v1',
        });
        expect(answer.body).toMatchObject({ result: 0 });
        signIns++;
      }
      if (Date.now() - lastReport.last_seen_at.getTime() > (OFFLINE_AFTER_S + 1) * 1000)
        statuses.add(verdict());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(signIns).toBeGreaterThanOrEqual(2);
    expect([...statuses]).toEqual(['offline']);
    const { rows: transitions } = await pool.query<{ to_status: string; at: Date }>(
      'SELECT to_status, at FROM status_transitions WHERE phone = $1 ORDER BY at',
      [PHONE],
    );
    expect(transitions.map((t) => t.to_status)).toEqual(['online', 'offline']);
    expect(transitions[1]!.at.getTime()).toBe(lastReport.last_seen_at.getTime() + OFFLINE_AFTER_S * 1000);
    // Nothing it did counts as heard from; the installer still sees it connected and signed in.
    await until(async () => (await state()).connected_at > lastReport.connected_at);
    const afterSilence = await state();
    expect(afterSilence.online).toBe(true);
    expect(afterSilence.last_seen_at).toEqual(lastReport.last_seen_at);
    expect(await heardHours()).toEqual(hours);

    await report(connection);
    await until(() => verdict() === 'online');
    await until(async () => (await state()).last_seen_at > lastReport.last_seen_at);
  }, 40_000);
});
