import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The secrets of the one-command start (the administrator's password, the embedded PostgreSQL's):
 * made up on first use, kept in the data directory readable by their owner only, so they stay the
 * same across restarts.
 */
export async function localSecret(dataDir: string, name: string): Promise<string> {
  const existing = await readLocalSecret(dataDir, name);
  if (existing !== undefined) return existing;
  const secret = randomBytes(18).toString('base64url');
  await writeFile(join(dataDir, name), `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** The secret kept under `name`, if there is one yet. */
export async function readLocalSecret(dataDir: string, name: string): Promise<string | undefined> {
  const existing = await readFile(join(dataDir, name), 'utf8').catch(() => '');
  return existing.trim() || undefined;
}
