import { randomBytes } from 'node:crypto';
import { migrate } from '@jt808/storage';
import { migratedDatabase } from '@jt808/test-support/platform-database';
import { freshDatabase, hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ApiOptions, buildApi } from '../src/app.js';
import { saveUser } from '../src/users.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15';

describe.skipIf(!hasPostgres)('sessions and sign-in limits (real PostgreSQL, real sockets)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const apis: FastifyInstance[] = [];
  let api: FastifyInstance;
  let base: string;

  async function start(options: Partial<ApiOptions> = {}): Promise<FastifyInstance> {
    const started = await buildApi({ pool, secureCookies: false, socketRecheckMs: 200, ...options });
    apis.push(started);
    return started;
  }

  beforeAll(async () => {
    ({ db, pool } = await migratedDatabase('sessions', 6));
    await pool.query(`INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州', '郑州')`);
    for (const name of ['op1', 'op2', 'op3']) {
      await saveUser(pool, { username: name, password: `${name}-secret`, role: 'operator', centerIds: [1] });
    }
    api = await start();
    await api.listen({ port: 0, host: '127.0.0.1' });
    base = `127.0.0.1:${(api.server.address() as { port: number }).port}`;
  }, 60_000);
  afterAll(async () => {
    for (const started of apis) await started.close();
    await pool?.end();
    await db?.drop();
  });

  async function signIn(username = 'op1', on = api, remoteAddress = '10.0.0.1'): Promise<string> {
    const login = await on.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username, password: `${username}-secret` },
      remoteAddress,
    });
    expect(login.statusCode).toBe(200);
    return `jt808_session=${login.cookies.find((c) => c.name === 'jt808_session')!.value}`;
  }
  const me = async (cookie: string) =>
    (await api.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode;
  const lastSession = `(SELECT token_hash FROM sessions ORDER BY created_at DESC LIMIT 1)`;

  it('ends a session unused for the idle timeout, and one past its absolute end', async () => {
    const idle = await signIn();
    await pool.query(
      `UPDATE sessions SET last_used_at = now() - interval '29 minutes' WHERE token_hash = ${lastSession}`,
    );
    expect(await me(idle)).toBe(200); // and that use counts
    await pool.query(
      `UPDATE sessions SET last_used_at = now() - interval '31 minutes' WHERE token_hash = ${lastSession}`,
    );
    expect(await me(idle)).toBe(401);
    const old = await signIn();
    await pool.query(
      `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = ${lastSession}`,
    );
    expect(await me(old)).toBe(401);
  });

  it('purges the sessions that can no longer sign anyone in when someone signs in', async () => {
    await signIn();
    await pool.query(
      `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = ${lastSession}`,
    );
    await signIn();
    await pool.query(
      `UPDATE sessions SET last_used_at = now() - interval '1 hour' WHERE token_hash = ${lastSession}`,
    );
    await signIn();
    const { rows } = await pool.query(
      `SELECT count(*)::int AS dead FROM sessions WHERE expires_at <= now() OR last_used_at <= now() - interval '30 minutes'`,
    );
    expect(rows[0].dead).toBe(0);
  });

  it('ends every session of a user whose password changes, and keeps them when it stays', async () => {
    const first = await signIn('op2');
    const second = await signIn('op2');
    await saveUser(pool, { username: 'op2', password: 'op2-secret', role: 'operator', centerIds: [1] });
    expect([await me(first), await me(second)]).toEqual([200, 200]);
    await saveUser(pool, { username: 'op2', password: 'a new secret', role: 'operator', centerIds: [1] });
    expect([await me(first), await me(second)]).toEqual([401, 401]);
    await saveUser(pool, { username: 'op2', password: 'op2-secret', role: 'operator', centerIds: [1] });
  });

  function live(cookie: string): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://${base}/api/live`, { headers: { cookie } });
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });
  }
  const closed = (socket: WebSocket) =>
    new Promise<number>((resolve) => socket.once('close', (code: number) => resolve(code)));

  it('closes the live feeds of a session on logout, on expiry and on a changed password', async () => {
    const cookie = await signIn('op3');
    const [a, b] = [await live(cookie), await live(cookie)];
    const other = await live(await signIn('op3'));
    const closing = [closed(a), closed(b)];
    await api.inject({ method: 'POST', url: '/api/logout', headers: { cookie } });
    expect(await Promise.all(closing)).toEqual([4401, 4401]);
    expect(other.readyState).toBe(WebSocket.OPEN);

    const expiring = closed(other);
    await pool.query(
      `UPDATE sessions SET expires_at = now() WHERE user_id = (SELECT id FROM users WHERE username = 'op3')`,
    );
    expect(await expiring).toBe(4401);

    const revoked = await live(await signIn('op3'));
    const revoking = closed(revoked);
    await saveUser(pool, { username: 'op3', password: 'changed', role: 'operator', centerIds: [1] });
    expect(await revoking).toBe(4401);
    await saveUser(pool, { username: 'op3', password: 'op3-secret', role: 'operator', centerIds: [1] });
  });

  it("writes a session's use at most once a minute, and still checks the session at every request", async () => {
    const cookie = await signIn();
    await pool.query(
      `UPDATE sessions SET last_used_at = now() - interval '30 seconds' WHERE token_hash = ${lastSession}`,
    );
    expect(await me(cookie)).toBe(200);
    const { rows } = await pool.query(
      `SELECT now() - last_used_at >= interval '30 seconds' AS unwritten FROM sessions WHERE token_hash = ${lastSession}`,
    );
    expect(rows[0].unwritten).toBe(true);
    // Ended by another API process (sign-out, a changed password): refused at the next request.
    await pool.query(`DELETE FROM sessions WHERE token_hash = ${lastSession}`);
    expect(await me(cookie)).toBe(401);
  });

  it('counts an open live feed as use of its session', async () => {
    const cookie = await signIn();
    const socket = await live(cookie);
    await pool.query(
      `UPDATE sessions SET last_used_at = now() - interval '29 minutes' WHERE token_hash = ${lastSession}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { rows } = await pool.query(
      `SELECT now() - last_used_at < interval '1 minute' AS fresh FROM sessions WHERE token_hash = ${lastSession}`,
    );
    expect(rows[0].fresh).toBe(true);
    socket.close();
  });

  const guess = (
    on: FastifyInstance,
    username: string,
    remoteAddress: string,
    headers: Record<string, string> = {},
  ) =>
    on
      .inject({
        method: 'POST',
        url: '/api/login',
        payload: { username, password: 'a guess' },
        remoteAddress,
        headers,
      })
      .then((answer) => answer.statusCode);

  it('backs off an account guessed at from many addresses, whatever the password then', async () => {
    await saveUser(pool, { username: 'target', password: 'target-secret', role: 'operator', centerIds: [1] });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push(await guess(api, 'target', `10.1.0.${i + 1}`));
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    const right = await api.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'target', password: 'target-secret' },
      remoteAddress: '10.1.1.1',
    });
    expect(right.statusCode).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts only wrong passwords per address: a whole shift signs in from one', async () => {
    for (let i = 0; i < 8; i++) await signIn('op1', api, '10.2.0.1');
  });

  it('tells clients behind a trusted proxy apart, and not without trusting it', async () => {
    const proxied = await start({ trustProxy: '127.0.0.1' });
    const from = (client: string) => ({ 'x-forwarded-for': client });
    for (const [on, expected] of [
      [proxied, 401],
      [await start(), 429],
    ] as const) {
      for (let i = 0; i < 5; i++) expect(await guess(on, 'op1', '127.0.0.1', from('203.0.113.7'))).toBe(401);
      expect(await guess(on, 'op1', '127.0.0.1', from('203.0.113.7'))).toBe(429);
      // Another client of the same proxy: its own count when the proxy is trusted.
      expect(await guess(on, 'op2', '127.0.0.1', from('198.51.100.9'))).toBe(expected);
    }
  });
});

describe.skipIf(!hasPostgres)('sign-in limits shared by several API processes (Redis)', async () => {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  const hasRedis = await probe.connect().then(
    () => true,
    () => false,
  );
  probe.disconnect();
  if (!hasRedis && process.env.CI) throw new Error(`CI needs Redis at ${REDIS_URL}`);

  it.skipIf(!hasRedis)('counts a wrong password on one API process against the next', async () => {
    const db = await freshDatabase('signin_redis');
    await migrate(db.url);
    const pool = new pg.Pool({ connectionString: db.url, max: 4 });
    const redis = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
    const [one, two] = [
      await buildApi({ pool, secureCookies: false, redis: redis[0] }),
      await buildApi({ pool, secureCookies: false, redis: redis[1] }),
    ];
    try {
      // A fresh address and account each run: the counts outlive the test in the shared Redis.
      const address = `10.${randomBytes(3).join('.')}`;
      const account = `shared-${randomBytes(4).toString('hex')}`;
      const wrong = (on: FastifyInstance) =>
        on
          .inject({
            method: 'POST',
            url: '/api/login',
            payload: { username: account, password: 'x' },
            remoteAddress: address,
          })
          .then((answer) => answer.statusCode);
      const statuses = [
        await wrong(one),
        await wrong(two),
        await wrong(one),
        await wrong(two),
        await wrong(one),
      ];
      expect(statuses).toEqual([401, 401, 401, 401, 401]);
      expect([await wrong(two), await wrong(one)]).toEqual([429, 429]);
    } finally {
      await one.close();
      await two.close();
      for (const connection of redis) connection.disconnect();
      await pool.end();
      await db.drop();
    }
  });
});
