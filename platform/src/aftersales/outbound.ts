import { createHmac, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { AfterSalesError } from './errors.js';
import type { NoticeKind } from './notice-store.js';

/**
 * The outbound sender: each notice queued by notice-store.ts is posted as JSON to every active
 * endpoint an administrator routed its kind to (an SMS gateway's or a webhook's), signed with that
 * endpoint's secret, with a timeout, retried with exponential backoff up to a maximum of attempts,
 * each attempt logged (outbound_attempts). A sender that refuses, hangs or points nowhere costs an
 * attempt in the log, never a crash: nothing waits on it but the delivery loop.
 */

/** How hard to try, for every endpoint. */
export interface SenderConfig {
  timeoutMs: number;
  maxAttempts: number;
  backoffMs: number;
}

/** Where one delivery goes and the secret it is signed with. */
export interface Target {
  url: string;
  secret: string;
  /** The message's id: the same on every attempt, so a receiver can drop a repeat. */
  deliveryId: string;
}

export interface SendResult {
  ok: boolean;
  status?: number;
  error?: string;
}

/** How a message leaves: pluggable, so a gateway with another protocol is one function. */
export type Sender = (target: Target, payload: unknown, timeoutMs: number) => Promise<SendResult>;

/**
 * The signature a receiver checks: HMAC-SHA256 with the endpoint's secret over
 * `<timestamp>.<body>` (the timestamp in Unix seconds, the body byte for byte), hex. Signing the
 * timestamp with the body lets a receiver refuse a replay: an old timestamp cannot be re-signed
 * without the secret.
 */
export function signature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * Posts the payload as JSON, signed at the moment of the attempt (each retry has its own
 * timestamp); 2xx is delivered, anything else (status, refusal, timeout) is not.
 */
export const webhookSender: Sender = async (target, payload, timeoutMs) => {
  const body = JSON.stringify(payload);
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-jt808-timestamp': String(timestamp),
        'x-jt808-signature': `sha256=${signature(target.secret, timestamp, body)}`,
        'x-jt808-delivery': target.deliveryId,
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    await response.body?.cancel().catch(() => {});
    return response.ok
      ? { ok: true, status: response.status }
      : { ok: false, status: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError')
      return { ok: false, error: `timeout after ${timeoutMs} ms` };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, error: cause?.code ?? cause?.message ?? (error as Error).message };
  }
};

