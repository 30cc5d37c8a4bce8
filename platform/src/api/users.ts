import type pg from 'pg';
import { hashPassword } from './passwords.js';
import type { Role } from './sessions.js';

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  centerIds?: number[];
  servicePointId?: number;
}

/** Adds a user, or sets the password and rights of an existing one. */
export async function saveUser(pool: pg.Pool, user: NewUser): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO users (username, password_hash, role, center_ids, service_point_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role,
       center_ids = EXCLUDED.center_ids, service_point_id = EXCLUDED.service_point_id
     RETURNING id`,
    [
      user.username,
      await hashPassword(user.password),
      user.role,
      user.centerIds ?? [],
      user.servicePointId ?? null,
    ],
  );
  return rows[0]!.id;
}
