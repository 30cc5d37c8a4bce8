import type pg from 'pg';

/** The account a username signs in to: its password's hash, and whether it is closed. */
export interface Account {
  id: number;
  password_hash: string;
  /** An installer's account whose installer is not active in the register (0025). */
  inactive: boolean;
}

/** The account of `username` (POST /api/login), or undefined. */
export async function accountOf(pool: pg.Pool, username: string): Promise<Account | undefined> {
  const { rows } = await pool.query<Account>(
    `SELECT u.id, u.password_hash, (u.role = 'installer' AND i.code IS NULL) AS inactive
       FROM users u LEFT JOIN installers i ON i.code = u.installer AND i.active
      WHERE u.username = $1`,
    [username],
  );
  return rows[0];
}
