import { addUserIfMissing, isPasswordOf } from '@jt808/api';
import type pg from 'pg';
import { localSecret } from './local-secret.js';

/**
 * The local administrator, made on the first start with the password kept in the data directory.
 * Later starts leave the account alone, so a password the administrator changed since
 * (`jt808-platform user-add`) stays changed, and the banner then does not print the one it no
 * longer is. Returns the banner's words for it.
 */
export async function localAdmin(pool: pg.Pool, dataDir: string): Promise<string> {
  const password = await localSecret(dataDir, 'admin-password');
  await addUserIfMissing(pool, { username: 'admin', password, role: 'admin' });
  return (await isPasswordOf(pool, 'admin', password))
    ? `user admin, password ${password}`
    : 'user admin (its password was changed since the first start)';
}
