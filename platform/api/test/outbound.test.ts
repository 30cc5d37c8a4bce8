import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverDue, retryDelayMs, webhookSender } from '@jt808/after-sales';
import { MIGRATIONS_DIR, migrate } from '@jt808/storage';
import { type ApiServer, startApiServerFor } from '@jt808/test-support/api-server';
import { closeAll, storedDatabase } from '@jt808/test-support/platform-database';
import { freshDatabase, hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NewUser } from '../src/users.js';

/** One request as a receiver saw it: the parsed body, the raw text and the signature's headers. */
interface Received {
  body: { kind: string; [key: string]: unknown };
  text: string;
  timestamp: string | undefined;
  signature: string | undefined;
  delivery: string | undefined;
}

/**
 * A real HTTP receiver on a local port: answers each request with `answer` (or never, to hang).
 * With a `secret` it verifies each request as docs/after-sales.md tells a receiver to (its own code,
 * not the platform's): HMAC-SHA256 over `<timestamp>.<body>`, a timestamp within 5 minutes, and
 * answers 401 to a request that fails.
 */
interface Receiver {
  url: string;
  bodies: Received['body'][];
  received: Received[];
  refused: number;
  close(): Promise<void>;
}

function verifies(secret: string, request: IncomingMessage, text: string): boolean {
  const timestamp = Number(request.headers['x-jt808-timestamp']);
  const signature = String(request.headers['x-jt808-signature'] ?? '');
  if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 300) return false;
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${text}`).digest('hex')}`;
  return (
    signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  );
}

