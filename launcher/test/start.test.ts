import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@jt808/test-support/ports';
import { freshDatabase, hasPostgres } from '@jt808/test-support/postgres';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { built, start } from './launcher-process.js';

const CONSOLE_DIR = fileURLToPath(new URL('../../console/dist', import.meta.url));

if (!built && process.env.CI) throw new Error('CI must build the launcher before testing it');

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!built)('npm start (the launcher as a process)', () => {
  it('runs on embedded defaults: its own PostgreSQL, the in-process bus and a demo fleet, then stops cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jt808-start-'));
    dirs.push(dataDir);
    const port = await freePort();
    const run = await start(
      [
        '--fleet',
        '30',
        '--speed',
        '60',
        '--scenario',
        'none',
        '--port',
        String(port),
        '--http-port',
        String(await freePort()),
        '--data-dir',
        dataDir,
        '--api-port',
        String(await freePort()),
        '--pg-port',
        String(await freePort()),
        '--exit-after',
        '12',
      ],
      { DATABASE_URL: undefined, REDIS_URL: undefined },
    );
    expect(run.output).toContain('jt808 platform is running');
    expect(run.output).toContain('embedded PostgreSQL 15');
    expect(run.code).toBe(0);
    // The data directory the banner names (under the system's temp directory when root cannot share dataDir).
    const directory = /embedded PostgreSQL 15 in (\S+)/.exec(run.output)?.[1];
    expect(directory && existsSync(join(directory, 'PG_VERSION'))).toBe(true);
    if (directory && !directory.startsWith(dataDir)) dirs.push(directory);
  }, 90_000);

  it.skipIf(!hasPostgres)(
    'uses DATABASE_URL and REDIS_URL when set, and stores what the fleet sent',
    async () => {
      const db = await freshDatabase('start');
      try {
        const apiPort = await freePort();
        let centersSeen = 0;
        let consolePage = '';
        const run = await start(
          [
            '--fleet',
            '40',
            '--speed',
            '60',
            '--scenario',
            'none',
            '--port',
            String(await freePort()),
            '--http-port',
            String(await freePort()),
            '--api-port',
            String(apiPort),
            '--exit-after',
            '10',
          ],
          { DATABASE_URL: db.url, REDIS_URL: 'redis://127.0.0.1:6379/14' },
          async (banner) => {
            // The printed administrator can sign in and sees the 60 demo centers.
            const password = /user admin, password (\S+)/.exec(banner)?.[1];
            const login = await fetch(`http://127.0.0.1:${apiPort}/api/login`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ username: 'admin', password }),
            });
            const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
            const centers = await fetch(`http://127.0.0.1:${apiPort}/api/centers`, { headers: { cookie } });
            centersSeen = ((await centers.json()) as unknown[]).length;
            // The banner names the console's address, and the API serves it there (after a build).
            const consoleUrl = /console\s+(http:\S+)/.exec(banner)?.[1];
            expect(consoleUrl).toBe(`http://127.0.0.1:${apiPort}/`);
            if (existsSync(join(CONSOLE_DIR, 'index.html'))) {
              consolePage = await (await fetch(`${consoleUrl}tickets`)).text();
            }
          },
        );
        expect(run.code).toBe(0);
        expect(centersSeen).toBe(60);
        if (existsSync(join(CONSOLE_DIR, 'index.html'))) expect(consolePage).toContain('<div id="app">');
        expect(run.output).toContain('Redis Streams at redis://127.0.0.1:6379/14');
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        const positions = Number((await client.query('SELECT count(*) AS n FROM positions')).rows[0].n);
        const terminals = Number((await client.query('SELECT count(*) AS n FROM terminal_state')).rows[0].n);
        const centers = Number((await client.query('SELECT count(*) AS n FROM centers')).rows[0].n);
        const judged = Number(
          (
            await client.query(
              `SELECT count(*) AS n FROM terminal_status WHERE status IN ('online', 'faulty', 'offline')`,
            )
          ).rows[0].n,
        );
        await client.end();
        expect(positions).toBeGreaterThan(40);
        expect(terminals).toBe(40);
        expect(centers).toBe(60);
        // The status engine judged every terminal that reported (the rest of the roster: never seen).
        expect(judged).toBe(40);
      } finally {
        await db.drop();
      }
    },
    90_000,
  );
});
