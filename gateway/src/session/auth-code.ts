import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Auth codes are 128 random bits as 32 hex characters (ASCII, so every terminal can store them).
 * Only their SHA-256 is kept: with that much entropy a fast hash is enough, and a leaked roster
 * does not let anyone authenticate as a terminal.
 */
export function newAuthCode(): string {
  return randomBytes(16).toString('hex');
}

export function hashAuthCode(code: string): Buffer {
  return createHash('sha256').update(code, 'utf8').digest();
}

/** Constant-time comparison of a presented code against the stored hash. */
export function authCodeMatches(presented: string, storedHash: Buffer | undefined): boolean {
  const presentedHash = hashAuthCode(presented);
  if (storedHash === undefined || storedHash.length !== presentedHash.length) {
    // Compare anyway so an unknown terminal takes as long as a wrong code.
    timingSafeEqual(presentedHash, presentedHash);
    return false;
  }
  return timingSafeEqual(presentedHash, storedHash);
}
