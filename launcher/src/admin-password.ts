import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The local administrator's password: made up on the first start, kept in the data directory
 * (readable by its owner only) so it stays the same across restarts, and printed at start.
 */
export async function localAdminPassword(dataDir: string): Promise<string> {
  const file = join(dataDir, 'admin-password');
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (existing.trim()) return existing.trim();
  const password = randomBytes(12).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}
