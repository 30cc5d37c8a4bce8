import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { SHARED_SCHEMAS } from '@jt808/api-contract';
import type { CommandClient } from '@jt808/bus';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { type CachePolicy, DEFAULT_CACHE_POLICY } from './answer-cache.js';
import { answerError } from './errors.js';
import { collectGuards, originFormOnly } from './guard.js';
import { securityHeaders } from './headers.js';
import { LiveFeed } from './live/live-feed.js';
import { SocketSessions } from './live/socket-sessions.js';
import { FleetKeeper } from './map/fleet-keeper.js';
import { publicPlugin } from './public-routes.js';
import { checkResponses, failOnMismatch, type ResponseMismatch, strictResponses } from './response-check.js';
import { tileSettings } from './routes/map.js';
import { DEFAULT_SESSION_POLICY, type SessionPolicy } from './sessions.js';
import { signedInPlugin } from './signed-in-routes.js';
import { WarmUpSchedule, type WarmUps } from './warm-up.js';

/**
 * The whole request (headers and body) must arrive within this: a client that trickles its bytes
 * holds a socket no longer.
 */
export const REQUEST_TIMEOUT_MS = 30_000;
/** A socket silent this long is closed: above the longest answer the API waits for, a terminal's (120 s). */
export const CONNECTION_TIMEOUT_MS = 150_000;
/** How often the sessions of open live feeds are checked again by default. */
export const SOCKET_RECHECK_MS = 15_000;

export interface ApiOptions {
  pool: pg.Pool;
  /** Downlink commands go through the bus; without one the command route answers 503. */
  commands?: CommandClient;
  /** Send the session cookie only over HTTPS (on everywhere but local development); also HSTS. */
  secureCookies?: boolean;
  /** false (default) logs nothing, true fastify's own logger; or the process's pino logger. */
  logger?: boolean | FastifyBaseLogger;
  /** How often the live feed looks for changes (default 1 s). */
  liveIntervalMs?: number;
  /** How long polled answers (center counts, KPIs, hourly series) are kept per scope (DEFAULT_CACHE_POLICY). */
  cache?: CachePolicy;
  /** The built console served at `/` (default console/dist of this checkout). */
  consoleDir?: string;
  /**
   * Which proxies' X-Forwarded-For to believe (fastify's trustProxy: true, a hop count, or
   * addresses and CIDRs). Behind the TLS proxy, without it every client has the proxy's address
   * and the per-address sign-in limit counts them all as one.
   */
  trustProxy?: boolean | number | string | string[];
  /** Where several API processes keep the sign-in limits together (the bus Redis); memory without. */
  redis?: Redis;
  /** Session idle and absolute timeouts (DEFAULT_SESSION_POLICY). */
  sessions?: SessionPolicy;
  /** How often the sessions of open live feeds are checked again (SOCKET_RECHECK_MS). */
  socketRecheckMs?: number;
  /**
   * Tests only: told of every answer with a field its response schema lacks (which serializing
   * would drop) or lacking one it requires (response-check.ts). Without it, JT808_STRICT_RESPONSES=1
   * (set for every test run by vitest.config.ts) turns such an answer into a 500 naming the
   * mismatch, so every route test also tests the route's contract.
   */
  onResponseMismatch?: (mismatch: ResponseMismatch) => void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Computes ahead what every operator's screens ask for first (the fleet index, the dashboard's
     * default KPIs and hourly series for every center), and from then on the next periods' shortly
     * before each rollover (warm-up.ts); resolves with the seconds the first round took. The API
     * process runs it before it listens (jt808-platform api), so a restart does not meet hundreds
     * of dashboards with cold caches.
     */
    warmUp(): Promise<number>;
    /** The platform's database, decorated once for every plugin (routes read `app.pool`). */
    pool: pg.Pool;
  }
}

/** fastify takes a hop count too, but its types only as the function that proxy-addr makes of one. */
function trusted(proxies: ApiOptions['trustProxy']) {
  return typeof proxies === 'number' ? (_address: string, hop: number) => hop < proxies : (proxies ?? false);
}

/**
 * The platform's HTTP API: a public plugin (sign-in, /docs, the console) and the signed-in plugin
 * under /api, where every route names the roles it allows (guard.ts); every query is scoped to
 * what the user may see; every input is checked against its JSON schema; the OpenAPI document is
 * served at /docs. docs/security.md has the threat model, the guard table and every limit.
 */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const { pool } = options;
  const sessions = options.sessions ?? DEFAULT_SESSION_POLICY;
  const secureCookies = options.secureCookies ?? true;
  const app = Fastify({
    logger: typeof options.logger === 'object' ? undefined : (options.logger ?? false),
    loggerInstance: typeof options.logger === 'object' ? options.logger : undefined,
    // On shutdown, close every connection, also half-upgraded WebSocket ones that would hold it open.
    forceCloseConnections: true,
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    trustProxy: trusted(options.trustProxy),
    // Unique across API processes, so the id an error answer names finds its one log line.
    genReqId: () => randomUUID(),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true } },
  });
  app.decorate('pool', pool);
  // The contract's shared schemas (id params, a period, the error answer), which routes name by $ref.
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  const onMismatch = options.onResponseMismatch ?? (strictResponses() ? failOnMismatch : undefined);
  if (onMismatch) checkResponses(app, onMismatch);
  collectGuards(app);
  app.addHook('onRequest', originFormOnly);
  app.setErrorHandler(answerError);
  const tiles = tileSettings();
  await securityHeaders(app, {
    https: secureCookies,
    tileOrigin: tiles.tileUrl && new URL(tiles.tileUrl).origin,
  });
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    // With Redis away, signing in goes on unthrottled (and logged) rather than not at all.
    ...(options.redis ? { redis: options.redis, nameSpace: 'jt808-sign-in-', skipOnError: true } : {}),
  });
  await app.register(swagger, {
    openapi: { info: { title: 'jt808 platform API', version: '0.1.0' } },
  });

  const sockets = new SocketSessions(pool, sessions, options.socketRecheckMs ?? SOCKET_RECHECK_MS, app.log);
  sockets.start();
  // Closing the API closes its live connections first (the server would otherwise wait for them).
  app.addHook('preClose', async () => sockets.stop());
  const feed = new LiveFeed(pool, options.liveIntervalMs);
  await feed.start();
  app.addHook('onClose', async () => feed.stop());
  // Every vehicle's map state in memory, loaded now rather than by the first map or snapshot.
  const fleet = new FleetKeeper(pool, feed);
  fleet.warm((error) =>
    app.log.warn({ err: error }, 'loading the fleet index failed; the first map request tries again'),
  );
  app.addHook('onClose', async () => fleet.stop());
  const warmUps: WarmUps = [async () => void (await fleet.current())];
  const warmUpSchedule = new WarmUpSchedule(warmUps, (error) =>
    app.log.warn(
      { err: error },
      'computing the next dashboard periods failed; the routes compute what they lack',
    ),
  );
  app.decorate('warmUp', () => warmUpSchedule.start());
  app.addHook('onClose', async () => warmUpSchedule.stop());

  await app.register(publicPlugin, {
    signIn: { secureCookies, sessions, sockets },
    consoleDir: options.consoleDir,
  });
  await app.register(signedInPlugin, {
    prefix: '/api',
    commands: options.commands,
    cache: options.cache ?? DEFAULT_CACHE_POLICY,
    feed,
    fleet,
    warmUps,
    sockets,
    sessions,
    tiles,
  });
  await app.ready();
  return app;
}
