import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EventKind, RedisBus } from '@jt808/bus';
import { encodeBody } from '@jt808/protocol';
import { freshDatabase, hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { RedisProcess, redisServerInstalled } from '@jt808/test-support/redis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/jt808-platform.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../dist/main.js', import.meta.url)));
const runnable = built && hasPostgres && redisServerInstalled();
if (!runnable && process.env.CI)
  throw new Error('CI must build the platform and have PostgreSQL and redis-server');

const TERMINALS = 50;
const FIXES_EACH = 400;

/** The standalone ingest worker, killed with kill -9 in the middle of its batches and started again. */
describe.skipIf(!runnable)('ingest worker process: crash and restart', () => {
  let redis: RedisProcess;
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    redis = await RedisProcess.start();
    db = await freshDatabase('crash');
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
    await redis?.destroy();
  });

  function startWorker(): ChildProcess {
    return spawn(
      process.execPath,
      [BIN, 'ingest', '--consumer', 'ingest-1', '--batch-size', '500', '--http-port', '0'],
      {
        env: { ...process.env, DATABASE_URL: db.url, REDIS_URL: redis.url, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
  }

  const count = async (sql: string) => Number((await pool.query(sql)).rows[0].n);

  it('stores every fix exactly once', async () => {
    const bus = new RedisBus({ url: redis.url });
    const start = Date.parse('2026-11-23T00:00:00Z');
    const publishing: Promise<void>[] = [];
    for (let t = 0; t < TERMINALS; t++) {
      for (let i = 0; i < FIXES_EACH; i++) {
        const time = new Date(start + i * 30_000);
        const body = encodeBody({
          name: 'locationReport',
          header: { phone: '0', serial: 0 },
          body: {
            alarm: i % 50 === 0 ? 1 : 0,
            status: 3,
            latitude: 34.7,
            longitude: 113.6,
            altitude: 100,
            speed: 40,
            direction: 90,
            time,
            extras: {},
          },
        });
        publishing.push(
          bus.events.publish({
            kind: EventKind.Message,
            phone: `0139000${String(t).padStart(5, '0')}`,
            gatewayId: 'gw',
            sessionId: 's',
            atMs: time.getTime() + 1000,
            messageId: 0x0200,
            serial: i,
            edition: '2013',
            protocolVersion: 0,
            body,
          }),
        );
      }
    }
    await Promise.all(publishing);

    let worker = startWorker();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const deadline = Date.now() + 60_000;
    // Kill it once some, not all, of the fixes are in.
    while ((await count('SELECT count(*) AS n FROM positions').catch(() => 0)) < 2000) {
      if (Date.now() > deadline) throw new Error('worker stored nothing');
      await new Promise((r) => setTimeout(r, 20));
    }
    worker.kill('SIGKILL');
    await new Promise((r) => worker.once('exit', r));
    expect(await count('SELECT count(*) AS n FROM positions')).toBeLessThan(TERMINALS * FIXES_EACH);

    worker = startWorker();
    while ((await bus.events.lag('ingest')) > 0) {
      if (Date.now() > deadline + 60_000) throw new Error('backlog did not drain');
      await new Promise((r) => setTimeout(r, 100));
    }
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    await bus.close();

    expect(await count('SELECT count(*) AS n FROM positions')).toBe(TERMINALS * FIXES_EACH);
    expect(await count('SELECT count(DISTINCT phone) AS n FROM positions')).toBe(TERMINALS);
    // Alarm raised at fixes 0, 50, ...; cleared at 1, 51, ...: 8 of each per terminal, never twice.
    expect(await count(`SELECT count(*) AS n FROM terminal_events WHERE kind LIKE 'alarm-%'`)).toBe(
      TERMINALS * 16,
    );
  }, 180_000);
});
