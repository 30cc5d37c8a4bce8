import { AfterSalesError } from '@jt808/after-sales';
import { transaction } from '@jt808/storage';
import type pg from 'pg';
import { generatePassword, hashPassword } from './passwords.js';

/**
 * The sign-in account of an installer of the register, made and reset from the console
 * (docs/after-sales.md, "Installers"): always of the `installer` role, one per installer. The
 * password is the one typed, or one generated and answered once, never stored but as its hash.
 */
export interface AccountAnswer {
  installer: string;
  username: string;
  /** Only when the platform made it up: the one time it is shown. */
  generated?: string;
}

/** The password to set and whether to answer it: the typed one, or a new one-time password. */
function chosen(typed: string | undefined): { password: string; generated?: string } {
  if (typed !== undefined) return { password: typed };
  const generated = generatePassword();
  return { password: generated, generated };
}

/** Adds the installer's account; 409 when they have one, are inactive, or the username is taken. */
export async function createInstallerAccount(
  pool: pg.Pool,
  installer: string,
  username: string,
  typed: string | undefined,
): Promise<AccountAnswer> {
  const { password, generated } = chosen(typed);
  const hash = await hashPassword(password);
  return transaction(pool, async (client) => {
    // The installer's row held: two clerks creating at once make one account, not two.
    const { rows: entry } = await client.query<{ active: boolean }>(
      'SELECT active FROM installers WHERE code = $1 FOR UPDATE',
      [installer],
    );
    if (entry.length === 0) throw new AfterSalesError('no such installer', 'not-found');
    if (!entry[0]!.active)
      throw new AfterSalesError(`installer ${installer} is inactive: activate them first`, 'conflict');
    const { rows: existing } = await client.query<{ username: string }>(
      'SELECT username FROM users WHERE installer = $1',
      [installer],
    );
    if (existing.length > 0) {
      throw new AfterSalesError(
        `installer ${installer} has an account already (${existing[0]!.username}): reset its password instead`,
        'conflict',
      );
    }
    const { rowCount } = await client.query(
      `INSERT INTO users (username, password_hash, role, center_ids, service_point_id, installer)
       VALUES ($1, $2, 'installer', '{}', NULL, $3) ON CONFLICT (username) DO NOTHING`,
      [username, hash, installer],
    );
    if (rowCount === 0) throw new AfterSalesError(`the username ${username} is taken`, 'conflict');
    return { installer, username, ...(generated === undefined ? {} : { generated }) };
  });
}

/** Sets a new password on the installer's account and ends its sessions; 404 without an account. */
export async function resetInstallerPassword(
  pool: pg.Pool,
  installer: string,
  typed: string | undefined,
): Promise<AccountAnswer> {
  const { password, generated } = chosen(typed);
  const hash = await hashPassword(password);
  return transaction(pool, async (client) => {
    const { rows } = await client.query<{ id: number; username: string }>(
      `UPDATE users SET password_hash = $2 WHERE installer = $1 AND role = 'installer' RETURNING id, username`,
      [installer, hash],
    );
    if (rows.length === 0) throw new AfterSalesError(`installer ${installer} has no account`, 'not-found');
    // Whoever knew the old password is signed out.
    await client.query('DELETE FROM sessions WHERE user_id = ANY ($1::int[])', [rows.map((row) => row.id)]);
    return { installer, username: rows[0]!.username, ...(generated === undefined ? {} : { generated }) };
  });
}
