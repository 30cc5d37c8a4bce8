import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandClient, MemoryBus } from '@jt808/bus';
import { storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { seedTwoCenters } from '@jt808/test-support/two-centers';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApi } from '../src/app.js';
import { publicRoutes, requireSession } from '../src/guard.js';
import type { Role } from '../src/sessions.js';
import { saveUser } from '../src/users.js';

/**
 * The guard table, tested from the outside: every route the API registers (REST and WebSocket) must
 * be in ROUTES below with the access it is meant to have, and every role gets, for a thing of its
 * own center and one of the other center, 2xx only where it is allowed and in scope, 403 where its
 * role is not allowed and 404 where the thing is out of its scope; without a session, 401. A new
 * route fails this test until it is added here, with its roles and a request to try.
 */

const ROLES: readonly Role[] = ['admin', 'operator', 'service', 'desk', 'viewer', 'installer'];
/** "anyone": every role but the installer's, who has the phone page only. */
const ANYONE = ROLES.filter((role) => role !== 'installer');
const SIGNED_IN = ROLES;
const DESK: readonly Role[] = ['admin', 'operator', 'desk'];
const WRITERS: readonly Role[] = ['admin', 'desk'];
const READERS: readonly Role[] = ['admin', 'operator', 'desk', 'service'];

/** A thing of the users' own center (1) and one of the other center (2). */
interface Thing {
  id: number;
  phone: string;
}
const OWN: Thing = { id: 1, phone: '13900000001' };
const OTHER: Thing = { id: 2, phone: '13900000002' };

interface Probing {
  url: string;
  payload?: object | string;
  /** Of a payload that is no JSON. */
  contentType?: string;
}

