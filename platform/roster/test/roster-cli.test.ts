import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshDatabase, hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The real command as `npx jt808-roster` runs it: node on the committed shim, which imports the
// compiled dist/. So the platform is built first.
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = 'platform/roster/bin/jt808-roster.js';
const FIXTURES = 'platform/roster/test/fixtures/roster';

beforeAll(() => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', 'platform/roster/tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'pipe',
  });
}, 180_000);

function roster(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...inherited, ...env },
  });
}

describe('jt808-roster without a database', () => {
  it('explains itself', () => {
    const help = roster(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('jt808-roster import');
    const importHelp = roster(['import', '--help']);
    expect(importHelp.stdout).toContain('Exit status: 0 everything loaded');
  });

  it('prints the columns of each kind', () => {
    const all = roster(['template']);
    expect(all.status).toBe(0);
    for (const kind of [
      'centers',
      'enterprises',
      'service-points',
      'vehicles',
      'terminals',
      'installations',
      'installers',
      'installer-contracts',
    ]) {
      expect(all.stdout).toContain(`${kind} (--${kind})`);
    }
    const vehicles = roster(['template', 'vehicles']);
    expect(vehicles.stdout).toContain('header: 车牌号,车牌颜色,车架号,车辆类型,中心编号,企业编号');
    expect(vehicles.stdout).not.toContain('terminals (--terminals)');
  });

  it('exits with 2 on a command line that makes no sense', () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /missing command/],
      [['export'], /unknown command "export"/],
      [['import'], /nothing to import/],
      [['import', '--vehicles', `${FIXTURES}/vehicles.csv`], /no database/],
      [
        ['import', '--database-url', 'postgres://x', '--vehicles', 'nowhere.csv'],
        /--vehicles nowhere.csv: no such file/,
      ],
      [['import', '--database-url', 'postgres://x', '--trucks', 'a.csv'], /Unknown option '--trucks'/],
      [
        ['import', '--database-url', 'postgres://x', '--encoding', 'big5', '--vehicles', 'a.csv'],
        /--encoding must be/,
      ],
      [['template', 'trucks'], /unknown kind "trucks"/],
    ];
    for (const [args, message] of cases) {
      const run = roster(args);
      expect([run.status, run.stderr], args.join(' ')).toEqual([2, expect.stringMatching(message)]);
    }
  });
});

describe.skipIf(!hasPostgres)('jt808-roster import (real PostgreSQL)', () => {
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await freshDatabase('roster_cli');
    dir = await mkdtemp(join(tmpdir(), 'roster-cli-'));
  });
  afterAll(async () => {
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('migrates the database, loads every file and exits with 0', () => {
    const args = [
      'centers',
      'enterprises',
      'service-points',
      'vehicles',
      'terminals',
      'installations',
    ].flatMap((kind) => [`--${kind}`, `${FIXTURES}/${kind}.csv`]);
    const run = roster(['import', '--database-url', db.url, ...args]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        `centers: ${FIXTURES}/centers.csv (UTF-8): read 3, loaded 3, rejected 0`,
        `enterprises: ${FIXTURES}/enterprises.csv (UTF-8): read 2, loaded 2, rejected 0`,
        `service-points: ${FIXTURES}/service-points.csv (UTF-8): read 2, loaded 2, rejected 0`,
        `vehicles: ${FIXTURES}/vehicles.csv (UTF-8): read 4, loaded 4, rejected 0`,
        '  ignored columns: 序号',
        `terminals: ${FIXTURES}/terminals.csv (UTF-8): read 4, loaded 4, rejected 0`,
        `installations: ${FIXTURES}/installations.csv (UTF-8): read 2, loaded 2, rejected 0`,
        '',
      ].join('\n'),
    );
  });

  it('lists rejected rows by file and line and exits with 1; DATABASE_URL names the database', async () => {
    const path = join(dir, 'vehicles.csv');
    await writeFile(path, '车牌号,车牌颜色,中心编号\n豫H00001,2,ZZ\n豫H00002,绿,ZZ\n豫H00003,2,QQ\n');
    const run = roster(['import', '--vehicles', path], { DATABASE_URL: db.url });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      [
        `vehicles: ${path} (UTF-8): read 3, loaded 1, rejected 2`,
        `  ${path}:3: 车牌颜色 "绿": not a plate colour (1 蓝 blue, 2 黄 yellow, 3 黑 black, 4 白 white, 9 其他 other, 0 VIN)`,
        `  ${path}:4: 中心编号 "QQ": no such center`,
        '',
      ].join('\n'),
    );
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query(`SELECT plate FROM vehicles WHERE plate LIKE '豫H%'`);
    await client.end();
    expect(rows).toEqual([{ plate: '豫H00001' }]);
  });

  it('exits with 1 when a file cannot be loaded at all', async () => {
    const path = join(dir, 'empty.csv');
    await writeFile(path, '');
    const run = roster(['import', '--database-url', db.url, '--terminals', path]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      `terminals: ${path} (UTF-8): not loaded: the file is empty, without even a header row\n`,
    );
  });

  it('exits with 1 when the database cannot be reached', () => {
    const run = roster([
      'import',
      '--database-url',
      'postgres://postgres@127.0.0.1:1/none',
      '--vehicles',
      `${FIXTURES}/vehicles.csv`,
    ]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^jt808-roster: cannot migrate the database: /);
  });
});
