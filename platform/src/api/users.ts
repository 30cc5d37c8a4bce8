import type pg from 'pg';
import { transaction } from '../db/pool.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { Role } from './sessions.js';

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  centerIds?: number[];
  servicePointId?: number;
}

/**
 * Adds a user, or sets the password and rights of an existing one. A changed password ends every
 * session of the user (whoever knew the old one is signed out); the same password again (the
 * one-command start saves its admin at every start) keeps them. Rights need no such care: every
 * request reads them afresh.
 */
export async function saveUser(pool: pg.Pool, user: NewUser): Promise<number> {
  const passwordHash = await hashPassword(user.password);
  return transaction(pool, async (client) => {
    const { rows: old } = await client.query<{ password_hash: string }>(
      'SELECT password_hash FROM users WHERE username = $1 FOR UPDATE',
      [user.username],
    );
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO users (username, password_hash, role, center_ids, service_point_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role,
         center_ids = EXCLUDED.center_ids, service_point_id = EXCLUDED.service_point_id
       RETURNING id`,
      [user.username, passwordHash, user.role, user.centerIds ?? [], user.servicePointId ?? null],
    );
    const id = rows[0]!.id;
    const previous = old[0]?.password_hash;
    if (previous !== undefined && !(await verifyPassword(user.password, previous))) {
      await client.query('DELETE FROM sessions WHERE user_id = $1', [id]);
    }
    return id;
  });
}
