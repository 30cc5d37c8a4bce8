import { createHash, randomBytes } from 'node:crypto';
import type { Role, User } from '@jt808/api-contract';
import type pg from 'pg';

/** The roles and the signed-in user are the API contract's (`GET /api/me` answers a User). */
export { ROLES, type Role, type User } from '@jt808/api-contract';

/** How long a session lasts (docs/security.md, "Sessions"). */
export interface SessionPolicy {
  /** A session unused this long is over. */
  idleMinutes: number;
  /** A session is over this long after sign-in, however busy. */
  absoluteHours: number;
}

/**
 * 12 hours is one monitoring-center shift: whoever signs in at its start is signed out by the end
 * of it. 30 minutes idle: a workstation left signed in is closed before the next person sits at
 * it; the console's dashboards poll every few seconds and an open live feed counts as use, so a
 * screen that is being watched stays signed in.
 */
export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMinutes: 30, absoluteHours: 12 };

/** The cookie that carries the session token. */
export const SESSION_COOKIE = 'jt808_session';

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** A new session: a random token for the cookie; only its hash is stored. */
export async function createSession(pool: pg.Pool, userId: number, policy: SessionPolicy): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await pool.query(
    `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3))`,
    [hashToken(token), userId, policy.absoluteHours],
  );
  return token;
}

/** The condition of a session row `s` that still signs its user in; `idle` is the idle timeout's parameter (minutes). */
const valid = (idle: string) =>
  `s.expires_at > now() AND s.last_used_at > now() - make_interval(mins => ${idle})`;

/**
 * A session's use is written down at most this often. Every request is checked against the table
 * (an ended session stops at once, on every API process), but writing the use at each request made
 * every request a commit: the dashboards' three parallel polls of one operator queued on the same
 * row's lock and 300 operators held the pool's 10 connections (bench/RESULTS.md, "API"). The idle
 * timeout is thus kept to within this much.
 */
export const SESSION_TOUCH_SECONDS = 60;

/** The user of a valid session, marking it used; undefined for an unknown, expired or idle one. */
export async function userOfSession(
  pool: pg.Pool,
  token: string,
  policy: SessionPolicy,
): Promise<User | undefined> {
  const hash = hashToken(token);
  const { rows } = await pool.query<{
    id: number;
    username: string;
    role: Role;
    center_ids: number[];
    service_point_id: number | null;
    stale: boolean;
  }>(
    // An installer's service point is the register's; an inactive installer's session is over
    // (0025; a deactivation deletes them too, roster/kinds/installers.ts, followRegister).
    `SELECT u.id, u.username, u.role, u.center_ids,
            CASE WHEN u.role = 'installer' THEN i.service_point_id ELSE u.service_point_id END AS service_point_id,
            s.last_used_at < now() - make_interval(secs => $3) AS stale
       FROM sessions s JOIN users u ON u.id = s.user_id
       LEFT JOIN installers i ON i.code = u.installer AND i.active
      WHERE s.token_hash = $1 AND ${valid('$2')} AND (u.role <> 'installer' OR i.code IS NOT NULL)`,
    [hash, policy.idleMinutes, SESSION_TOUCH_SECONDS],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.stale) await pool.query('UPDATE sessions SET last_used_at = now() WHERE token_hash = $1', [hash]);
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    centerIds: row.center_ids,
    servicePointId: row.service_point_id,
  };
}

/**
 * Which of these sessions (by token hash) are still valid, marking them used: an open live feed is
 * use of its session.
 */
export async function stillValid(
  pool: pg.Pool,
  hashes: Buffer[],
  policy: SessionPolicy,
): Promise<Set<string>> {
  const { rows } = await pool.query<{ token_hash: Buffer }>(
    `UPDATE sessions s SET last_used_at = now() WHERE s.token_hash = ANY ($1) AND ${valid('$2')} RETURNING s.token_hash`,
    [hashes, policy.idleMinutes],
  );
  return new Set(rows.map((row) => row.token_hash.toString('hex')));
}

export async function endSession(pool: pg.Pool, token: string): Promise<void> {
  await pool.query('DELETE FROM sessions WHERE token_hash = $1', [hashToken(token)]);
}

/** Deletes the sessions that can no longer sign anyone in; returns how many. */
export async function purgeSessions(pool: pg.Pool, policy: SessionPolicy): Promise<number> {
  const { rowCount } = await pool.query(`DELETE FROM sessions s WHERE NOT (${valid('$1')})`, [
    policy.idleMinutes,
  ]);
  return rowCount ?? 0;
}
