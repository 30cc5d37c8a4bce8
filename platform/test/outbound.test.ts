import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliverDue, retryDelayMs, webhookSender } from '../src/aftersales/outbound.js';
import type { NewUser } from '../src/api/users.js';
import { migrate } from '../src/db/migrate.js';
import { ensureStorage } from '../src/storage/layout.js';
import { type ApiServer, startApiServerFor } from './api-server.js';
import { freshDatabase, hasPostgres, type TestDatabase } from './database.js';

/** A real HTTP receiver on a local port: answers each request with `answer` (or never, to hang). */
interface Receiver {
  url: string;
  bodies: unknown[];
  close(): Promise<void>;
}

async function receiver(answer: (n: number) => number | 'hang'): Promise<Receiver> {
  const bodies: unknown[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      bodies.push(JSON.parse(text));
      const status = answer(bodies.length);
      if (status === 'hang') hanging.push(response);
      else response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`,
    bodies,
    close: async () => {
      for (const response of hanging) response.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * The outbound sender (aftersales/outbound.ts) against real local HTTP receivers: a delivery, one
 * that fails first and then succeeds, one that hangs (timeout), one pointing nowhere; retries with
 * backoff up to the maximum, every attempt in the delivery log, read over the API; the sender set
 * by an administrator only.
 */
describe.skipIf(!hasPostgres)('notifications: the outbound sender and its delivery log', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: ApiServer;
  let nextTicket = 100;

  /** Dispatches a new ticket of vehicle 1 over the API: a dispatch notice, queued for the sender. */
  const dispatch = async () => {
    const id = nextTicket++;
    await pool.query(
      `INSERT INTO tickets (id, kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, category, severity)
       VALUES ($1, 'repair', $2, 1, 1, 'classified', 'offline', now(), now() + interval '1 hour', now() + interval '1 day', 'hardware', 2)`,
      [id, `1390000${id}`],
    );
    const answer = await api.post('op1', `/api/tickets/${id}/actions`, {
      action: 'dispatch',
      installer: 'W-1',
      servicePointId: 1,
    });
    expect(answer.status).toBe(200);
    return id;
  };
  const setSender = (body: object) => api.put('admin', '/api/notifications/sender', body);
  const log = async () => (await api.get('admin', '/api/notifications/deliveries')).body;

  beforeAll(async () => {
    db = await freshDatabase('outbound');
    await migrate(db.url);
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await ensureStorage(pool, { retentionDays: 180, allowTimescale: false });
    await pool.query(`INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州', '郑州')`);
    await pool.query(`INSERT INTO service_points (id, code, name, center_id) VALUES (1, 'SP1', '郑州站', 1)`);
    await pool.query(`INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A10001', 2, 1)`);
    await pool.query(
      `INSERT INTO installers (code, name, phone, service_point_id) VALUES ('W-1', '王师傅', '13700001111', 1)`,
    );
    const users: NewUser[] = [
      { username: 'admin', password: 'admin-secret', role: 'admin' },
      { username: 'op1', password: 'op1-secret', role: 'operator', centerIds: [1] },
      { username: 'desk1', password: 'desk1-secret', role: 'desk', centerIds: [1] },
      { username: 'sp1', password: 'sp1-secret', role: 'service', servicePointId: 1 },
    ];
    api = await startApiServerFor(pool, users);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await pool?.end();
    await db?.drop();
  });
  beforeEach(async () => {
    await pool.query('DELETE FROM outbound_messages');
  });

  it('lets only an administrator set the sender, to an http(s) URL', async () => {
    expect((await api.get('admin', '/api/notifications/sender')).body).toEqual({
      url: null,
      timeoutMs: 5000,
      maxAttempts: 5,
      backoffMs: 30000,
    });
    // No sender: the inbox still gets the notice, nothing is queued.
    await dispatch();
    expect(await log()).toEqual([]);
    expect((await api.get('sp1', '/api/inbox/count')).body.unread).toBe(1);

    for (const user of ['op1', 'desk1', 'sp1']) {
      expect(
        (await api.put(user, '/api/notifications/sender', { url: 'http://127.0.0.1:1/' })).status,
        user,
      ).toBe(403);
      expect((await api.get(user, '/api/notifications/deliveries')).status, user).toBe(403);
    }
    for (const url of [
      'nowhere',
      'ftp://127.0.0.1/x',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'http://',
      '',
    ]) {
      expect((await setSender({ url })).status, url).toBe(400);
    }
    for (const bad of [
      { url: null, timeoutMs: 10 },
      { url: null, maxAttempts: 0 },
      { url: null, extra: 1 },
      {},
    ]) {
      expect((await setSender(bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await api.get('admin', '/api/notifications/sender')).body.url).toBeNull();
  });

  it('delivers a dispatch to the receiver, naming the recipients and the installer’s phone', async () => {
    const sms = await receiver(() => 200);
    try {
      expect(
        (await setSender({ url: sms.url, timeoutMs: 2000, maxAttempts: 3, backoffMs: 1000 })).status,
      ).toBe(200);
      const id = await dispatch();
      expect(await deliverDue(pool, webhookSender, new Date())).toBe(1);
      expect(sms.bodies).toMatchObject([
        {
          kind: 'dispatch',
          ticketId: id,
          text: `工单#${id} 豫A10001 已派给 郑州站（安装员 W-1）`,
          recipients: [{ username: 'sp1', role: 'service' }],
          phones: [{ to: 'installer', phone: '13700001111' }],
        },
      ]);
      expect(await log()).toMatchObject([
        { state: 'sent', attempts: 1, log: [{ ok: true, status: 200, error: null }] },
      ]);
      // Sent is sent: the next pass sends nothing again.
      expect(await deliverDue(pool, webhookSender, new Date(Date.now() + 3_600_000))).toBe(0);
      expect(sms.bodies).toHaveLength(1);
    } finally {
      await sms.close();
    }
  });

  it('retries a receiver that fails first, after the backoff, and logs both attempts', async () => {
    const sms = await receiver((n) => (n === 1 ? 503 : 200));
    try {
      await setSender({ url: sms.url, timeoutMs: 2000, maxAttempts: 3, backoffMs: 1000 });
      await dispatch();
      const now = new Date();
      expect(await deliverDue(pool, webhookSender, now)).toBe(1);
      expect(await log()).toMatchObject([
        { state: 'pending', attempts: 1, log: [{ ok: false, status: 503, error: 'HTTP 503' }] },
      ]);
      // Not before the backoff is over...
      expect(await deliverDue(pool, webhookSender, new Date(now.getTime() + 999))).toBe(0);
      // ...then again, delivered.
      expect(await deliverDue(pool, webhookSender, new Date(now.getTime() + 1000))).toBe(1);
      const [message] = await log();
      expect(message).toMatchObject({ state: 'sent', attempts: 2 });
      expect(message.log.map((a: { status: number; ok: boolean }) => [a.status, a.ok])).toEqual([
        [503, false],
        [200, true],
      ]);
      expect(sms.bodies).toHaveLength(2);
    } finally {
      await sms.close();
    }
  });

  it('gives up on a receiver that hangs after the maximum of attempts, each timed out, backing off twice as long', async () => {
    const sms = await receiver(() => 'hang');
    try {
      await setSender({ url: sms.url, timeoutMs: 200, maxAttempts: 3, backoffMs: 1000 });
      await dispatch();
      const start = Date.now();
      let at = Date.now();
      expect(await deliverDue(pool, webhookSender, new Date(at))).toBe(1);
      expect(Date.now() - start).toBeLessThan(2000);
      at += retryDelayMs(1000, 1); // 1 s
      expect(await deliverDue(pool, webhookSender, new Date(at))).toBe(1);
      // The second wait is twice the first.
      expect(retryDelayMs(1000, 2)).toBe(2000);
      expect(await deliverDue(pool, webhookSender, new Date(at + 1999))).toBe(0);
      at += 2000;
      expect(await deliverDue(pool, webhookSender, new Date(at))).toBe(1);
      const [message] = await log();
      expect(message).toMatchObject({ state: 'failed', attempts: 3, sent_at: null });
      expect(message.log.map((a: { error: string; status: number | null }) => [a.status, a.error])).toEqual([
        [null, 'timeout after 200 ms'],
        [null, 'timeout after 200 ms'],
        [null, 'timeout after 200 ms'],
      ]);
      expect(await deliverDue(pool, webhookSender, new Date(at + 3_600_000))).toBe(0);
      expect((await api.get('admin', '/api/notifications/deliveries?state=failed')).body).toHaveLength(1);
      expect((await api.get('admin', '/api/notifications/deliveries?state=bogus')).status).toBe(400);
    } finally {
      await sms.close();
    }
  });

  it('survives a sender pointing nowhere: the dispatch goes through, the log says why', async () => {
    const gone = await receiver(() => 200);
    const url = gone.url;
    await gone.close(); // the port is closed now: connections are refused
    await setSender({ url, timeoutMs: 500, maxAttempts: 1, backoffMs: 100 });
    const id = await dispatch();
    expect(await deliverDue(pool, webhookSender, new Date())).toBe(1);
    const [message] = await log();
    expect(message).toMatchObject({
      state: 'failed',
      attempts: 1,
      log: [{ ok: false, status: null, error: 'ECONNREFUSED' }],
    });
    expect((await api.get('op1', `/api/tickets/${id}`)).body.state).toBe('dispatched');
    // A host that does not resolve is logged the same way.
    await setSender({
      url: 'http://no-such-host.invalid/sms',
      timeoutMs: 2000,
      maxAttempts: 1,
      backoffMs: 100,
    });
    await dispatch();
    await pool.query(`DELETE FROM outbound_messages WHERE state = 'failed'`);
    expect(await deliverDue(pool, webhookSender, new Date())).toBe(1);
    expect((await log())[0]).toMatchObject({
      state: 'failed',
      log: [{ ok: false, error: expect.stringMatching(/ENOTFOUND|EAI_AGAIN/) }],
    });
  });
});