async function receiver(answer: (n: number) => number | 'hang', secret?: string): Promise<Receiver> {
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  const self = { refused: 0 };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      if (secret && !verifies(secret, request, text)) {
        self.refused++;
        response.writeHead(401).end();
        return;
      }
      received.push({
        body: JSON.parse(text),
        text,
        timestamp: request.headers['x-jt808-timestamp'] as string | undefined,
        signature: request.headers['x-jt808-signature'] as string | undefined,
        delivery: request.headers['x-jt808-delivery'] as string | undefined,
      });
      const status = answer(received.length);
      if (status === 'hang') hanging.push(response);
      else response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`,
    received,
    get bodies() {
      return received.map((r) => r.body);
    },
    get refused() {
      return self.refused;
    },
    close: async () => {
      for (const response of hanging) response.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const ALL_KINDS = ['dispatch', 'reassign', 'reschedule', 'deadline', 'escalation', 'exchange'];
const SECRET = 'a-receiver-secret-0123456789';

/**
 * The outbound sender (after-sales/outbound.ts) against real local HTTP receivers: a delivery, one
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
  /** The sender's retries and one active endpoint for every kind, the only one (others made inactive). */
  const setSender = async ({
    url,
    ...retries
  }: {
    url: string;
    timeoutMs: number;
    maxAttempts: number;
    backoffMs: number;
  }) => {
    await pool.query('UPDATE notification_endpoints SET active = false');
    const answer = await api.put('admin', '/api/notifications/sender', retries);
    expect(answer.status).toBe(200);
    const endpoint = await api.post('admin', '/api/notifications/endpoints', {
      name: `all-${nextEndpoint++}`,
      url,
      kinds: ALL_KINDS,
      active: true,
      secret: SECRET,
    });
    expect(endpoint.status).toBe(201);
    return endpoint;
  };
  let nextEndpoint = 1;
  const log = async () => (await api.get('admin', '/api/notifications/deliveries')).body;

  beforeAll(async () => {
    ({ db, pool } = await storedDatabase('outbound'));
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
  afterAll(() => closeAll(api, pool, db));
  beforeEach(async () => {
    await pool.query('DELETE FROM outbound_messages');
  });

  it('lets only an administrator set the sender and its endpoints, to http(s) URLs, never reading a secret back', async () => {
    expect((await api.get('admin', '/api/notifications/sender')).body).toEqual({
      timeoutMs: 5000,
      maxAttempts: 5,
      backoffMs: 30000,
    });
    expect((await api.get('admin', '/api/notifications/endpoints')).body).toEqual([]);
    // No endpoint: the inbox still gets the notice, nothing is queued.
    await dispatch();
    expect(await log()).toEqual([]);
    expect((await api.get('sp1', '/api/inbox/count')).body.unread).toBe(1);

    const endpoint = { name: 'sms', url: 'http://127.0.0.1:1/', kinds: ['dispatch'], active: true };
    for (const user of ['op1', 'desk1', 'sp1']) {
      expect((await api.put(user, '/api/notifications/sender', { timeoutMs: 1000 })).status, user).toBe(403);
      expect((await api.post(user, '/api/notifications/endpoints', endpoint)).status, user).toBe(403);
      expect((await api.get(user, '/api/notifications/endpoints')).status, user).toBe(403);
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
      expect(
        (await api.post('admin', '/api/notifications/endpoints', { ...endpoint, url })).status,
        url,
      ).toBe(400);
    }
    for (const bad of [
      { ...endpoint, kinds: ['gossip'] },
      { ...endpoint, secret: 'short' },
      { ...endpoint, secret: 'has spaces in the secret' },
      { ...endpoint, name: ' ' },
      { ...endpoint, extra: 1 },
      { url: endpoint.url },
    ]) {
      expect((await api.post('admin', '/api/notifications/endpoints', bad)).status, JSON.stringify(bad)).toBe(
        400,
      );
    }
    // The old single URL is an endpoint now: the sender takes only how hard to try.
    for (const bad of [{ url: 'http://127.0.0.1:1/' }, { timeoutMs: 10 }, { maxAttempts: 0 }, { extra: 1 }]) {
      expect((await api.put('admin', '/api/notifications/sender', bad)).status, JSON.stringify(bad)).toBe(
        400,
      );
    }
    // Created: the generated secret is answered once, then never.
    const made = await api.post('admin', '/api/notifications/endpoints', endpoint);
    expect(made.status).toBe(201);
    expect(made.body.secret).toMatch(/^[0-9a-f]{64}$/);
    expect((await api.post('admin', '/api/notifications/endpoints', endpoint)).status).toBe(409);
    const listed = (await api.get('admin', '/api/notifications/endpoints')).body;
    expect(listed).toMatchObject([{ name: 'sms', kinds: ['dispatch'], active: true, updatedBy: 'admin' }]);
    expect(listed[0]).not.toHaveProperty('secret');
    expect(JSON.stringify(listed)).not.toContain(made.body.secret);
    expect((await api.put('admin', '/api/notifications/endpoints/999999', endpoint)).status).toBe(404);
    expect((await api.put('admin', '/api/notifications/endpoints/abc', endpoint)).status).toBe(400);
    expect((await api.put('admin', '/api/notifications/endpoints/0', endpoint)).status).toBe(400);
    const other = await api.post('admin', '/api/notifications/endpoints', { ...endpoint, name: 'second' });
    expect(other.status).toBe(201);
    // Renamed onto another's name: 409, nothing changed.
    expect((await api.put('admin', `/api/notifications/endpoints/${other.body.id}`, endpoint)).status).toBe(
      409,
    );
    const off = await api.put('admin', `/api/notifications/endpoints/${made.body.id}`, {
      ...endpoint,
      active: false,
    });
    expect(off.body).toMatchObject({ active: false });
    expect(off.body.secret).toBeUndefined();
  });

  it('routes each kind to its endpoints only, each signed with its own secret that the receiver verifies', async () => {
    await pool.query('UPDATE notification_endpoints SET active = false');
    const smsSecret = 'sms-gateway-secret-0001';
    const hookSecret = 'webhook-secret-0002-abcdef';
    const sms = await receiver(() => 200, smsSecret);
    const hook = await receiver(() => 200, hookSecret);
    // A receiver holding a wrong secret refuses what it is sent.
    const stale = await receiver(() => 200, 'not-the-right-secret-000');
    try {
      await api.put('admin', '/api/notifications/sender', {
        timeoutMs: 2000,
        maxAttempts: 2,
        backoffMs: 1000,
      });
      const add = (name: string, url: string, kinds: string[], secret: string) =>
        api.post('admin', '/api/notifications/endpoints', { name, url, kinds, active: true, secret });
      expect((await add('gateway', sms.url, ['dispatch', 'reschedule'], smsSecret)).status).toBe(201);
      expect((await add('hook', hook.url, ['dispatch', 'escalation', 'exchange'], hookSecret)).status).toBe(
        201,
      );
      const staleEndpoint = await add('stale', stale.url, ['dispatch'], 'the-platforms-secret-999');
      const id = await dispatch();
      // One escalation, raised as a round would: only the webhook hears of it.
      await pool.query(
        `INSERT INTO notices (key, kind, cause, center_id, text) VALUES ('escalation:test:${id}', 'escalation', 'satisfaction', 1, '回访不满意')`,
      );
      const { rows } = await pool.query<{ id: string }>(
        `SELECT id FROM notices WHERE key = 'escalation:test:${id}'`,
      );
      const { deliverNotices } = await import('@jt808/after-sales');
      await deliverNotices(pool, [rows[0]!.id]);

      expect(await deliverDue(pool, webhookSender, new Date())).toBe(4);
      expect(sms.bodies.map((b) => b.kind)).toEqual(['dispatch']);
      expect(hook.bodies.map((b) => b.kind).sort()).toEqual(['dispatch', 'escalation']);
      expect(stale.received).toEqual([]);
      expect(stale.refused).toBe(1);
      // The headers: a Unix timestamp, the signature over it and the exact body, the message's id.
      const [first] = sms.received;
      expect(first!.timestamp).toMatch(/^\d{10}$/);
      expect(Math.abs(Number(first!.timestamp) - Date.now() / 1000)).toBeLessThan(60);
      expect(first!.signature).toBe(
        `sha256=${createHmac('sha256', smsSecret).update(`${first!.timestamp}.${first!.text}`).digest('hex')}`,
      );
      // The log names the endpoint each message went to; the wrong secret's is a 401, to be retried.
      const rowsLogged = (await log()) as {
        id: string;
        endpoint: string;
        kind: string;
        state: string;
        log: { status: number }[];
      }[];
      expect(rowsLogged.map((r) => [r.endpoint, r.kind, r.state, r.log.map((a) => a.status)]).sort()).toEqual(
        [
          ['gateway', 'dispatch', 'sent', [200]],
          ['hook', 'dispatch', 'sent', [200]],
          ['hook', 'escalation', 'sent', [200]],
          ['stale', 'dispatch', 'pending', [401]],
        ],
      );
      expect(first!.delivery).toBe(String(rowsLogged.find((r) => r.endpoint === 'gateway')!.id));

      // A replay of a captured request with its old timestamp is refused by the receiver's window.
      const replay = await fetch(sms.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-jt808-timestamp': String(Number(first!.timestamp) - 600),
          'x-jt808-signature': first!.signature!,
        },
        body: first!.text,
      });
      expect(replay.status).toBe(401);

      // The secret rotated to the one the receiver holds: the retry gets through, signed anew.
      await api.put('admin', `/api/notifications/endpoints/${staleEndpoint.body.id}`, {
        name: 'stale',
        url: stale.url,
        kinds: ['dispatch'],
        active: true,
        secret: 'not-the-right-secret-000',
      });
      expect(await deliverDue(pool, webhookSender, new Date(Date.now() + 1000))).toBe(1);
      expect(stale.bodies).toMatchObject([{ kind: 'dispatch', ticketId: id }]);
    } finally {
      await Promise.all([sms.close(), hook.close(), stale.close()]);
      await pool.query('UPDATE notification_endpoints SET active = false');
    }
  });

  it('delivers a dispatch to the receiver, naming the recipients and the installer’s phone', async () => {
    const sms = await receiver(() => 200);
    try {
      expect(
        (await setSender({ url: sms.url, timeoutMs: 2000, maxAttempts: 3, backoffMs: 1000 })).status,
      ).toBe(201);
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
      expect(message).toMatchObject({ state: 'failed', attempts: 3, sentAt: null });
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

/**
 * Migration 0033 on a database that had the single URL of 0028: the URL becomes the endpoint
 * `default` for every kind, its pending message stays queued for it, and going down gives the URL back.
 */
describe.skipIf(!hasPostgres)('notifications: the single URL of before becomes an endpoint', () => {
  it('migrates the URL and its queue, and back', async () => {
    const db = await freshDatabase('outbound_0033');
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const step = (direction: 'up' | 'down') =>
      runner({
        databaseUrl: db.url,
        dir: MIGRATIONS_DIR,
        direction,
        migrationsTable: 'schema_migrations',
        count: direction === 'down' ? 1 : Number.POSITIVE_INFINITY,
        log: () => {},
        verbose: false,
      });
    try {
      await migrate(db.url);
      expect((await step('down')).map((m) => m.name)).toEqual(['0033_signed_notifications']);
      await pool.query(`UPDATE notification_sender SET url = 'http://gateway.example/sms'`);
      await pool.query(
        `INSERT INTO notices (id, key, kind, text) VALUES (1, 'dispatch:1', 'dispatch', '派单')`,
      );
      await pool.query(
        `INSERT INTO outbound_messages (notice_id, url, payload) VALUES (1, 'http://gateway.example/sms', '{}')`,
      );
      await step('up');
      const { rows } = await pool.query(
        'SELECT name, url, kinds, active, length(secret) AS secret FROM notification_endpoints',
      );
      expect(rows).toEqual([
        {
          name: 'default',
          url: 'http://gateway.example/sms',
          kinds: ['dispatch', 'reassign', 'reschedule', 'deadline', 'escalation', 'exchange'],
          active: true,
          secret: 64,
        },
      ]);
      const queued = await pool.query(
        'SELECT e.name, m.state FROM outbound_messages m JOIN notification_endpoints e ON e.id = m.endpoint_id',
      );
      expect(queued.rows).toEqual([{ name: 'default', state: 'pending' }]);
      await step('down');
      expect((await pool.query('SELECT url FROM notification_sender')).rows).toEqual([
        { url: 'http://gateway.example/sms' },
      ]);
    } finally {
      await pool.end();
      await db.drop();
    }
  }, 120_000);
});
