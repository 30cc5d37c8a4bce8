import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAll, migratedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { sessionCookie } from '@jt808/test-support/session-cookie';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../src/app.js';
import { saveUser } from '../src/users.js';

describe.skipIf(!hasPostgres)(
  'the API serves the console (single-page app) without hiding its own routes',
  () => {
    let db: TestDatabase;
    let pool: pg.Pool;
    let api: FastifyInstance;
    let dir: string;
    let cookie: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'jt808-console-'));
      mkdirSync(join(dir, 'assets'));
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
      writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
      ({ db, pool } = await migratedDatabase('console', 2));
      await saveUser(pool, { username: 'admin', password: 'admin-secret', role: 'admin' });
      api = await buildApi({ pool, secureCookies: false, consoleDir: dir });
      cookie = await sessionCookie(api, 'admin', 'admin-secret');
    });
    afterAll(async () => {
      await closeAll(api, pool, db);
      rmSync(dir, { recursive: true, force: true });
    });

    it('serves index.html at / and for any page address, assets with a long cache', async () => {
      const root = await api.inject({ method: 'GET', url: '/' });
      expect(root.statusCode).toBe(200);
      expect(root.body).toContain('<title>console</title>');
      const deep = await api.inject({ method: 'GET', url: '/tickets/42?x=1' });
      expect(deep.statusCode).toBe(200);
      expect(deep.headers['content-type']).toMatch(/text\/html/);
      expect(deep.body).toContain('<title>console</title>');
      const asset = await api.inject({ method: 'GET', url: '/assets/index-abc123.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toContain('immutable');
    });

    it('leaves /api and /docs alone: unknown API paths are JSON 404s, sessions are still required', async () => {
      expect((await api.inject({ method: 'GET', url: '/api/centers' })).statusCode).toBe(401);
      const unknown = await api.inject({ method: 'GET', url: '/api/no-such-route', headers: { cookie } });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toHaveProperty('error');
      const centers = await api.inject({ method: 'GET', url: '/api/centers', headers: { cookie } });
      expect(centers.statusCode).toBe(200);
      expect(centers.json()).toEqual([]);
      const docs = await api.inject({ method: 'GET', url: '/docs' });
      expect(docs.json()).toHaveProperty('openapi');
      expect((await api.inject({ method: 'POST', url: '/somewhere' })).statusCode).toBe(404);
    });
  },
);
