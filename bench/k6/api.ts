import { check } from 'k6';
import http from 'k6/http';
import { setTimeout } from 'k6/timers';
import { BASE_URL, DAY_FROM, DAY_TO, PASSWORD, TRACK_POINTS } from './config.ts';

/** The session cookie's name (platform/api/src/routes/auth.ts). */
export const SESSION_COOKIE = 'jt808_session';

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Signs in and returns the session token. Logins are limited to five a minute per client address:
 * a 429 waits for its Retry-After and tries again (run k6 with --local-ips to spread 300 VUs over
 * enough addresses, see bench/README.md).
 */
export async function login(username: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const res = await http.asyncRequest(
      'POST',
      `${BASE_URL}/api/login`,
      JSON.stringify({ username, password: PASSWORD }),
      { headers: { 'Content-Type': 'application/json' }, tags: { route: 'login' } },
    );
    if (res.status === 429) {
      await pause(Number(res.headers['Retry-After'] ?? 60) * 1000);
      continue;
    }
    const token = res.cookies[SESSION_COOKIE]?.[0]?.value;
    if (!check(res, { 'login 200': (r) => r.status === 200 }, { route: 'login' }) || !token) {
      throw new Error(`login of ${username} failed: HTTP ${res.status}`);
    }
    return token;
  }
  throw new Error(`login of ${username}: still rate limited`);
}

/** A GET tagged with its route, so every route has its own latency thresholds. */
export async function get(token: string, path: string, route: string): Promise<unknown> {
  const res = await http.asyncRequest('GET', `${BASE_URL}${path}`, null, {
    cookies: { [SESSION_COOKIE]: token },
    tags: { route },
  });
  check(res, { [`${route} 200`]: (r) => r.status === 200 }, { route });
  return res.status === 200 ? res.json() : undefined;
}

/** What the console's dashboard asks every few seconds, in parallel as a browser does. */
export async function pollDashboard(token: string): Promise<void> {
  const day = `from=${encodeURIComponent(DAY_FROM)}&to=${encodeURIComponent(DAY_TO)}`;
  await Promise.all([
    get(token, '/api/centers', 'centers'),
    get(token, `/api/centers/hourly?${day}`, 'hourly'),
    get(token, `/api/kpis?${day}`, 'kpis'),
  ]);
}

/** Ids of the first vehicles in the operator's scope (the ones the lookups pick from). */
export async function firstVehicles(token: string): Promise<number[]> {
  const page = (await get(token, '/api/vehicles?pageSize=500', 'search')) as
    | { items: { id: string | number }[] }
    | undefined;
  return (page?.items ?? []).map((v) => Number(v.id));
}

function pick<T>(items: T[]): T | undefined {
  return items[Math.floor(Math.random() * items.length)];
}

/** An operator looking a vehicle up: a search by four digits of a plate, its detail, its day's track. */
export async function lookUpVehicle(token: string, vehicles: number[]): Promise<void> {
  const digits = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  await get(token, `/api/vehicles?q=${digits}`, 'search');
  const id = pick(vehicles);
  if (id === undefined) return;
  await get(token, `/api/vehicles/${id}`, 'vehicle');
  const range = `from=${encodeURIComponent(DAY_FROM)}&to=${encodeURIComponent(DAY_TO)}`;
  await get(token, `/api/vehicles/${id}/track?${range}&maxPoints=${TRACK_POINTS}`, 'track');
}
