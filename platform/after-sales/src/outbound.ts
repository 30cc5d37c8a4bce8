import { createHmac } from 'node:crypto';
import type pg from 'pg';

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