/** The wait before attempt `attempts + 1`: backoff × 2^(attempts − 1), at most an hour. */
export function retryDelayMs(backoffMs: number, attempts: number): number {
  return Math.min(backoffMs * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/** A sender URL is http(s), absolute, with a host; anything else is refused before it is stored. */
export function checkSenderUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AfterSalesError(`not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new AfterSalesError(`the sender is reached over http or https, not ${parsed.protocol}`);
  if (!parsed.hostname) throw new AfterSalesError('the sender URL names no host');
  return parsed.toString();
}

export async function loadSender(db: pg.Pool | pg.PoolClient): Promise<SenderConfig> {
  const { rows } = await db.query<{ timeout_ms: number; max_attempts: number; backoff_ms: number }>(
    'SELECT timeout_ms, max_attempts, backoff_ms FROM notification_sender',
  );
  const row = rows[0]!;
  return { timeoutMs: row.timeout_ms, maxAttempts: row.max_attempts, backoffMs: row.backoff_ms };
}

export async function saveSender(pool: pg.Pool, config: SenderConfig, actor: string): Promise<SenderConfig> {
  await pool.query(
    `UPDATE notification_sender SET timeout_ms = $1, max_attempts = $2, backoff_ms = $3, updated_by = $4, updated_at = now()`,
    [config.timeoutMs, config.maxAttempts, config.backoffMs, actor],
  );
  return loadSender(pool);
}

/** An endpoint as read back: its secret never leaves the platform once set. */
export interface Endpoint {
  id: number;
  name: string;
  url: string;
  kinds: NoticeKind[];
  active: boolean;
  updatedBy: string | null;
  updatedAt: Date;
}

/** An endpoint as written: its secret set on creation (generated when not given) and when rotated; omitted on an update, kept. */
export type EndpointInput = Pick<Endpoint, 'name' | 'url' | 'kinds' | 'active'> & { secret?: string };

const ENDPOINT_COLUMNS = `id, name, url, kinds, active, updated_by AS "updatedBy", updated_at AS "updatedAt"`;

export async function listEndpoints(db: pg.Pool): Promise<Endpoint[]> {
  const { rows } = await db.query<Endpoint>(
    `SELECT ${ENDPOINT_COLUMNS} FROM notification_endpoints ORDER BY id`,
  );
  return rows;
}

/** A secret the platform makes when the administrator gives none: 32 random bytes, hex. */
const newSecret = () => randomBytes(32).toString('hex');

/** Adds an endpoint; answers it with its secret, the one time the secret is read back. */
export async function addEndpoint(
  db: pg.Pool,
  input: EndpointInput,
  actor: string,
): Promise<Endpoint & { secret: string }> {
  const secret = input.secret ?? newSecret();
  const { rows } = await db.query<Endpoint>(
    `INSERT INTO notification_endpoints (name, url, secret, kinds, active, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (name) DO NOTHING RETURNING ${ENDPOINT_COLUMNS}`,
    [input.name.trim(), checkSenderUrl(input.url), secret, [...new Set(input.kinds)], input.active, actor],
  );
  if (!rows[0]) throw new AfterSalesError(`an endpoint is named ${input.name.trim()} already`, 'conflict');
  return { ...rows[0], secret };
}

/** Changes an endpoint; a new secret (rotation) is answered once, like a new endpoint's. */
export async function updateEndpoint(
  db: pg.Pool,
  id: number,
  input: EndpointInput,
  actor: string,
): Promise<Endpoint & { secret?: string }> {
  const { rows } = await db
    .query<Endpoint>(
      `UPDATE notification_endpoints SET name = $2, url = $3, kinds = $4, active = $5, secret = coalesce($6, secret),
              updated_by = $7, updated_at = now()
        WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
      [
        id,
        input.name.trim(),
        checkSenderUrl(input.url),
        [...new Set(input.kinds)],
        input.active,
        input.secret ?? null,
        actor,
      ],
    )
    .catch((error: { code?: string }) => {
      if (error.code === '23505')
        throw new AfterSalesError(`an endpoint is named ${input.name.trim()} already`, 'conflict');
      throw error;
    });
  if (!rows[0]) throw new AfterSalesError(`no endpoint ${id}`, 'not-found');
  return input.secret ? { ...rows[0], secret: input.secret } : rows[0];
}

/** How long a claimed message stays with its deliverer before another may try it. */
const LEASE_MS = 120_000;

/**
 * One pass of the delivery loop at `now`: claims the pending messages due whose endpoint is active
 * (skipping those another deliverer holds; an inactive endpoint's wait for it to be active again),
 * attempts each at its endpoint's current URL and secret, logs the attempt and moves the message
 * on: sent; pending again after the backoff; failed after the last attempt. Returns the attempts
 * made.
 */
export async function deliverDue(pool: pg.Pool, send: Sender, now: Date, limit = 50): Promise<number> {
  const config = await loadSender(pool);
  const { rows } = await pool.query<{
    id: string;
    url: string;
    secret: string;
    payload: unknown;
    attempts: number;
  }>(
    `UPDATE outbound_messages m SET next_attempt_at = $2, url = e.url
       FROM notification_endpoints e
      WHERE e.id = m.endpoint_id
        AND m.id IN (SELECT m.id FROM outbound_messages m JOIN notification_endpoints e ON e.id = m.endpoint_id AND e.active
                      WHERE m.state = 'pending' AND m.next_attempt_at <= $1
                      ORDER BY m.next_attempt_at, m.id LIMIT $3 FOR UPDATE OF m SKIP LOCKED)
      RETURNING m.id, e.url, e.secret, m.payload, m.attempts`,
    [now, new Date(now.getTime() + config.timeoutMs + LEASE_MS), limit],
  );
  for (const message of rows) {
    const started = Date.now();
    const result = await send(
      { url: message.url, secret: message.secret, deliveryId: message.id },
      message.payload,
      config.timeoutMs,
    );
    const attempts = message.attempts + 1;
    await pool.query(
      'INSERT INTO outbound_attempts (message_id, at, status, ok, error, ms) VALUES ($1, $2, $3, $4, $5, $6)',
      [message.id, now, result.status ?? null, result.ok, result.error ?? null, Date.now() - started],
    );
    const state = result.ok ? 'sent' : attempts >= config.maxAttempts ? 'failed' : 'pending';
    await pool.query(
      `UPDATE outbound_messages SET state = $2, attempts = $3, next_attempt_at = $4,
              sent_at = CASE WHEN $2 = 'sent' THEN $5::timestamptz END WHERE id = $1`,
      [message.id, state, attempts, new Date(now.getTime() + retryDelayMs(config.backoffMs, attempts)), now],
    );
  }
  return rows.length;
}
