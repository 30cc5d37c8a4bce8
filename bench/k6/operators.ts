/**
 * 60 centers × 5 operators with the console open: each VU signs in as its own operator, holds the
 * live feed (snapshot, then deltas), polls the dashboard (centers, hourly series, KPIs) every
 * POLL_SECONDS and looks a vehicle up (search, detail, the day's track) every WORK_SECONDS.
 *
 *   k6 run --local-ips 127.0.0.2-127.0.0.61 -e BASE_URL=http://127.0.0.1:8080 -e PASSWORD=… bench/k6/operators.ts
 *
 * Users, variables and thresholds: bench/README.md ("k6").
 */
import type { Options } from 'k6/options';
import { firstVehicles, login, lookUpVehicle, pause, pollDashboard } from './api.ts';
import { CENTERS, DURATION_S, OPERATORS, operatorOf, PASSWORD, POLL_S, WORK_S } from './config.ts';
import { openLive } from './live.ts';

if (!PASSWORD) throw new Error('set PASSWORD (the load users’ password): k6 run -e PASSWORD=… operators.ts');

/** p95 / p99 targets in ms per route: the dashboard is polled, so it must stay well under its period. */
function latency(p95: number, p99: number): string[] {
  return [`p(95)<${p95}`, `p(99)<${p99}`];
}

export const options: Options = {
  scenarios: {
    operators: {
      executor: 'per-vu-iterations',
      vus: CENTERS * OPERATORS,
      iterations: 1,
      // Logins wait out the rate limit when VUs share an address; give them room.
      maxDuration: `${DURATION_S + 600}s`,
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{route:centers}': latency(300, 1000),
    'http_req_duration{route:hourly}': latency(300, 1000),
    'http_req_duration{route:kpis}': latency(1000, 3000),
    'http_req_duration{route:search}': latency(300, 1000),
    'http_req_duration{route:vehicle}': latency(200, 500),
    'http_req_duration{route:track}': latency(500, 1500),
    'checks{route:login}': ['rate>0.99'],
    live_errors: ['rate<0.01'],
    live_snapshot_ms: latency(1000, 3000),
    // The feed sends once a second what the database announced; a delta older than a few seconds is late.
    live_delta_lag_ms: latency(3000, 5000),
  },
};

export default async function operator(): Promise<void> {
  const me = operatorOf(__VU);
  const token = await login(me.username);
  const vehicles = await firstVehicles(token);
  const live = openLive(token);
  const end = Date.now() + DURATION_S * 1000;
  // Operators do not poll in lockstep: each starts at a random point of the period.
  await pause(Math.random() * POLL_S * 1000);
  let nextLookUp = Date.now() + Math.random() * WORK_S * 1000;
  while (Date.now() < end) {
    const started = Date.now();
    await pollDashboard(token);
    if (Date.now() >= nextLookUp) {
      await lookUpVehicle(token, vehicles);
      nextLookUp += WORK_S * 1000;
    }
    await pause(Math.max(0, POLL_S * 1000 - (Date.now() - started)));
  }
  live.close();
}
