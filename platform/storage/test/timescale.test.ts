import { parse } from 'libpg-query';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/db/migrate.js';
import { ensureStorage, refreshRollup, timescaleAvailable } from '../src/storage/layout.js';
import { PARTITION_STATEMENTS } from '../src/storage/partitions.js';
import { TRACK_INCLUDE, TRACK_VACUUM } from '../src/storage/positions-table.js';
import { timescaleStatements } from '../src/storage/timescale.js';
import { seededRollup, seedRollupHour } from './rollup-hour.js';
import { expectThinned, insertTrackFixes, trackScans } from './track-fixes.js';

/**
 * The TimescaleDB storage path. Its statements are always checked with PostgreSQL's own parser
 * (libpg-query, the PostgreSQL 15 grammar built to WebAssembly); the live checks run when
 * TEST_TIMESCALE_URL names a server with TimescaleDB preloaded (a database of their own is created
 * and dropped there), and the line printed below says which happened.
 */
const TIMESCALE_URL = process.env.TEST_TIMESCALE_URL;
const DAY = 86_400_000;
const HOUR = 3_600_000;

console.info(
  TIMESCALE_URL
    ? `TimescaleDB live checks: running against ${redact(TIMESCALE_URL)}`
    : 'TimescaleDB live checks: not run (TEST_TIMESCALE_URL is not set); statements checked with the PostgreSQL 15 parser only',
);

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

// ---------------------------------------------------------------------------------------------
// The statements, read with the PostgreSQL parser.

type Node = Record<string, unknown>;

/** Every node of a parse tree stored under `key` (e.g. 'FuncCall'), depth first. */
function collect(tree: unknown, key: string, found: Node[] = []): Node[] {
  if (Array.isArray(tree)) for (const item of tree) collect(item, key, found);
  else if (tree !== null && typeof tree === 'object') {
    for (const [k, v] of Object.entries(tree)) {
      if (k === key && v !== null && typeof v === 'object') found.push(v as Node);
      collect(v, key, found);
    }
  }
  return found;
}

function names(list: unknown): string[] {
  return (list as { String: { sval: string } }[]).map((n) => n.String.sval);
}

/** The one statement of `sql`, as `{ Kind: body }`; throws on a syntax error. */
async function statement(sql: string): Promise<[string, Node]> {
  const tree = await parse(sql);
  expect(tree.stmts).toHaveLength(1);
  const [kind, body] = Object.entries(tree.stmts[0].stmt as Node)[0]!;
  return [kind, body as Node];
}

/** The relations a statement creates, and whether it does so idempotently. */
function created(kind: string, body: Node): { name: string; idempotent: boolean } | undefined {
  const rel = (r: unknown) => (r as { relname: string }).relname;
  switch (kind) {
    case 'CreateStmt':
      return { name: rel(body.relation), idempotent: body.if_not_exists === true };
    case 'CreateTableAsStmt':
      return { name: rel((body.into as Node).rel), idempotent: body.if_not_exists === true };
    case 'ViewStmt':
      return { name: rel(body.view), idempotent: body.replace === true };
    default:
      return undefined;
  }
}

interface Call {
  name: string;
  positional: unknown[];
  named: Record<string, unknown>;
}

function calls(body: Node): Call[] {
  return collect(body, 'FuncCall').map((call) => {
    const args = (call.args as Node[] | undefined) ?? [];
    const named: Record<string, unknown> = {};
    const positional: unknown[] = [];
    for (const arg of args) {
      const namedArg = arg.NamedArgExpr as { name: string; arg: unknown } | undefined;
      if (namedArg) named[namedArg.name] = constant(namedArg.arg);
      else positional.push(constant(arg));
    }
    return { name: names(call.funcname).join('.'), positional, named };
  });
}

/** A literal's value ('1 day' for INTERVAL '1 day', true for TRUE, 'phone' for an option's word). */
function constant(node: unknown): unknown {
  const n = node as Node;
  const value = (n.TypeCast as Node | undefined)?.arg ?? n;
  const string = (value as Node).String as { sval: string } | undefined;
  if (string) return string.sval;
  const c = (value as Node).A_Const as Node | undefined;
  if (!c) return undefined;
  if (c.sval) return (c.sval as { sval: string }).sval;
  if (c.boolval) return (c.boolval as { boolval?: boolean }).boolval === true;
  if (c.ival) return (c.ival as { ival?: number }).ival ?? 0;
  return undefined;
}

