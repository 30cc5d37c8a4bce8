/**
 * The load's shape and the target, from the environment (`k6 run -e NAME=value` or exported
 * variables). Everything has a default but PASSWORD. See bench/README.md ("k6").
 */

function env(name: string, fallback: string): string {
  const value = __ENV[name];
  return value === undefined || value === '' ? fallback : value;
}

function positive(name: string, fallback: number): number {
  const value = Number(env(name, String(fallback)));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

/** The UTC day before today, as YYYY-MM-DD: the last full day of positions. */
function yesterday(): string {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}

export const BASE_URL = env('BASE_URL', 'http://127.0.0.1:8080').replace(/\/$/, '');
export const LIVE_URL = `${BASE_URL.replace(/^http/, 'ws')}/api/live`;
/** Users are `${USER_PREFIX}${center}-${n}`, n = 1..OPERATORS, all with this password. */
export const USER_PREFIX = env('USER_PREFIX', 'load-');
export const PASSWORD = env('PASSWORD', '');
export const CENTERS = positive('CENTERS', 60);
export const OPERATORS = positive('OPERATORS', 5);
/** How long each operator stays (seconds), and how often the dashboard polls. */
export const DURATION_S = positive('DURATION', 300);
export const POLL_S = positive('POLL_SECONDS', 10);
/** How often an operator looks a vehicle up (search, then its detail and track). */
export const WORK_S = positive('WORK_SECONDS', 30);
/** The day the dashboard, KPIs and tracks look at. */
export const DAY = env('DAY', yesterday());
export const DAY_FROM = `${DAY}T00:00:00Z`;
export const DAY_TO = new Date(Date.parse(DAY_FROM) + 86_400_000).toISOString();
/** Points a track answer is thinned to (the console's map asks for about this many). */
export const TRACK_POINTS = positive('TRACK_POINTS', 1000);

export interface Operator {
  username: string;
  center: number;
}

/** VU n (1-based) is operator ((n - 1) / CENTERS) + 1 of center ((n - 1) % CENTERS) + 1. */
export function operatorOf(vu: number): Operator {
  const center = ((vu - 1) % CENTERS) + 1;
  const n = Math.floor((vu - 1) / CENTERS) + 1;
  return { username: `${USER_PREFIX}${center}-${n}`, center };
}
