import autocannon from 'autocannon';
import { type Operator, SESSION_COOKIE } from './operators.js';
import { type Summary, summarize } from './percentiles.js';

/** One route of the mix: how often the 300 operators ask it together, and what each asks. */
export interface RouteLoad {
  name: string;
  /** Requests per second offered (all operators together). */
  rate: number;
  path: (operator: Operator) => string;
}

export interface RouteResult {
  name: string;
  offered: number;
  seconds: number;
  /** Answers per second received. */
  rps: number;
  latencyMs: Summary;
  /** Non-2xx answers, connection errors and timeouts. */
  non2xx: number;
  errors: number;
  timeouts: number;
  bytesPerAnswer: number;
}

function pick<T>(items: T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

/**
 * Runs one autocannon instance per route at the same time, each at its offered rate (open model:
 * autocannon paces each connection to one request a second and corrects for coordinated omission in
 * its own figures; ours are the plain response times). Every request carries the cookie of an
 * operator picked at random, so the 60 centers' scopes are all exercised.
 */
export async function runMix(
  base: URL,
  operators: Operator[],
  loads: RouteLoad[],
  seconds: number,
): Promise<RouteResult[]> {
  return Promise.all(loads.map((load) => runRoute(base, operators, load, seconds, load.rate)));
}

/** One route alone, closed loop: as many requests as `connections` keep busy (the route's capacity). */
export function runCapacity(
  base: URL,
  operators: Operator[],
  load: RouteLoad,
  seconds: number,
  connections: number,
): Promise<RouteResult> {
  return runRoute(base, operators, load, seconds, undefined, connections);
}

async function runRoute(
  base: URL,
  operators: Operator[],
  load: RouteLoad,
  seconds: number,
  rate: number | undefined,
  connections = Math.max(1, Math.ceil(rate ?? 1)),
): Promise<RouteResult> {
  const latencies: number[] = [];
  let bytes = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base.origin,
        connections,
        overallRate: rate,
        duration: seconds,
        timeout: 30,
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => {
              const operator = pick(operators);
              return {
                ...request,
                path: load.path(operator),
                headers: { ...request.headers, cookie: `${SESSION_COOKIE}=${operator.token}` },
              };
            },
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, _status, resBytes, responseTime) => {
      latencies.push(responseTime);
      bytes += resBytes;
    });
  });
  return {
    name: load.name,
    offered: rate ?? 0,
    seconds: result.duration,
    rps: latencies.length / result.duration,
    latencyMs: summarize(latencies),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    bytesPerAnswer: latencies.length === 0 ? 0 : bytes / latencies.length,
  };
}