describe('TimescaleDB statements (PostgreSQL 15 parser)', () => {
  it('are each one syntactically valid PostgreSQL 15 statement', async () => {
    const statements = timescaleStatements(180);
    expect(statements.length).toBeGreaterThan(5);
    for (const sql of statements) {
      const tree = await parse(sql);
      expect(Math.floor(tree.version / 10_000)).toBe(15);
      expect(tree.stmts, sql).toHaveLength(1);
    }
    // The parser does reject what PostgreSQL would.
    await expect(parse(`SELECT add_retention_policy('positions', INTERVAL '180 days'`)).rejects.toThrow();
    await expect(parse('CREATE MATERIALIZED VIEW positions_hourly AS')).rejects.toThrow();
  });

  it('create the objects the partitions path creates, each idempotently', async () => {
    const timescale = [];
    for (const sql of timescaleStatements(180)) {
      const [kind, body] = await statement(sql);
      const object = created(kind, body);
      if (object) timescale.push(object);
      if (kind === 'CreateExtensionStmt') {
        expect(body).toMatchObject({ extname: 'timescaledb', if_not_exists: true });
      }
    }
    const partitions = [];
    for (const sql of PARTITION_STATEMENTS) {
      const [kind, body] = await statement(sql);
      const object = created(kind, body);
      if (object) partitions.push(object.name);
    }
    expect(timescale.map((o) => o.name)).toEqual(['positions', 'positions_hourly', 'center_hourly']);
    expect(partitions.filter((n) => n !== 'positions_default')).toEqual(timescale.map((o) => o.name));
    for (const object of timescale) expect(object, object.name).toMatchObject({ idempotent: true });
  });

  it('make positions a hypertable of daily chunks with compression and the configured retention', async () => {
    const all: Call[] = [];
    for (const sql of timescaleStatements(90)) all.push(...calls((await statement(sql))[1]));
    const byName = (name: string) => all.filter((c) => c.name === name);
    expect(byName('create_hypertable')).toEqual([
      {
        name: 'create_hypertable',
        positional: ['positions', 'gps_time'],
        named: { chunk_time_interval: '1 day', if_not_exists: true },
      },
    ]);
    expect(byName('add_compression_policy')).toEqual([
      { name: 'add_compression_policy', positional: ['positions', '1 day'], named: { if_not_exists: true } },
    ]);
    // The retention policy is replaced on every start, so a changed setting takes effect.
    expect(byName('remove_retention_policy')).toEqual([
      { name: 'remove_retention_policy', positional: ['positions'], named: { if_exists: true } },
    ]);
    expect(byName('add_retention_policy')).toEqual([
      { name: 'add_retention_policy', positional: ['positions', '90 days'], named: { if_not_exists: true } },
    ]);
    expect(byName('add_continuous_aggregate_policy')).toMatchObject([
      { positional: ['positions_hourly'], named: { if_not_exists: true } },
    ]);
    // Compression segmented by terminal.
    const options: Record<string, unknown> = {};
    for (const sql of timescaleStatements(90)) {
      for (const def of collect(await parse(sql), 'DefElem')) {
        if (def.defnamespace === 'timescaledb') options[def.defname as string] = constant(def.arg ?? {});
      }
    }
    expect(options).toMatchObject({ compress_segmentby: 'phone', compress_orderby: 'gps_time DESC' });
  });

  it('index the track on the hypertable as on each partition, and vacuum after a million fixes', async () => {
    const indexes = async (statements: string[]) => {
      const found: Record<string, unknown>[] = [];
      for (const sql of statements) {
        const [kind, body] = await statement(sql);
        if (kind !== 'IndexStmt') continue;
        const elements = (list: unknown) => collect(list, 'IndexElem').map((e) => e.name);
        found.push({
          table: (body.relation as { relname: string }).relname,
          key: elements(body.indexParams),
          include: elements(body.indexIncludingParams),
          idempotent: body.if_not_exists === true,
        });
      }
      return found;
    };
    const track = { key: ['phone', 'gps_time'], include: TRACK_INCLUDE.split(', '), idempotent: true };
    expect(await indexes(timescaleStatements(180))).toContainEqual({ table: 'positions', ...track });
    expect(await indexes(PARTITION_STATEMENTS)).toContainEqual({ table: 'positions_default', ...track });
    const altered = [];
    for (const sql of timescaleStatements(180)) {
      const [kind, body] = await statement(sql);
      if (kind !== 'AlterTableStmt') continue;
      for (const option of collect(body, 'DefElem')) {
        if (String(option.defname).startsWith('autovacuum')) {
          // A storage parameter's number is an Integer node (no ival when 0).
          const value = (option.arg as { Integer?: { ival?: number } }).Integer;
          altered.push(`${option.defname}=${value ? (value.ival ?? 0) : undefined}`);
        }
      }
    }
    expect(altered).toEqual(TRACK_VACUUM.split(', ').map((option) => option.replace(' = ', '=')));
  });

  it('define positions_hourly with the columns of the partitions-mode rollup table', async () => {
    const columnsOf = async (statements: string[]) => {
      for (const sql of statements) {
        const [kind, body] = await statement(sql);
        if (created(kind, body)?.name !== 'positions_hourly') continue;
        if (kind === 'CreateStmt') {
          return collect(body.tableElts, 'ColumnDef').map((c) => c.colname as string);
        }
        const query = (body.query as { SelectStmt: { targetList: Node[] } }).SelectStmt;
        return query.targetList.map((t) => {
          const target = t.ResTarget as { name?: string; val: { ColumnRef?: { fields: unknown } } };
          return target.name ?? names(target.val.ColumnRef?.fields).at(-1);
        });
      }
      return [];
    };
    const timescale = await columnsOf(timescaleStatements(180));
    expect(timescale).toEqual(['hour', 'phone', 'fixes', 'unqualified']);
    expect(await columnsOf(PARTITION_STATEMENTS)).toEqual(timescale);
    const [, cagg] = await statement(
      timescaleStatements(180).find((s) => s.includes('positions_hourly WITH'))!,
    );
    const options = collect(cagg, 'DefElem').map((d) => `${d.defnamespace}.${d.defname}`);
    expect(options).toContain('timescaledb.continuous');
  });
});