interface Probe {
  access: 'public' | readonly Role[];
  /** The request for a thing (`scoped`) or the only request (the thing is then ignored). */
  request?: (thing: Thing, role: Role) => Probing;
  /** The path or body names a thing, which must be in the user's scope. */
  scoped?: boolean;
  /** What an allowed request in scope answers (default 200): the route's own rules may refuse it. */
  ok?: readonly number[];
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString();
const range = `from=${encodeURIComponent(day(-1))}&to=${encodeURIComponent(day(0))}`;
const days = 'from=2026-01-01&to=2026-01-31';
const get = (url: string) => () => ({ url });
const scoped = (make: (thing: Thing, role: Role) => Probing) => make;

const ROUTES: Record<string, Probe> = {
  'POST /api/login': { access: 'public' },
  'POST /api/logout': { access: 'public' },
  'GET /docs': { access: 'public' },
  'GET /*': { access: 'public' },
  'GET /api/me': { access: SIGNED_IN, request: get('/api/me') },
  'GET /api/centers': { access: ANYONE, request: get('/api/centers') },
  'GET /api/centers/hourly': { access: ANYONE, request: get(`/api/centers/hourly?${range}`) },
  'GET /api/vehicles': { access: ANYONE, request: get('/api/vehicles') },
  'GET /api/vehicles/:id': {
    access: ANYONE,
    scoped: true,
    request: scoped((t) => ({ url: `/api/vehicles/${t.id}` })),
  },
  'GET /api/vehicles/:id/track': {
    access: ANYONE,
    scoped: true,
    request: scoped((t) => ({ url: `/api/vehicles/${t.id}/track?${range}` })),
  },
  'POST /api/vehicles/:id/commands': {
    access: ['admin', 'operator', 'service', 'desk'],
    scoped: true,
    request: scoped((t) => ({
      url: `/api/vehicles/${t.id}/commands`,
      payload: { command: 'locationQuery', timeoutSeconds: 1 },
    })),
  },
  'GET /api/tickets': { access: ANYONE, request: get('/api/tickets') },
  'GET /api/tickets/:id': {
    access: ANYONE,
    scoped: true,
    request: scoped((t) => ({ url: `/api/tickets/${t.id}` })),
  },
  'POST /api/tickets/:id/actions': {
    access: ['admin', 'operator', 'service'],
    scoped: true,
    request: scoped((t) => ({
      url: `/api/tickets/${t.id}/actions`,
      payload: { action: 'appoint', at: day(1), reason: 'the owner asked' },
    })),
  },
  'GET /api/installer/:key': {
    access: SIGNED_IN,
    scoped: true,
    request: scoped((t) => ({ url: `/api/installer/${t.phone}` })),
  },
  'POST /api/installer/:key/accept': {
    access: ['admin', 'service', 'installer'],
    scoped: true,
    request: scoped((t) => ({ url: `/api/installer/${t.phone}/accept` })),
    ok: [409], // not every check is green
  },
  'GET /api/kpis': { access: ANYONE, request: get(`/api/kpis?${range}`) },
  'GET /api/service-points': { access: ANYONE, request: get('/api/service-points') },
  'POST /api/desk/calls': {
    access: DESK,
    scoped: true,
    request: scoped((t) => ({
      url: '/api/desk/calls',
      payload: {
        callerPhone: '13800001111',
        vehicle: { id: t.id },
        description: 'x',
        category: 'guidance',
        severity: 3,
      },
    })),
    ok: [200, 201],
  },
  'GET /api/desk/calls': { access: DESK, request: get('/api/desk/calls') },
  'POST /api/desk/tickets/:id/answer': {
    access: DESK,
    scoped: true,
    request: scoped((t) => ({ url: `/api/desk/tickets/${t.id}/answer`, payload: {} })),
  },
  'POST /api/desk/tickets/:id/clocks': {
    access: [...DESK, 'service'],
    scoped: true,
    request: scoped((t) => ({
      url: `/api/desk/tickets/${t.id}/clocks`,
      payload: { clock: 'inspection-report', event: 'start' },
    })),
  },
  'GET /api/desk/tickets/:id/clocks': {
    access: ANYONE,
    scoped: true,
    request: scoped((t) => ({ url: `/api/desk/tickets/${t.id}/clocks` })),
  },
  'GET /api/warranty/:terminal': {
    access: ANYONE,
    scoped: true,
    request: scoped((t) => ({ url: `/api/warranty/${t.phone}` })),
  },
  'GET /api/complaints': { access: ANYONE, request: get('/api/complaints') },
  'POST /api/complaints': {
    access: DESK,
    scoped: true,
    request: scoped((t) => ({ url: '/api/complaints', payload: { description: 'late', vehicleId: t.id } })),
    ok: [201],
  },
  'POST /api/complaints/:id/answer': {
    access: DESK,
    scoped: true,
    request: scoped((t) => ({
      url: `/api/complaints/${t.id}/answer`,
      payload: { finding: 'not-upheld', measures: 'explained' },
    })),
    ok: [200, 409], // answered once
  },
  'POST /api/complaints/:id/measures-done': {
    access: DESK,
    scoped: true,
    request: scoped((t) => ({ url: `/api/complaints/${t.id}/measures-done`, payload: { report: 'done' } })),
    ok: [200, 409], // no measures open
  },
  'POST /api/complaints/review': {
    access: ['admin'],
    request: () => ({ url: '/api/complaints/review', payload: {} }),
  },
  'GET /api/callbacks/due': { access: DESK, request: get('/api/callbacks/due') },
  'POST /api/callbacks/:id': {
    access: DESK,
    scoped: true,
    request: scoped((t) => ({ url: `/api/callbacks/${t.id}`, payload: { satisfaction: 5 } })),
    ok: [200, 409], // recorded once
  },
  'POST /api/callbacks/monthly': {
    access: ['admin'],
    request: () => ({ url: '/api/callbacks/monthly', payload: { month: '2026-01' } }),
  },
  'GET /api/callbacks/figures': { access: ANYONE, request: get(`/api/callbacks/figures?${days}`) },
  'GET /api/settlements': {
    access: ['admin', 'operator', 'service'],
    request: get(`/api/settlements?${days}`),
  },
  'POST /api/installations/:id/owner-signoff': {
    access: ['admin', 'service'],
    scoped: true,
    request: scoped((t) => ({ url: `/api/installations/${t.id}/owner-signoff`, payload: {} })),
  },
  'GET /api/customers': { access: ANYONE, request: get('/api/customers?q=豫') },
  'GET /api/customers/:id': {
    access: ANYONE,
    scoped: true,
    request: scoped((t) => ({ url: `/api/customers/${t.id}` })),
  },
  'GET /api/customers/:id/views': {
    access: ['admin'],
    scoped: true,
    request: scoped((t) => ({ url: `/api/customers/${t.id}/views` })),
  },
  'GET /api/customers/:id/contracts': {
    access: ANYONE,
    scoped: true,
    request: scoped((t) => ({ url: `/api/customers/${t.id}/contracts` })),
  },
  'POST /api/customers/:id/contracts': {
    access: ['admin', 'desk'],
    scoped: true,
    request: scoped((t, role) => ({
      url: `/api/customers/${t.id}/contracts`,
      payload: {
        number: `K-${role}-${t.id}`,
        kind: 'service',
        party: 'owner',
        signedOn: '2026-01-01',
        startsOn: '2026-01-01',
        endsOn: '2026-12-31',
        vehiclesCovered: 1,
        feePerVehicleFen: 100,
      },
    })),
    ok: [201],
  },
  'PUT /api/vehicles/:id/owner': {
    access: ['admin', 'desk'],
    scoped: true,
    request: scoped((t) => ({
      url: `/api/vehicles/${t.id}/owner`,
      payload: { name: '张三', phone: '13800001111', idNumber: null },
    })),
  },
  'PUT /api/terminals/:phone/shipment': {
    access: ['admin', 'desk'],
    scoped: true,
    request: scoped((t) => ({
      url: `/api/terminals/${t.phone}/shipment`,
      payload: { shippedOn: '2026-01-05', shipMode: 'express' },
    })),
  },
  'GET /api/installers': { access: READERS, request: get('/api/installers') },
  'POST /api/installers': {
    access: WRITERS,
    scoped: true,
    request: scoped((t, role) => ({
      url: '/api/installers',
      payload: { code: `I-${role}-${t.id}`, name: '王师傅', servicePointId: t.id },
    })),
    ok: [201],
  },
  'PUT /api/installers/:code': {
    access: WRITERS,
    scoped: true,
    request: scoped((t) => ({
      url: `/api/installers/inst-${t.id}`,
      payload: {
        name: '王师傅',
        phone: '13700001111',
        certificate: null,
        servicePointId: t.id,
        active: true,
      },
    })),
  },
  // acct-N have no account until the first allowed role makes one (the next is told it exists).
  'POST /api/installers/:code/account': {
    access: WRITERS,
    scoped: true,
    request: scoped((t, role) => ({
      url: `/api/installers/acct-${t.id}/account`,
      payload: { username: `acct-${role}-${t.id}` },
    })),
    ok: [201, 409],
  },
  'POST /api/installers/:code/account/password': {
    access: WRITERS,
    scoped: true,
    request: scoped((t) => ({ url: `/api/installers/acct-${t.id}/account/password`, payload: {} })),
  },
  'GET /api/installer-contracts': { access: READERS, request: get('/api/installer-contracts') },
  'PUT /api/installer-contracts/:code': {
    access: WRITERS,
    scoped: true,
    request: scoped((t) => ({
      url: `/api/installer-contracts/inst-${t.id}`,
      payload: { feeFen: 8000, minPerDay: null },
    })),
  },
  // Another service point's installer in the file is a rejected row, not a 404 (roster-records test).
  'POST /api/installer-contracts/import': {
    access: WRITERS,
    request: () => ({
      url: '/api/installer-contracts/import',
      payload: '安装人员编号,安装单价\ninst-1,80\n',
      contentType: 'text/csv',
    }),
  },
  'GET /api/vehicles/:id/history': {
    access: READERS,
    scoped: true,
    request: scoped((t) => ({ url: `/api/vehicles/${t.id}/history` })),
  },
  'GET /api/terminals/:phone/history': {
    access: READERS,
    scoped: true,
    request: scoped((t) => ({ url: `/api/terminals/${t.phone}/history` })),
  },
  'GET /api/installers/:code/history': {
    access: READERS,
    scoped: true,
    request: scoped((t) => ({ url: `/api/installers/inst-${t.id}/history` })),
  },
  'GET /api/reports/service': { access: ANYONE, request: get('/api/reports/service?month=2026-01') },
  'GET /api/service-points/league': { access: ANYONE, request: get(`/api/service-points/league?${days}`) },
  'GET /api/reports/periodic': { access: ANYONE, request: get('/api/reports/periodic?period=2026-W02') },
  'GET /api/install-progress': { access: ANYONE, request: get('/api/install-progress?day=2026-01-31') },
  'PUT /api/install-plans/:id': {
    access: ['admin', 'operator'],
    scoped: true,
    request: scoped((t) => ({
      url: `/api/install-plans/${t.id}`,
      payload: { target: 10, startsOn: '2026-01-01', dueOn: '2026-06-30' },
    })),
  },
  'GET /api/tickets/:id/work-order': {
    access: READERS,
    scoped: true,
    request: scoped((t) => ({ url: `/api/tickets/${t.id}/work-order` })),
  },
  'GET /api/installations/:id/acceptance-sheet': {
    access: READERS,
    scoped: true,
    request: scoped((t) => ({ url: `/api/installations/${t.id}/acceptance-sheet` })),
  },
  'GET /api/after-sales/settings': { access: ANYONE, request: get('/api/after-sales/settings') },
  'PUT /api/after-sales/settings': {
    access: ['admin'],
    request: () => ({ url: '/api/after-sales/settings', payload: {} }),
  },
  'GET /api/calendar': { access: ANYONE, request: get('/api/calendar?year=2026') },
  'PUT /api/calendar': { access: ['admin'], request: () => ({ url: '/api/calendar', payload: {} }) },
  'GET /api/onsite-hours': { access: ANYONE, request: get('/api/onsite-hours') },
  'GET /api/centers/:id/onsite-hours': {
    access: ANYONE,
    scoped: true,
    request: scoped((t) => ({ url: `/api/centers/${t.id}/onsite-hours` })),
  },
  'PUT /api/centers/:id/onsite-hours': {
    access: ['admin'],
    request: () => ({
      url: '/api/centers/1/onsite-hours',
      payload: { local: null, nearby: null, 'other-region': null },
    }),
  },
  'GET /api/patrols': { access: READERS, request: get('/api/patrols') },
  'POST /api/patrols': {
    access: READERS,
    scoped: true,
    request: scoped((t) => ({ url: '/api/patrols', payload: { servicePointId: t.id } })),
    ok: [201],
  },
  'POST /api/patrols/:id/report': {
    access: READERS,
    scoped: true,
    request: scoped((t) => ({ url: `/api/patrols/${t.id}/report`, payload: { report: '正常' } })),
    ok: [200, 409], // reported once: the next allowed role finds it done
  },
  'GET /api/inbox': { access: ANYONE, request: get('/api/inbox') },
  'GET /api/inbox/count': { access: ANYONE, request: get('/api/inbox/count') },
  'POST /api/inbox/read': {
    access: ANYONE,
    request: () => ({ url: '/api/inbox/read', payload: { all: true } }),
  },
  'POST /api/escalations/:id': {
    access: ['admin', 'operator'],
    scoped: true,
    request: scoped((t) => ({
      url: `/api/escalations/${t.id}`,
      payload: { action: 'acknowledge', note: 'seen' },
    })),
    ok: [200, 409], // acknowledged once
  },
  'GET /api/notifications/sender': { access: ['admin'], request: get('/api/notifications/sender') },
  'PUT /api/notifications/sender': {
    access: ['admin'],
    request: () => ({ url: '/api/notifications/sender', payload: { timeoutMs: 5000 } }),
  },
  'GET /api/notifications/endpoints': { access: ['admin'], request: get('/api/notifications/endpoints') },
  'POST /api/notifications/endpoints': {
    access: ['admin'],
    request: (_t, role) => ({
      url: '/api/notifications/endpoints',
      payload: { name: `e-${role}`, url: 'http://127.0.0.1:9/', kinds: ['dispatch'], active: false },
    }),
    ok: [201],
  },
  'PUT /api/notifications/endpoints/:id': {
    access: ['admin'],
    request: () => ({
      url: '/api/notifications/endpoints/1',
      payload: { name: 'e-admin', url: 'http://127.0.0.1:9/', kinds: [], active: false },
    }),
    ok: [200, 404], // the endpoint the POST above made, when it ran first
  },
  'GET /api/notifications/deliveries': { access: ['admin'], request: get('/api/notifications/deliveries') },
  'GET /api/vehicles/:id/replacement': {
    access: ANYONE,
    scoped: true,
    request: scoped((t) => ({ url: `/api/vehicles/${t.id}/replacement` })),
  },
  'POST /api/vehicles/:id/replacement/done': {
    access: ['admin', 'operator'],
    scoped: true,
    request: scoped((t) => ({
      url: `/api/vehicles/${t.id}/replacement/done`,
      payload: { note: 'exchanged' },
    })),
    ok: [409], // no exchange open
  },
  'POST /api/vehicles/:id/replacement/rma': {
    access: ['admin', 'operator', 'desk', 'service'],
    scoped: true,
    request: scoped((t) => ({ url: `/api/vehicles/${t.id}/replacement/rma`, payload: {} })),
    ok: [409], // no exchange open
  },
  'GET /api/fault-causes': { access: ANYONE, request: get('/api/fault-causes?all=true') },
  'POST /api/fault-causes': {
    access: ['admin'],
    request: (_t, role) => ({
      url: '/api/fault-causes',
      payload: { code: `c-${role}`, nameZh: '测试', nameEn: 'test' },
    }),
    ok: [201],
  },
  'PUT /api/fault-causes/:code': {
    access: ['admin'],
    request: () => ({ url: '/api/fault-causes/other', payload: { active: true } }),
  },
  'GET /api/tickets/:id/rma': {
    access: ANYONE,
    scoped: true,
    request: scoped((t) => ({ url: `/api/tickets/${t.id}/rma` })),
  },
  'PUT /api/tickets/:id/rma': {
    access: READERS,
    scoped: true,
    request: scoped((t) => ({
      url: `/api/tickets/${t.id}/rma`,
      payload: { quality: true, exclusions: [], badlyDamaged: false, opened: false, waybill: 'SF1' },
    })),
  },
  'POST /api/tickets/:id/quotes': {
    access: READERS,
    scoped: true,
    request: scoped((t) => ({
      url: `/api/tickets/${t.id}/quotes`,
      payload: { partsFen: 5000, visitFen: 0, repairDays: 2 },
    })),
    ok: [201, 409], // an in-warranty fault is not quoted; out of warranty, once while it waits
  },
  'POST /api/tickets/:id/quotes/:quote/decision': {
    access: READERS,
    scoped: true,
    request: scoped((t) => ({
      url: `/api/tickets/${t.id}/quotes/${t.id}/decision`,
      payload: { decision: 'refused' },
    })),
    ok: [200, 409], // answered once
  },
  'GET /api/live': { access: ANYONE }, // WebSocket: tried with real upgrades below
  'GET /api/map/config': { access: ANYONE, request: get('/api/map/config') },
  'GET /api/map/fleet': { access: ANYONE, request: get('/api/map/fleet') },
};

const sorted = (access: Probe['access']) => (access === 'public' ? access : [...access].sort().join(','));

describe.skipIf(!hasPostgres)('the guard table: every route declares its access, and it holds', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: FastifyInstance;
  let bus: MemoryBus;
  let commands: CommandClient;
  let consoleDir: string;
  let port: number;
  const cookies = {} as Record<Role, string>;

  beforeAll(async () => {
    consoleDir = mkdtempSync(join(tmpdir(), 'jt808-guard-console-'));
    writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
    ({ db, pool } = await storedDatabase('guard'));
    await seedTwoCenters(pool, { short: true });
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id, owner_name, owner_phone) VALUES
         (1, '豫A10001', 2, 1, '张三', '13800001111'), (2, '豫C20002', 2, 2, '李四', '13800002222')`,
    );
    await pool.query(
      `INSERT INTO terminals (phone, vehicle_id, installed_at, warranty_until) VALUES
         ('13900000001', 1, '2026-01-01', '2030-01-01'), ('13900000002', 2, '2026-01-01', '2030-01-01')`,
    );
    for (const id of [1, 2]) {
      await pool.query(
        `INSERT INTO tickets (id, kind, phone, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due, service_point_id, category, severity)
         VALUES ($1::int, 'repair', $2, $1::int, $1::int, 'appointed', 'offline', now(), now() + interval '2 hours', now() + interval '1 day', $1::int, 'hardware', 2)`,
        [id, `1390000000${id}`],
      );
      await pool.query(
        `INSERT INTO complaints (id, source, ticket_id, vehicle_id, center_id, service_point_id, description, opened_at, due_at, created_by)
         VALUES ($1::int, 'desk', $1::int, $1::int, $1::int, $1::int, 'slow', now(), now() + interval '1 day', 'test')`,
        [id],
      );
      await pool.query(
        `INSERT INTO callbacks (id, kind, vehicle_id, month, center_id, service_point_id, due_at)
         VALUES ($1::int, 'monthly', $1::int, '2025-12-01', $1::int, $1::int, now())`,
        [id],
      );
      await pool.query(
        `INSERT INTO installations (id, vehicle_id, terminal_phone, service_point_id, planned_on) VALUES ($1::int, $1::int, $2, $1::int, current_date)`,
        [id, `1390000000${id}`],
      );
      await pool.query(
        `INSERT INTO patrol_inspections (id, center_id, service_point_id, inspected_at, recorded_by, report_due)
         VALUES ($1::int, $1::int, $1::int, now(), 'test', now() + interval '3 days')`,
        [id],
      );
      await pool.query(
        `INSERT INTO repair_quotes (id, ticket_id, parts_fen, visit_fen, repair_days, quoted_at, quoted_by) VALUES ($1::int, $1::int, 100, 0, 1, now(), 'test')`,
        [id],
      );
    }
    for (const id of [1, 2]) {
      await pool.query(
        `INSERT INTO notices (id, key, kind, cause, center_id, text) VALUES ($1::int, 'escalation:test:' || $1, 'escalation', 'satisfaction', $1::int, 'x')`,
        [id],
      );
    }
    for (const table of [
      'tickets',
      'complaints',
      'callbacks',
      'installations',
      'patrol_inspections',
      'notices',
    ]) {
      await pool.query(`SELECT setval('${table}_id_seq', 100)`);
    }
    await saveUser(pool, { username: 'admin', password: 'admin-secret', role: 'admin' });
    await saveUser(pool, {
      username: 'operator',
      password: 'operator-secret',
      role: 'operator',
      centerIds: [1],
    });
    await saveUser(pool, {
      username: 'service',
      password: 'service-secret',
      role: 'service',
      servicePointId: 1,
    });
    await saveUser(pool, { username: 'desk', password: 'desk-secret', role: 'desk', centerIds: [1] });
    await saveUser(pool, { username: 'viewer', password: 'viewer-secret', role: 'viewer', centerIds: [1] });
    await pool.query(
      `INSERT INTO installers (code, name, service_point_id) VALUES ('inst-1', '张师傅', 1), ('inst-2', '李师傅', 2),
        ('acct-1', '赵师傅', 1), ('acct-2', '钱师傅', 2)`,
    );
    await saveUser(pool, {
      username: 'installer',
      password: 'installer-secret',
      role: 'installer',
      installer: 'inst-1',
    });
    bus = new MemoryBus();
    commands = new CommandClient(bus);
    await commands.start();
    api = await buildApi({ pool, commands, secureCookies: false, consoleDir });
    await api.listen({ port: 0, host: '127.0.0.1' });
    port = (api.server.address() as { port: number }).port;
    for (const role of ROLES) {
      const login = await api.inject({
        method: 'POST',
        url: '/api/login',
        payload: { username: role, password: `${role}-secret` },
      });
      expect(login.statusCode).toBe(200);
      cookies[role] = `jt808_session=${login.cookies.find((c) => c.name === 'jt808_session')!.value}`;
    }
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await commands?.stop();
    await bus?.close();
    await pool?.end();
    await db?.drop();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  it('lists every route with the access it is meant to have, and nothing else', () => {
    const methods = api.guards.filter((guard) => guard.method !== 'HEAD');
    const registered = Object.fromEntries(
      methods.map((guard) => [`${guard.method} ${guard.url}`, sorted(guard.access)]),
    );
    const meant = Object.fromEntries(
      Object.entries(ROUTES).map(([route, probe]) => [route, sorted(probe.access)]),
    );
    expect(registered).toEqual(meant);
    // The HEAD routes fastify adds for GET routes have their GET route's access.
    for (const head of api.guards.filter((guard) => guard.method === 'HEAD')) {
      expect(sorted(head.access), head.url).toBe(registered[`GET ${head.url}`]);
    }
  });

  it('is the table of docs/security.md', () => {
    const text = readFileSync(fileURLToPath(new URL('../../../docs/security.md', import.meta.url)), 'utf8');
    const section = text.split('## Authentication: the guard table')[1]!.split('\n## ')[0]!;
    const documented = Object.fromEntries(
      [...section.matchAll(/^\| `([A-Z]+ [^`]+)`[^|]* \| ([^|]+) \|/gm)].map(([, route, access]) => [
        route,
        access!.trim() === 'public'
          ? 'public'
          : sorted(access!.split(', ').flatMap((role) => (role === 'anyone' ? ANYONE : [role as Role]))),
      ]),
    );
    expect(documented).toEqual(
      Object.fromEntries(Object.entries(ROUTES).map(([route, probe]) => [route, sorted(probe.access)])),
    );
  });

  it('answers each role 2xx only where allowed and in scope, 403 for another role, 404 out of scope, 401 without a session', async () => {
    const answers: string[] = [];
    const expected: string[] = [];
    for (const [route, probe] of Object.entries(ROUTES)) {
      if (!probe.request) continue;
      const method = route.split(' ')[0] as 'GET' | 'POST' | 'PUT';
      const things = probe.scoped ? [OWN, OTHER] : [OWN];
      for (const who of [...ROLES, undefined]) {
        for (const thing of things) {
          const { url, payload, contentType } = probe.request(thing, who ?? 'viewer');
          const response = await api.inject({
            method,
            url,
            ...(payload ? { payload } : {}),
            headers: {
              ...(contentType ? { 'content-type': contentType } : {}),
              ...(who ? { cookie: cookies[who] } : {}),
            },
          });
          const status = response.statusCode;
          const label = `${who ?? 'nobody'} ${route} ${thing === OWN ? 'own' : 'other'}`;
          let want: readonly number[];
          if (!who) want = [401];
          else if (probe.access === 'public' || !probe.access.includes(who)) want = [403];
          else if (thing === OTHER && probe.scoped && who !== 'admin') want = [404];
          else want = probe.ok ?? [200];
          answers.push(
            `${label}: ${want.includes(status) ? 'as meant' : `${status} ${response.body.slice(0, 120)}`}`,
          );
          expected.push(`${label}: as meant`);
        }
      }
    }
    expect(answers).toEqual(expected);
  });

  it('opens the live feed for every role and refuses it without a session', async () => {
    for (const role of ANYONE) expect(await upgrade('/api/live', cookies[role])).toBe(101);
    expect(await upgrade('/api/live', cookies.installer)).toBe(403);
    expect(await upgrade('/api/live')).toBe(401);
  });

  it('leaves the public routes open', async () => {
    expect((await api.inject({ method: 'GET', url: '/docs' })).json()).toHaveProperty('openapi');
    expect((await api.inject({ method: 'GET', url: '/vehicles/1' })).body).toContain(
      '<title>console</title>',
    );
    expect((await api.inject({ method: 'POST', url: '/api/logout' })).statusCode).toBe(200);
  });

  it('checks the session whatever the spelling of the path, and refuses absolute-form targets', async () => {
    const spellings: Record<string, number | string> = {};
    for (const path of [
      '/%61pi/me',
      '/api/%6de',
      '/api/./me',
      '/api/me/',
      '/api//me',
      '/api/me%2f',
      '//api/me',
      '/API/me',
    ]) {
      const answer = await raw(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      // Never the user; the console's page for paths that are not the API's.
      spellings[path] = answer.body.includes('username')
        ? 'the user!'
        : answer.body.includes('<title>console')
          ? 'console'
          : answer.status;
    }
    // Spellings of the route /api/me meet its session check; the others are no route (404), or not
    // the API's at all and so the console's page.
    expect(spellings).toEqual({
      '/%61pi/me': 401,
      '/api/%6de': 401,
      '/api/./me': 404,
      '/api/me/': 404,
      '/api//me': 404,
      '/api/me%2f': 404,
      '//api/me': 'console',
      '/API/me': 'console',
    });
    const absolute = await raw(
      'GET http://127.0.0.1/api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );
    expect(absolute.status).toBe(400);
    const absoluteSignedIn = await raw(
      `GET http://127.0.0.1/api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookies.admin}\r\nConnection: close\r\n\r\n`,
    );
    expect(absoluteSignedIn.status).toBe(400);
    // The route is the same however it is spelled: with a session, the odd spelling finds it.
    const signedIn = await raw(
      `GET /%61pi/me HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookies.viewer}\r\nConnection: close\r\n\r\n`,
    );
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toContain('"username":"viewer"');
    expect(await upgrade('/%61pi/live')).toBe(401);
    expect(await upgrade('/api/%6cive')).toBe(401);
  });

  it('refuses to start with a route that declares no access', async () => {
    const { default: Fastify } = await import('fastify');
    const { collectGuards } = await import('../src/guard.js');
    const undeclared = Fastify();
    collectGuards(undeclared);
    undeclared.get('/forgotten', async () => 'secret');
    await expect(undeclared.ready()).rejects.toThrow(/GET \/forgotten declares no access/);

    const noRoles = Fastify();
    await expect(
      noRoles
        .register(
          async (app) => {
            requireSession(app, pool, { idleMinutes: 30, absoluteHours: 12 });
            app.get('/forgotten', async () => 'secret');
          },
          { prefix: '/api' },
        )
        .ready(),
    ).rejects.toThrow(/names no roles/);

    const rolesInPublic = Fastify();
    await expect(
      rolesInPublic
        .register(async (app) => {
          publicRoutes(app);
          app.get('/forgotten', { config: { roles: ['admin'] } }, async () => 'secret');
        })
        .ready(),
    ).rejects.toThrow(/public plugin/);
  });

  /** Sends raw bytes (any request target) and reads the answer. */
  function raw(request: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(request));
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('end', () => resolve({ status: Number(text.split(' ')[1]), body: text }));
      socket.on('error', reject);
    });
  }

  /** The status a WebSocket upgrade gets: 101 when it opens. */
  function upgrade(path: string, cookie?: string): Promise<number> {
    return new Promise((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers: cookie ? { cookie } : {} });
      socket.once('open', () => {
        socket.close();
        resolve(101);
      });
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.once('error', () => resolve(0));
    });
  }
});
