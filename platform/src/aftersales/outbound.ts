import type pg from 'pg';
import { AfterSalesError } from './errors.js';

/**
 * The outbound sender: notices queued by notice-store.ts are posted as JSON to the URL an
 * administrator set (an SMS gateway's or a webhook's), with a timeout, retried with exponential
 * backoff up to a maximum of attempts, each attempt logged (outbound_attempts). A sender that
 * refuses, hangs or points nowhere costs an attempt in the log, never a crash: nothing waits on it
 * but the delivery loop.
 */

export interface SenderConfig {
  url: string | null;
  timeoutMs: number;
  maxAttempts: number;
  backoffMs: number;
}

export interface SendResult {
  ok: boolean;
  status?: number;
  error?: string;
}

/** How a message leaves: pluggable, so a gateway with another protocol is one function. */
export type Sender = (url: string, payload: unknown, timeoutMs: number) => Promise<SendResult>;

/** Posts the payload as JSON; 2xx is delivered, anything else (status, refusal, timeout) is not. */
export const webhookSender: Sender = async (url, payload, timeoutMs) => {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
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
export function checkSenderUrl(url: string | null): string | null {
  if (url === null) return null;
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
  const { rows } = await db.query<{
    url: string | null;
    timeout_ms: number;
    max_attempts: number;
    backoff_ms: number;
  }>('SELECT url, timeout_ms, max_attempts, backoff_ms FROM notification_sender');
  const row = rows[0]!;
  return {
    url: row.url,
    timeoutMs: row.timeout_ms,
    maxAttempts: row.max_attempts,
    backoffMs: row.backoff_ms,
  };
}

export async function saveSender(pool: pg.Pool, config: SenderConfig, actor: string): Promise<SenderConfig> {
  const url = checkSenderUrl(config.url);
  await pool.query(
    `UPDATE notification_sender SET url = $1, timeout_ms = $2, max_attempts = $3, backoff_ms = $4, updated_by = $5, updated_at = now()`,
    [url, config.timeoutMs, config.maxAttempts, config.backoffMs, actor],
  );
  return loadSender(pool);
}

/** How long a claimed message stays with its deliverer before another may try it. */
const LEASE_MS = 120_000;

/**
 * One pass of the delivery loop at `now`: claims the pending messages due (skipping those another
 * deliverer holds), attempts each at the sender's current URL, logs the attempt and moves the
 * message on: sent; pending again after the backoff; failed after the last attempt. Returns the
 * attempts made.
 */
export async function deliverDue(pool: pg.Pool, send: Sender, now: Date, limit = 50): Promise<number> {
  const config = await loadSender(pool);
  const { rows } = await pool.query<{ id: string; url: string; payload: unknown; attempts: number }>(
    `UPDATE outbound_messages SET next_attempt_at = $2
      WHERE id IN (SELECT id FROM outbound_messages WHERE state = 'pending' AND next_attempt_at <= $1
                    ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
      RETURNING id, url, payload, attempts`,
    [now, new Date(now.getTime() + config.timeoutMs + LEASE_MS), limit],
  );
  for (const message of rows) {
    const url = config.url ?? message.url;
    const started = Date.now();
    const result = await send(url, message.payload, config.timeoutMs);
    const attempts = message.attempts + 1;
    await pool.query(
      'INSERT INTO outbound_attempts (message_id, at, status, ok, error, ms) VALUES ($1, $2, $3, $4, $5, $6)',
      [message.id, now, result.status ?? null, result.ok, result.error ?? null, Date.now() - started],
    );
    const state = result.ok ? 'sent' : attempts >= config.maxAttempts ? 'failed' : 'pending';
    await pool.query(
      `UPDATE outbound_messages SET state = $2, attempts = $3, url = $4, next_attempt_at = $5,
              sent_at = CASE WHEN $2 = 'sent' THEN $6::timestamptz END WHERE id = $1`,
      [
        message.id,
        state,
        attempts,
        url,
        new Date(now.getTime() + retryDelayMs(config.backoffMs, attempts)),
        now,
      ],
    );
  }
  return rows.length;
}