// ---------------------------------------------------------------------------------------------
// A live TimescaleDB server.

interface TimescaleDatabase {
  url: string;
  drop(): Promise<void>;
}

async function freshTimescaleDatabase(adminUrl: string): Promise<TimescaleDatabase> {
  const name = `jt808_timescale_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

interface Fix {
  phone: string;
  at: Date;
  quality?: number;
}

/** Inserts fixes the way ingest does: INSERT … SELECT … ON CONFLICT (phone, gps_time) DO NOTHING. */
async function insertFixes(pool: pg.Pool, fixes: Fix[]): Promise<number> {
  const result = await pool.query(
    `INSERT INTO positions (phone, gps_time, received_at, latitude, longitude, alarm, status, quality)
     SELECT f.phone, f.at, now(), 34.7, 113.6, 0, 0, f.quality
       FROM unnest($1::text[], $2::timestamptz[], $3::smallint[]) AS f (phone, at, quality)
     ON CONFLICT (phone, gps_time) DO NOTHING`,
    [fixes.map((f) => f.phone), fixes.map((f) => f.at.toISOString()), fixes.map((f) => f.quality ?? 0)],
  );
  return result.rowCount ?? 0;
}

interface Chunk {
  chunk: string;
  range_start: Date;
  range_end: Date;
  is_compressed: boolean;
}

async function chunks(pool: pg.Pool): Promise<Chunk[]> {
  const { rows } = await pool.query<Chunk>(
    `SELECT format('%I.%I', chunk_schema, chunk_name) AS chunk, range_start, range_end, is_compressed
       FROM timescaledb_information.chunks WHERE hypertable_name = 'positions' ORDER BY range_start`,
  );
  return rows;
}

function chunkHolding(all: Chunk[], at: Date): Chunk | undefined {
  return all.find((c) => c.range_start.getTime() <= at.getTime() && at.getTime() < c.range_end.getTime());
}

interface Job {
  job_id: number;
  proc_name: string;
  config: Record<string, unknown>;
}

async function jobs(pool: pg.Pool): Promise<Job[]> {
  const { rows } = await pool.query<Job>(
    `SELECT job_id, proc_name, config FROM timescaledb_information.jobs
      WHERE proc_schema = '_timescaledb_functions' AND hypertable_name IS NOT NULL ORDER BY proc_name`,
  );
  return rows;
}

async function job(pool: pg.Pool, procName: string): Promise<Job> {
  const found = (await jobs(pool)).filter((j) => j.proc_name === procName);
  expect(found, procName).toHaveLength(1);
  return found[0]!;
}

async function countAt(pool: pg.Pool, from: Date, to: Date): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM positions WHERE gps_time >= $1 AND gps_time < $2',
    [from.toISOString(), to.toISOString()],
  );
  return rows[0]!.n;
}

function startOfUtcDay(time: Date): Date {
  return new Date(Math.floor(time.getTime() / DAY) * DAY);
}

// Registered only when a server is given: CI allows no skipped test, and cannot have TimescaleDB.
if (TIMESCALE_URL) liveChecks(TIMESCALE_URL);

function liveChecks(adminUrl: string): void {
  describe('TimescaleDB storage layout (live TimescaleDB server)', () => {
    let db: TimescaleDatabase;
    let pool: pg.Pool;
    const now = new Date();
    // Noon of the day three days back: its chunk is past the one-day compression delay.
    const old = new Date(startOfUtcDay(now).getTime() - 3 * DAY + 12 * HOUR);

    beforeAll(async () => {
      db = await freshTimescaleDatabase(adminUrl);
      pool = new pg.Pool({ connectionString: db.url, max: 4 });
      pool.on('error', () => {});
      await migrate(db.url);
    });
    afterAll(async () => {
      await pool?.end();
      await db?.drop();
    });

    it('chooses the timescaledb mode on a server that has it, and remembers it', async () => {
      expect(await timescaleAvailable(pool)).toBe(true);
      expect(await ensureStorage(pool, { retentionDays: 180 })).toBe('timescaledb');
      const { rows } = await pool.query(`SELECT value FROM storage_settings WHERE key = 'mode'`);
      expect(rows).toEqual([{ value: 'timescaledb' }]);
      // Remembered: a later start that would not choose TimescaleDB stays on it.
      expect(await ensureStorage(pool, { retentionDays: 180, allowTimescale: false })).toBe('timescaledb');
      const version = await pool.query(`SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'`);
      console.info(`TimescaleDB live checks: extension version ${version.rows[0].extversion}`);
    });

    it('makes positions a hypertable of one-day chunks on gps_time, with compression enabled', async () => {
      const { rows } = await pool.query(
        `SELECT d.column_name, d.time_interval::text AS time_interval, h.compression_enabled
         FROM timescaledb_information.dimensions d
         JOIN timescaledb_information.hypertables h USING (hypertable_schema, hypertable_name)
        WHERE d.hypertable_name = 'positions'`,
      );
      expect(rows).toEqual([{ column_name: 'gps_time', time_interval: '1 day', compression_enabled: true }]);
      const settings = await pool.query(
        `SELECT segmentby, orderby FROM timescaledb_information.hypertable_compression_settings
        WHERE hypertable = 'positions'::regclass`,
      );
      expect(settings.rows).toEqual([{ segmentby: 'phone', orderby: 'gps_time DESC' }]);
      const view = await pool.query(
        `SELECT materialized_only FROM timescaledb_information.continuous_aggregates
        WHERE view_name = 'positions_hourly' AND hypertable_name = 'positions'`,
      );
      expect(view.rows).toHaveLength(1);
    });

    it('inserts fixes, today and days back, and ignores a redelivered one', async () => {
      const fixes: Fix[] = [
        { phone: '13900000001', at: new Date(now.getTime() - 10 * 60_000) },
        { phone: '13900000001', at: new Date(now.getTime() - 5 * 60_000) },
        { phone: '13900000001', at: old },
        { phone: '13900000002', at: old, quality: 1 },
        { phone: '13900000001', at: new Date(old.getTime() + DAY) },
      ];
      expect(await insertFixes(pool, fixes)).toBe(5);
      // The same batch again, and a batch holding a duplicate next to a new fix.
      expect(await insertFixes(pool, fixes)).toBe(0);
      expect(
        await insertFixes(pool, [fixes[0]!, { phone: '13900000002', at: new Date(old.getTime() + 60_000) }]),
      ).toBe(1);
      expect(await countAt(pool, new Date(0), new Date(now.getTime() + DAY))).toBe(6);
      const all = await chunks(pool);
      expect(chunkHolding(all, old)).toMatchObject({ range_start: startOfUtcDay(old) });
      expect(chunkHolding(all, now)).toMatchObject({ range_start: startOfUtcDay(now) });
    });

    it('compresses chunks past a day with the policy job, and ON CONFLICT still works on them', async () => {
      const policy = await job(pool, 'policy_compression');
      expect(policy.config).toMatchObject({ compress_after: '1 day' });
      await pool.query('CALL run_job($1)', [policy.job_id]);
      let all = await chunks(pool);
      expect(chunkHolding(all, old)?.is_compressed).toBe(true);
      expect(chunkHolding(all, now)?.is_compressed).toBe(false);
      const compressed = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM chunk_compression_stats('positions') WHERE compression_status = 'Compressed'`,
      );
      expect(compressed.rows[0]!.n).toBeGreaterThanOrEqual(1);

      // A late (blind-area) batch into the compressed chunk: the duplicates insert nothing, the new fix lands.
      const late: Fix[] = [
        { phone: '13900000001', at: old },
        { phone: '13900000002', at: old, quality: 1 },
        { phone: '13900000003', at: new Date(old.getTime() + 30 * 60_000) },
      ];
      expect(await insertFixes(pool, late)).toBe(1);
      expect(await insertFixes(pool, late)).toBe(0);
      const day = startOfUtcDay(old);
      expect(await countAt(pool, day, new Date(day.getTime() + DAY))).toBe(4);
      const { rows } = await pool.query(
        `SELECT phone, quality FROM positions WHERE gps_time = $1 ORDER BY phone`,
        [old.toISOString()],
      );
      expect(rows).toEqual([
        { phone: '13900000001', quality: 0 },
        { phone: '13900000002', quality: 1 },
      ]);
      all = await chunks(pool);
      expect(chunkHolding(all, old)?.is_compressed).toBe(true);

      // Compressing it again (the policy's next run, or by hand) is harmless.
      await pool.query('CALL run_job($1)', [policy.job_id]);
      await pool.query(`SELECT compress_chunk($1::regclass, if_not_compressed => TRUE)`, [
        chunkHolding(all, old)!.chunk,
      ]);
      expect(await countAt(pool, day, new Date(day.getTime() + DAY))).toBe(4);
    });

    it('keeps the configured retention and drops chunks past it', async () => {
      const retention = await job(pool, 'policy_retention');
      expect(retention.config).toMatchObject({ drop_after: '180 days' });
      const expired = new Date(now.getTime() - 200 * DAY);
      const kept = new Date(now.getTime() - 170 * DAY);
      expect(
        await insertFixes(pool, [
          { phone: '13900000004', at: expired },
          { phone: '13900000004', at: kept },
        ]),
      ).toBe(2);
      expect(chunkHolding(await chunks(pool), expired)).toBeDefined();
      await pool.query('CALL run_job($1)', [retention.job_id]);
      const all = await chunks(pool);
      expect(chunkHolding(all, expired)).toBeUndefined();
      expect(chunkHolding(all, kept)).toBeDefined();
      expect(await countAt(pool, new Date(0), new Date(now.getTime() - 180 * DAY))).toBe(0);
      expect(await countAt(pool, kept, new Date(kept.getTime() + 1))).toBe(1);

      // drop_chunks by hand does the same for an older cut-off.
      const { rows } = await pool.query<{ dropped: string }>(
        `SELECT drop_chunks('positions', older_than => $1::timestamptz) AS dropped`,
        [new Date(now.getTime() - 160 * DAY).toISOString()],
      );
      expect(rows.map((r) => r.dropped)).toEqual([chunkHolding(all, kept)!.chunk]);
      expect(await countAt(pool, new Date(0), new Date(now.getTime() - 160 * DAY))).toBe(0);
    });

    it('rolls fixes up per center and hour into the same center_hourly rows as the partitions mode', async () => {
      // The data and the expectation of storage.test.ts's partitions-mode rollup test.
      const hour = await seedRollupHour(pool);
      await refreshRollup(
        pool,
        'timescaledb',
        new Date(hour.getTime() - HOUR),
        new Date(hour.getTime() + HOUR),
      );
      const expected = seededRollup(hour);
      expect((await pool.query('SELECT * FROM center_hourly WHERE center_id = 1')).rows).toEqual(expected);

      // Refreshing again, and running the aggregate's own policy job, change nothing.
      await refreshRollup(
        pool,
        'timescaledb',
        new Date(hour.getTime() - HOUR),
        new Date(hour.getTime() + HOUR),
      );
      await pool.query('CALL run_job($1)', [(await job(pool, 'policy_refresh_continuous_aggregate')).job_id]);
      expect((await pool.query('SELECT * FROM center_hourly WHERE center_id = 1')).rows).toEqual(expected);

      // A window inside one hour refreshes that whole hour (TimescaleDB refuses a window covering no
      // whole bucket; refreshRollup widens it to whole hours).
      await insertFixes(pool, [{ phone: '13800000002', at: new Date(hour.getTime() + 3 * 60_000) }]);
      await refreshRollup(
        pool,
        'timescaledb',
        new Date(hour.getTime() + 150_000),
        new Date(hour.getTime() + 600_000),
      );
      expect((await pool.query('SELECT * FROM center_hourly WHERE center_id = 1')).rows).toEqual([
        { ...expected[0], fixes: '4' },
      ]);

      // The rollup also counts the older fixes, compressed chunk included.
      await refreshRollup(
        pool,
        'timescaledb',
        startOfUtcDay(old),
        new Date(startOfUtcDay(old).getTime() + DAY),
      );
      const refreshed = await pool.query(
        `SELECT phone, fixes::int, unqualified::int FROM positions_hourly WHERE hour = $1 ORDER BY phone`,
        [new Date(Math.floor(old.getTime() / HOUR) * HOUR).toISOString()],
      );
      expect(refreshed.rows).toEqual([
        { phone: '13900000001', fixes: 1, unqualified: 0 },
        { phone: '13900000002', fixes: 2, unqualified: 1 },
        { phone: '13900000003', fixes: 1, unqualified: 0 },
      ]);
    });

    it("reads a track from today's covering index and from a compressed day's segment, thinned alike", async () => {
      const today = startOfUtcDay(now);
      await insertTrackFixes(pool, today);
      await pool.query('VACUUM ANALYZE positions');
      expect(await trackScans(pool, today)).toMatchObject([
        {
          'Node Type': 'Index Only Scan',
          'Index Name': expect.stringMatching(/positions_track$/),
          'Heap Fetches': 0,
        },
      ]);
      await expectThinned(pool, today);

      const back = new Date(today.getTime() - 2 * DAY);
      await insertTrackFixes(pool, back);
      await pool.query('CALL run_job($1)', [(await job(pool, 'policy_compression')).job_id]);
      expect(chunkHolding(await chunks(pool), back)?.is_compressed).toBe(true);
      await expectThinned(pool, back);
    });

    it('applies again without error or duplicate jobs, and takes a changed retention period', async () => {
      const before = await jobs(pool);
      expect(before.map((j) => j.proc_name)).toEqual([
        'policy_compression',
        'policy_refresh_continuous_aggregate',
        'policy_retention',
      ]);
      expect(await ensureStorage(pool, { retentionDays: 180 })).toBe('timescaledb');
      expect(await ensureStorage(pool, { retentionDays: 200 })).toBe('timescaledb');
      expect((await job(pool, 'policy_retention')).config).toMatchObject({ drop_after: '200 days' });
      expect(await ensureStorage(pool, { retentionDays: 180 })).toBe('timescaledb');
      const after = await jobs(pool);
      expect(after.map((j) => j.proc_name)).toEqual(before.map((j) => j.proc_name));
      expect((await job(pool, 'policy_retention')).config).toMatchObject({ drop_after: '180 days' });
      // The data and the compressed chunk survive a restart's layout pass.
      expect(chunkHolding(await chunks(pool), old)?.is_compressed).toBe(true);
      expect(await countAt(pool, new Date(0), new Date(now.getTime() + DAY))).toBe(11);
    });
  });
}
