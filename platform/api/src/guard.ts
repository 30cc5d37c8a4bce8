import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type pg from 'pg';
import {
  ROLES,
  type Role,
  SESSION_COOKIE,
  type SessionPolicy,
  type User,
  userOfSession,
} from './sessions.js';

/**
 * Who may call which route, decided per matched route, never from the URL's text: a request for
 * `/%61pi/me` or `http://host/api/me` matches the route `/api/me`, and the route's own declaration
 * applies to it. Every route declares its access in its config: the routes of the public plugin
 * are public (sign-in, the OpenAPI document, the console's files); every route of the signed-in
 * plugin (under /api) names the roles it allows. A route that declares nothing stops the API from
 * starting (docs/security.md, "Authentication: the guard table").
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on every route of the public plugin. */
    access?: 'public';
    /** The roles a signed-in route allows (403 for the others). */
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    /** The signed-in user (routes of the signed-in plugin only). */
    user: User;
  }
  interface FastifyInstance {
    /** Every route with its access, for the guard-table test and docs/security.md. */
    guards: readonly Guard[];
  }
}

/**
 * Every signed-in role but the installer's: routes that anyone signed in may call, within their
 * scope. Installers get the routes of their phone page and nothing else (least privilege: they
 * are not staff of the monitoring network); those routes name them.
 */
export const ANYONE: readonly Role[] = ROLES.filter((role) => role !== 'installer');

/** Every signed-in role, installers too: who one is (`/me`) and the installer's phone page. */
export const SIGNED_IN: readonly Role[] = ROLES;

export interface Guard {
  method: string;
  url: string;
  access: 'public' | readonly Role[];
}

function declared(route: RouteOptions): Guard['access'] | undefined {
  const { access, roles } = route.config ?? {};
  if (access === 'public' && roles === undefined) return 'public';
  if (access === undefined && Array.isArray(roles) && roles.length > 0) return roles;
  return undefined;
}

/**
 * Collects every route's guard into `app.guards`, and refuses to start when a route has none (one
 * registered outside the public and signed-in plugins, or a plugin's route left undeclared).
 */
export function collectGuards(app: FastifyInstance): void {
  const routes: RouteOptions[] = [];
  const guards: Guard[] = [];
  app.decorate('guards', guards);
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  // Checked once every plugin has declared (the public plugin marks its routes after this hook saw them).
  app.addHook('onReady', async () => {
    for (const route of routes) {
      const access = declared(route);
      for (const method of [route.method].flat()) {
        if (access === undefined)
          throw new Error(`${method} ${route.url} declares no access (public or roles)`);
        guards.push({ method, url: route.url, access });
      }
    }
  });
}

/**
 * Answers a refusal; a refused WebSocket upgrade gets its answer on the raw socket, which is then
 * closed (it would linger otherwise).
 */
export function refuse(request: FastifyRequest, reply: FastifyReply, status: number, error: string) {
  if (request.headers.upgrade?.toLowerCase() === 'websocket') {
    reply.hijack();
    request.raw.socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
    return reply;
  }
  return reply.code(status).send({ error });
}

/**
 * Refuses absolute-form request targets (`GET http://host/api/me`): only proxies are sent those,
 * and the API is none; every path it serves starts with `/`.
 */
export async function originFormOnly(request: FastifyRequest, reply: FastifyReply) {
  if (!request.raw.url?.startsWith('/')) return refuse(request, reply, 400, 'request targets are paths');
}

/** Marks every route registered in this plugin public; a route naming roles here is a mistake. */
export function publicRoutes(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.config?.roles) throw new Error(`${route.url} names roles but is in the public plugin`);
    route.config = { ...route.config, access: 'public' };
  });
}

/**
 * The session check of the signed-in plugin: every route in it must name its roles, every request
 * needs a valid session (401) of one of those roles (403). Unknown paths under the plugin's prefix
 * are 401 without a session too, and 404 with one.
 */
export function requireSession(app: FastifyInstance, pool: pg.Pool, sessions: SessionPolicy): void {
  app.addHook('onRoute', (route) => {
    if (!Array.isArray(route.config?.roles) || route.config.roles.length === 0 || route.config.access) {
      throw new Error(`${[route.method].flat().join(',')} ${route.url} names no roles`);
    }
  });
  app.decorateRequest('user', null as unknown as User);
  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    const user = token ? await userOfSession(pool, token, sessions) : undefined;
    if (!user) return refuse(request, reply, 401, 'not signed in');
    request.user = user;
    if (request.is404) return;
    // Fail closed: a route without roles lets no one through (startup refuses such routes anyway).
    if (!request.routeOptions.config.roles?.includes(user.role)) {
      return refuse(request, reply, 403, `not for a ${user.role}`);
    }
  });
}
