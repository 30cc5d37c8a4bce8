import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { CommandClient } from '@jt808/bus';
import Fastify, { type FastifyInstance } from 'fastify';
import type pg from 'pg';
import { type CachePolicy, DEFAULT_CACHE_POLICY } from './answer-cache.js';
import { consoleRoutes } from './console.js';
import { LiveFeed } from './live/live-feed.js';
import { afterSalesConfigRoutes } from './routes/after-sales-config.js';
import { authRoutes, SESSION_COOKIE } from './routes/auth.js';
import { callbackRoutes } from './routes/callbacks.js';
import { centerRoutes } from './routes/centers.js';
import { commandRoutes } from './routes/commands.js';
import { complaintRoutes } from './routes/complaints.js';
import { contractRoutes } from './routes/contracts.js';
import { customerRoutes } from './routes/customers.js';
import { deskRoutes } from './routes/desk.js';
import { installerRoutes } from './routes/installer.js';
import { kpiRoutes } from './routes/kpis.js';
import { liveRoutes } from './routes/live.js';
import { mapRoutes } from './routes/map.js';
import { servicePointRoutes } from './routes/service-points.js';
import { serviceReportRoutes } from './routes/service-report.js';
import { settlementRoutes } from './routes/settlements.js';
import { ticketRoutes } from './routes/tickets.js';
import { vehicleRoutes } from './routes/vehicles.js';
import { type User, userOfSession } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    user: User;
  }
}

export interface ApiOptions {
  pool: pg.Pool;
  /** Downlink commands go through the bus; without one the command route answers 503. */
  commands?: CommandClient;
  /** Send the session cookie only over HTTPS (on everywhere but local development). */
  secureCookies?: boolean;
  logger?: boolean;
  /** How often the live feed looks for changes (default 1 s). */
  liveIntervalMs?: number;
  /** How long polled answers (center counts, KPIs, hourly series) are kept per scope (DEFAULT_CACHE_POLICY). */
  cache?: CachePolicy;
  /** The built console served at `/` (default console/dist of this checkout). */
  consoleDir?: string;
}

/**
 * The platform's HTTP API. Every route under /api but login needs a session; every query is scoped
 * to what the user may see; every input is checked against its JSON schema; the OpenAPI document
 * is served at /docs.
 */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    // On shutdown, close every connection, also half-upgraded WebSocket ones that would hold it open.
    forceCloseConnections: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true } },
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: { info: { title: 'jt808 platform API', version: '0.1.0' } },
  });
  app.get('/docs', { schema: { hide: true } }, async () => app.swagger());

  app.decorateRequest('user', null as unknown as User);
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/') || request.url.startsWith('/api/login')) return;
    const token = request.cookies[SESSION_COOKIE];
    const user = token ? await userOfSession(options.pool, token) : undefined;
    if (!user) {
      if (request.headers.upgrade?.toLowerCase() === 'websocket') {
        // A refused WebSocket upgrade: answer on the raw socket and close it, or it lingers.
        reply.hijack();
        request.raw.socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      return reply.code(401).send({ error: 'not signed in' });
    }
    request.user = user;
  });

  await app.register(authRoutes, { pool: options.pool, secureCookies: options.secureCookies ?? true });
  const cache = options.cache ?? DEFAULT_CACHE_POLICY;
  await app.register(centerRoutes, { pool: options.pool, cache });
  await app.register(vehicleRoutes, { pool: options.pool });
  await app.register(ticketRoutes, { pool: options.pool });
  await app.register(installerRoutes, { pool: options.pool });
  await app.register(kpiRoutes, { pool: options.pool, cache });
  await app.register(servicePointRoutes, { pool: options.pool });
  await app.register(commandRoutes, { pool: options.pool, commands: options.commands });
  // After-sales operations (docs/after-sales.md).
  for (const routes of [
    deskRoutes,
    complaintRoutes,
    callbackRoutes,
    settlementRoutes,
    customerRoutes,
    contractRoutes,
    serviceReportRoutes,
    afterSalesConfigRoutes,
  ]) {
    await app.register(routes, { pool: options.pool });
  }
  const feed = new LiveFeed(options.pool, options.liveIntervalMs);
  await feed.start();
  app.addHook('onClose', async () => feed.stop());
  await app.register(liveRoutes, { pool: options.pool, feed });
  await app.register(mapRoutes, { pool: options.pool, feed });
  await app.register(consoleRoutes, { root: options.consoleDir });
  await app.ready();
  return app;
}
