import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';

/** `desk`: the 7×24 service desk (after-sales intake, complaints, callbacks); its centers, or all with none. */
export type Role = 'admin' | 'operator' | 'service' | 'viewer' | 'desk';

export interface User {
  id: number;
  username: string;
  role: Role;
  centerIds: number[];
  servicePointId: number | null;
}

export const SESSION_HOURS = 12;

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** A new session: a random token for the cookie; only its hash is stored. */
export async function createSession(pool: pg.Pool, userId: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await pool.query(
    `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3))`,
    [hashToken(token), userId, SESSION_HOURS],
  );
  return token;
}

export async function userOfSession(pool: pg.Pool, token: string): Promise<User | undefined> {
  const { rows } = await pool.query<{
    id: number;
    username: string;
    role: Role;
    center_ids: number[];
    service_point_id: number | null;
  }>(
    `SELECT u.id, u.username, u.role, u.center_ids, u.service_point_id
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > now()`,
    [hashToken(token)],
  );
  const row = rows[0];
  return (
    row && {
      id: row.id,
      username: row.username,
      role: row.role,
      centerIds: row.center_ids,
      servicePointId: row.service_point_id,
    }
  );
}

export async function endSession(pool: pg.Pool, token: string): Promise<void> {
  await pool.query('DELETE FROM sessions WHERE token_hash = $1', [hashToken(token)]);
}
