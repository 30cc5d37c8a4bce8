import { freshDatabase, hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/db/migrate.js';
import { prepareDatabase } from '../src/db/prepare.js';
import { ensureStorage, refreshRollup, timescaleAvailable } from '../src/storage/layout.js';
import { dropExpiredPartitions, ensurePartitions, partitionName } from '../src/storage/partitions.js';
import { seededRollup, seedRollupHour } from './rollup-hour.js';

describe.skipIf(!hasPostgres)('schema and storage layout (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await freshDatabase('storage');
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('migrates an empty database, and a migrated one again without change', async () => {
    const first = await migrate(db.url);
    expect(first).toEqual([
      '0001_roster',
      '0002_terminal_state',
      '0003_terminal_status',
      '0004_tickets',
      '0005_ticket_reports',
      '0006_center_settings',
      '0007_users',
      '0008_live_feed',
      '0009_api_indexes',
      '0010_service_calendar',
      '0011_service_desk',
      '0012_complaints_callbacks',
      '0013_warranty_settlement',
      '0014_callback_scheduling',
      '0015_owner_contracts',
      '0016_live_notify',
      '0017_activity_presence',
      '0018_live_notify_no_jit',
      '0019_live_notify_hash_join',
      '0020_gateway_registry',
      '0021_least_privilege',
      '0022_session_idle',
      '0024_live_roster_notify',
      '0025_installers',
      '0026_first_answer_levels',
      '0027_standard_clocks',
      '0028_closing_loop',
      '0029_warranty_cases',
      '0030_install_plans',
      '0031_roster_history',
      '0032_escalations_close',
      '0033_signed_notifications',
    ]);
    expect(await migrate(db.url)).toEqual([]);
    const { rows } = await pool.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'centers',
        'service_points',
        'enterprises',
        'vehicles',
        'terminals',
        'installations',
        'terminal_state',
        'terminal_events',
      ]),
    );
  });

  it('lets several platform processes starting together prepare one empty database', async () => {
    const fresh = await freshDatabase('starters');
    const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: fresh.url, max: 3 }));
    try {
      const modes = await Promise.all(
        pools.map((starter) =>
          prepareDatabase(fresh.url, starter, { retentionDays: 180, allowTimescale: false }),
        ),
      );
      expect(modes).toEqual(['partitions', 'partitions', 'partitions', 'partitions']);
      expect(await migrate(fresh.url)).toEqual([]);
    } finally {
      await Promise.all(pools.map((starter) => starter.end()));
      await fresh.drop();
    }
  });

  it('plans the live-feed triggers for any transition table, whatever the first one held', async () => {
    // PL/pgSQL keeps a trigger's plans for the connection. One made for a large transition table
    // would JIT-compile again on every later firing (migration 0018); one made for a single row
    // would join a later large UPDATE's old and new rows pair by pair (migration 0019). The
    // settings travel with the functions.
    const { rows } = await pool.query<{ proname: string; proconfig: string[] | null }>(
      `SELECT proname, proconfig FROM pg_proc WHERE proname IN ('live_notify_positions', 'live_notify_transitions') ORDER BY 1`,
    );
    expect(rows).toEqual([
      { proname: 'live_notify_positions', proconfig: ['jit=off', 'enable_nestloop=off'] },
      { proname: 'live_notify_transitions', proconfig: ['jit=off'] },
    ]);
  });

  it('lays out positions as daily partitions when TimescaleDB is absent, idempotently', async () => {
    const mode = await ensureStorage(pool, { retentionDays: 180, allowTimescale: false });
    expect(mode).toBe('partitions');
    expect(await ensureStorage(pool, { retentionDays: 180 })).toBe('partitions');
    const today = new Date();
    const { rows } = await pool.query(`SELECT to_regclass($1) AS t`, [partitionName(today)]);
    expect(rows[0].t).toBe(partitionName(today));
  });

  it('stores far-off fixes in the default partition and moves them when their day gets a partition', async () => {
    const future = new Date(Date.now() + 30 * 86_400_000);
    await pool.query(
      `INSERT INTO positions (phone, gps_time, received_at, latitude, longitude, alarm, status, quality)
       VALUES ('13800000001', $1, now(), 34.7, 113.6, 0, 0, 16)`,
      [future.toISOString()],
    );
    expect((await pool.query('SELECT count(*)::int AS n FROM positions_default')).rows[0].n).toBe(1);
    await ensurePartitions(pool, future);
    expect((await pool.query('SELECT count(*)::int AS n FROM positions_default')).rows[0].n).toBe(0);
    expect((await pool.query(`SELECT count(*)::int AS n FROM ${partitionName(future)}`)).rows[0].n).toBe(1);
  });

  it('drops partitions past the retention period and keeps the rest', async () => {
    const old = new Date(Date.now() - 200 * 86_400_000);
    await ensurePartitions(pool, new Date(), old);
    const dropped = await dropExpiredPartitions(pool, new Date(), 180);
    expect(dropped).toContain(partitionName(old));
    expect(dropped).not.toContain(partitionName(new Date(Date.now() - 170 * 86_400_000)));
  });

  it('rolls fixes up per center and hour with the same query as TimescaleDB would', async () => {
    const hour = await seedRollupHour(pool);
    await refreshRollup(
      pool,
      'partitions',
      new Date(hour.getTime() - 3_600_000),
      new Date(hour.getTime() + 3_600_000),
    );
    const { rows } = await pool.query('SELECT * FROM center_hourly WHERE center_id = 1');
    expect(rows).toEqual(seededRollup(hour));
  });

  it('reports whether this server could run the TimescaleDB layout', async () => {
    // The machine's PostgreSQL has no TimescaleDB; the statements of that path are exercised by
    // timescale.test.ts whenever a server with the extension is given.
    expect(typeof (await timescaleAvailable(pool))).toBe('boolean');
  });
});
