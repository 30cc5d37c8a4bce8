import { transaction } from '@jt808/storage';
import type pg from 'pg';
import { hashPassword, verifyPassword } from './passwords.js';
import type { Role } from './sessions.js';

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  /**
   * What the user sees, said explicitly: operators their centers; viewers and desk staff their
   * centers or `'all'`, the province. Administrators see the province by definition and name no
   * centers; service-point staff name their service point instead.
   */
  centerIds?: number[] | 'all';
  servicePointId?: number;
  /** An installer's code in the register (installers): their service point is the register's. */
  installer?: string;
}

export class UserError extends Error {
  override readonly name = 'UserError';
}

const article = (role: Role) => (role === 'admin' || role === 'operator' ? 'an' : 'a');

/**
 * The stored scope of a new user, refusing one left implicit: a missing or empty list of centers
 * used to make a viewer or desk user province-wide (scope.ts reads no centers as the province for
 * those roles), so the province must now be asked for by name.
 */
interface StoredScope {
  centerIds: number[];
  servicePointId: number | null;
  installer: string | null;
}

function storedScope(user: NewUser): StoredScope {
  const { role, centerIds, servicePointId, installer } = user;
  if (role === 'installer') {
    if (installer === undefined)
      throw new UserError('an installer needs INSTALLER: their code in the register');
    if (centerIds !== undefined || servicePointId !== undefined)
      throw new UserError(
        'an installer sees their service point in the register: no CENTERS, no SERVICE_POINT',
      );
    return { centerIds: [], servicePointId: null, installer };
  }
  if (installer !== undefined) throw new UserError(`${article(role)} ${role} has no INSTALLER`);
  if (role === 'service') {
    if (servicePointId === undefined) throw new UserError('service-point staff need SERVICE_POINT');
    if (centerIds !== undefined)
      throw new UserError('service-point staff see their service point: no CENTERS');
    return { centerIds: [], servicePointId, installer: null };
  }
  if (servicePointId !== undefined) throw new UserError(`${article(role)} ${role} has no SERVICE_POINT`);
  if (role === 'admin') {
    if (centerIds !== undefined && centerIds !== 'all')
      throw new UserError('an admin sees the whole province: no CENTERS (or CENTERS=ALL)');
    return { centerIds: [], servicePointId: null, installer: null };
  }
  if (centerIds === 'all') {
    if (role === 'operator')
      throw new UserError('an operator runs centers: name them (the province is an admin’s)');
    return { centerIds: [], servicePointId: null, installer: null };
  }
  if (centerIds === undefined || centerIds.length === 0)
    throw new UserError(
      `${article(role)} ${role} needs CENTERS: center ids${role === 'operator' ? '' : ', or ALL for the province'}`,
    );
  return { centerIds, servicePointId: null, installer: null };
}

/** CENTERS as user-add takes it: `ALL`, or comma-separated center ids. */
export function parseCenters(text: string | undefined): number[] | 'all' | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  if (text.trim().toUpperCase() === 'ALL') return 'all';
  const ids = text.split(',').map((part) => Number(part.trim()));
  if (ids.some((id) => !Number.isInteger(id) || id < 1))
    throw new UserError(`CENTERS is ALL or comma-separated center ids, not "${text}"`);
  return ids;
}

/**
 * Adds a user, or sets the password and rights of an existing one. A changed password ends every
 * session of the user (whoever knew the old one is signed out); the same password again keeps
 * them. Rights need no such care: every request reads them afresh.
 */
export async function saveUser(pool: pg.Pool, user: NewUser): Promise<number> {
  const scope = storedScope(user);
  const passwordHash = await hashPassword(user.password);
  return transaction(pool, async (client) => {
    const { rows: old } = await client.query<{ password_hash: string }>(
      'SELECT password_hash FROM users WHERE username = $1 FOR UPDATE',
      [user.username],
    );
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO users (username, password_hash, role, center_ids, service_point_id, installer) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role,
         center_ids = EXCLUDED.center_ids, service_point_id = EXCLUDED.service_point_id, installer = EXCLUDED.installer
       RETURNING id`,
      [user.username, passwordHash, user.role, scope.centerIds, scope.servicePointId, scope.installer],
    );
    const id = rows[0]!.id;
    const previous = old[0]?.password_hash;
    if (previous !== undefined && !(await verifyPassword(user.password, previous))) {
      await client.query('DELETE FROM sessions WHERE user_id = $1', [id]);
    }
    return id;
  });
}

/**
 * Adds a user unless one of that name exists, which is left as it is (a password its owner changed
 * stays changed). True when it was added.
 */
export async function addUserIfMissing(pool: pg.Pool, user: NewUser): Promise<boolean> {
  const scope = storedScope(user);
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO users (username, password_hash, role, center_ids, service_point_id, installer) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (username) DO NOTHING RETURNING id`,
    [
      user.username,
      await hashPassword(user.password),
      user.role,
      scope.centerIds,
      scope.servicePointId,
      scope.installer,
    ],
  );
  return rows.length > 0;
}

/** Whether `password` is the user's password now. */
export async function isPasswordOf(pool: pg.Pool, username: string, password: string): Promise<boolean> {
  const { rows } = await pool.query<{ password_hash: string }>(
    'SELECT password_hash FROM users WHERE username = $1',
    [username],
  );
  return rows[0] !== undefined && (await verifyPassword(password, rows[0].password_hash));
}
