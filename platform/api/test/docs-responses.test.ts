import { closeAll, migratedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../src/app.js';

/**
 * Routes whose 200 is no JSON, so it has no response schema, and why. (The live feed, a WebSocket,
 * is not in the document at all: its messages are in the contract, api-contract/src/live.ts.)
 */
const NOT_JSON: Record<string, string> = {
  'GET /api/map/fleet': "binary fleet columns (platform/api/src/map/fleet-columns.ts), gzip'd",
};

/** The route and what its document says of its success answer (200, or 201 for a creation). */
interface Operation {
  route: string;
  ok: { content?: Record<string, { schema?: object }> } | undefined;
}

function operationsOf(docs: {
  paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
}) {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(docs.paths)) {
    if (!path.startsWith('/api/')) continue;
    for (const [method, operation] of Object.entries(methods)) {
      const route = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
      operations.push({
        route,
        ok: (operation.responses?.['200'] ?? operation.responses?.['201']) as Operation['ok'],
      });
    }
  }
  return operations;
}

/**
 * The OpenAPI document (/docs) gives every route under /api a JSON schema for its 200 answer, so no
 * route is left off the contract (@jt808/api-contract): a new route without one fails here.
 */
describe.skipIf(!hasPostgres)('every /api route documents its success answer (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: FastifyInstance;

  beforeAll(async () => {
    ({ db, pool } = await migratedDatabase('docs_responses'));
    api = await buildApi({ pool, secureCookies: false });
  });
  afterAll(() => closeAll(api, pool, db));

  it('has a JSON response schema for its success answer on each route but the non-JSON ones', async () => {
    const operations = operationsOf((await api.inject({ method: 'GET', url: '/docs' })).json());
    const withoutSchema = operations
      .filter((operation) => !operation.ok?.content?.['application/json']?.schema)
      .map((operation) => operation.route);
    const excused = Object.keys(NOT_JSON);
    // Nothing missing beyond the excused, and no excuse for a route that has its schema now.
    expect(withoutSchema.filter((route) => !excused.includes(route))).toEqual([]);
    expect(excused.filter((route) => !withoutSchema.includes(route))).toEqual([]);
  });
});
