import { request } from 'node:http';
import { type Role, saveUser } from '@jt808/api';
import type pg from 'pg';

/** One signed-in operator of the load: their center and session token. */
export interface Operator {
  username: string;
  center: number;
  token: string;
}

export const SESSION_COOKIE = 'jt808_session';

/** The k6 scripts' naming (bench/k6/config.ts): `${prefix}${center}-${n}`. */
export function operatorName(prefix: string, center: number, n: number): string {
  return `${prefix}${center}-${n}`;
}

/**
 * Creates (or resets) the users, a few at a time: each password hash is a deliberate ~50 ms of scrypt
 * on libuv's thread pool, as `jt808-platform user-add` does it.
 */
export async function saveUsers(
  pool: pg.Pool,
  users: { username: string; role: Role; centerIds?: number[] }[],
  password: string,
): Promise<void> {
  const queue = [...users];
  const worker = async () => {
    for (let user = queue.shift(); user; user = queue.shift()) await saveUser(pool, { ...user, password });
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/**
 * POST /api/login from `localAddress` (any 127.x.y.z on Linux loopback): logins are limited to five
 * a minute per client address, so 300 operators sign in from 60 addresses, as 300 browsers would
 * from many.
 */
export function signIn(base: URL, username: string, password: string, localAddress: string): Promise<string> {
  const body = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/api/login', base),
      {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        const cookie = (res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
        const token = cookie?.slice(SESSION_COOKIE.length + 1).split(';')[0];
        if (res.statusCode === 200 && token) resolve(token);
        else reject(new Error(`login of ${username} from ${localAddress}: HTTP ${res.statusCode}`));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
