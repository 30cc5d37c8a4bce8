import { openTicket, platformMove } from '@jt808/after-sales';
import { closeAll, storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { seedTwoCenters } from '@jt808/test-support/two-centers';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../src/app.js';
import { saveUser } from '../src/users.js';

/**
 * Warranty as the service standard writes it and repeats that survive a swap, through the HTTP API
 * on a real PostgreSQL (issue 21, items 5 and 6): one source for the warranty end, the fault-cause
 * catalogue, the RMA record with its condition at receipt, quotes in fen and the returned unit's
 * clocks, with the guards tried from outside (another center's ticket, another role, bad input).
 */

/** An instant given as Asia/Shanghai wall-clock time. */
const at = (local: string) => new Date(`${local}:00+08:00`);
const HOUR = 3_600_000;

describe.skipIf(!hasPostgres)('warranty cases through the API (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: FastifyInstance;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    ({ db, pool } = await storedDatabase('warranty'));
    await seedTwoCenters(pool);
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES
         (1, '豫A10001', 2, 1), (2, '豫C20002', 2, 2), (3, '豫A10003', 2, 1), (4, '豫A10004', 2, 1),
         (5, '豫A10005', 2, 1), (6, '豫A10006', 2, 1)`,
    );
    // 1: shipped by express 2026-01-10, covered to 2027-01-12 by the standard, though the roster says
    // 2030; 2: another center's; 3: out of warranty since 2026-01-05; 4-6: in warranty by their installation.
    await pool.query(
      `INSERT INTO terminals (phone, vehicle_id, maker, model, installed_at, warranty_until, shipped_on, ship_mode) VALUES
         ('13900000001', 1, 'M1', 'X1', '2026-01-15T10:00:00+08:00', '2030-01-01', '2026-01-10', 'express'),
         ('13900000002', 2, 'M1', 'X1', '2026-01-15T10:00:00+08:00', NULL, '2026-01-10', 'express'),
         ('13900000003', 3, 'M2', 'Y1', '2025-01-15T10:00:00+08:00', NULL, '2024-12-27', 'freight'),
         ('13900000004', 4, 'M2', 'Y1', '2026-06-01T10:00:00+08:00', NULL, NULL, NULL),
         ('13900000005', 5, 'M2', 'Y1', '2026-06-01T10:00:00+08:00', NULL, NULL, NULL),
         ('13900000006', 6, 'M2', 'Y1', '2026-06-01T10:00:00+08:00', NULL, NULL, NULL)`,
    );
    await saveUser(pool, { username: 'admin', password: 'admin-secret', role: 'admin' });
    await saveUser(pool, { username: 'desk', password: 'desk-secret', role: 'desk', centerIds: [1] });
    await saveUser(pool, { username: 'viewer', password: 'viewer-secret', role: 'viewer', centerIds: [1] });
    await saveUser(pool, { username: 'sp1', password: 'sp1-secret', role: 'service', servicePointId: 1 });
    await saveUser(pool, { username: 'sp2', password: 'sp2-secret', role: 'service', servicePointId: 2 });
    api = await buildApi({ pool, secureCookies: false });
    for (const user of ['admin', 'desk', 'viewer', 'sp1', 'sp2']) {
      const response = await api.inject({
        method: 'POST',
        url: '/api/login',
        payload: { username: user, password: `${user}-secret` },
      });
      expect(response.statusCode).toBe(200);
      cookies[user] = `jt808_session=${response.cookies.find((c) => c.name === 'jt808_session')!.value}`;
    }
  }, 60_000);
  afterAll(() => closeAll(api, pool, db));

  const get = (user: string, url: string) =>
    api.inject({ method: 'GET', url, headers: { cookie: cookies[user]! } });
  const send = (user: string, method: 'POST' | 'PUT', url: string, payload: object) =>
    api.inject({ method, url, payload, headers: { cookie: cookies[user]! } });
  const act = (user: string, id: string, body: object) =>
    send(user, 'POST', `/api/tickets/${id}/actions`, body);

  /** A repair ticket of the status engine, taken on site by service point `servicePoint`. */
  async function onSite(phone: string, atMs: number, servicePoint = 1): Promise<string> {
    const { id } = await openTicket(pool, { kind: 'repair', phone, reason: 'offline', atMs });
    expect(
      (await act('admin', id, { action: 'classify', category: 'hardware', severity: 2 })).statusCode,
    ).toBe(200);
    const dispatch = { action: 'dispatch', installer: 'inst-a', servicePointId: servicePoint };
    expect((await act('admin', id, dispatch)).statusCode).toBe(200);
    expect(
      (await act('admin', id, { action: 'appoint', at: new Date(atMs + HOUR).toISOString() })).statusCode,
    ).toBe(200);
    expect((await act('admin', id, { action: 'arrive' })).statusCode).toBe(200);
    return id;
  }

  const receipt = { quality: true, exclusions: [], badlyDamaged: false, opened: false };

  it('has one source for the warranty end: a ticket, the warranty answer and the archive agree', async () => {
    // On 2027-01-20 the roster still says 2030, the standard's ship-date rule says it ended 2027-01-12.
    const { id } = await openTicket(pool, {
      kind: 'repair',
      phone: '13900000001',
      reason: 'offline',
      atMs: at('2027-01-20T09:00').getTime(),
    });
    const ticket = (await get('admin', `/api/tickets/${id}`)).json();
    expect(ticket.inWarranty).toBe(false);
    const answer = (await get('desk', '/api/warranty/13900000001?today=2027-01-20')).json();
    expect(answer).toMatchObject({ inWarranty: false, warranty: { until: '2027-01-12', basis: 'express' } });
    expect((await get('desk', '/api/customers/1')).json().warrantyUntil).toBe('2027-01-12');
    expect((await get('desk', '/api/customers?q=豫A10001')).json()[0].warrantyUntil).toBe('2027-01-12');
    expect((await act('admin', id, { action: 'cancel', reason: 'test' })).statusCode).toBe(200);

    // The desk's tickets ask the same module: in warranty today (2026-12) by the ship date.
    const call = await send('desk', 'POST', '/api/desk/calls', {
      callerPhone: '13800001111',
      vehicle: { terminal: '13900000001' },
      description: '不定位',
      category: 'hardware',
      severity: 2,
    });
    expect(call.statusCode).toBe(201);
    expect((await get('desk', `/api/tickets/${call.json().ticketId}`)).json().inWarranty).toBe(true);
    expect((await act('admin', call.json().ticketId, { action: 'cancel', reason: 'test' })).statusCode).toBe(
      200,
    );
  });

  it('keeps the fault-cause catalogue: administrators edit it, everyone reads it, codes are checked', async () => {
    const causes = (await get('sp1', '/api/fault-causes')).json();
    expect(causes.length).toBe(18);
    expect(causes).toContainEqual({
      code: 'gnss-antenna',
      nameZh: 'GNSS天线故障',
      nameEn: 'GNSS antenna fault',
      active: true,
    });
    expect(causes.at(-1).code).toBe('other'); // last in the picker
    const relay = { code: 'relay', nameZh: '继电器故障', nameEn: 'Relay fault' };
    expect((await send('desk', 'POST', '/api/fault-causes', relay)).statusCode).toBe(403);
    expect((await send('sp1', 'POST', '/api/fault-causes', relay)).statusCode).toBe(403);
    expect((await send('admin', 'POST', '/api/fault-causes', relay)).statusCode).toBe(201);
    expect((await send('admin', 'POST', '/api/fault-causes', relay)).statusCode).toBe(409);
    for (const bad of [
      { ...relay, code: 'Relay Fault' },
      { ...relay, code: '' },
      { ...relay, nameZh: '   ' },
      { ...relay, nameEn: 'x'.repeat(65) },
      { code: 'x1', nameZh: '无' },
    ]) {
      expect((await send('admin', 'POST', '/api/fault-causes', bad)).statusCode).toBe(400);
    }
    expect((await send('admin', 'PUT', '/api/fault-causes/relay', {})).statusCode).toBe(400);
    expect((await send('admin', 'PUT', '/api/fault-causes/nothing', { active: false })).statusCode).toBe(404);
    expect((await send('admin', 'PUT', '/api/fault-causes/relay', { active: false })).json()).toMatchObject({
      code: 'relay',
      active: false,
    });
    expect((await get('sp1', '/api/fault-causes')).json().map((c: { code: string }) => c.code)).not.toContain(
      'relay',
    );
    expect(
      (await get('sp1', '/api/fault-causes?all=true')).json().map((c: { code: string }) => c.code),
    ).toContain('relay');

    // Resolving names an active code; the free text is a note.
    const id = await onSite('13900000004', Date.now() - 2 * HOUR);
    for (const body of [
      { action: 'resolve', faultCauseCode: 'relay' },
      { action: 'resolve', faultCauseCode: 'no-such-cause' },
      { action: 'resolve', faultCauseCode: 'Power' },
      { action: 'resolve' },
    ]) {
      expect((await act('sp1', id, body)).statusCode).toBe(400);
    }
    expect(
      (await act('sp1', id, { action: 'resolve', faultCauseCode: 'power', faultCause: '保险丝烧断' }))
        .statusCode,
    ).toBe(200);
    expect((await get('sp1', `/api/tickets/${id}`)).json()).toMatchObject({
      faultCauseCode: 'power',
      faultCause: '保险丝烧断',
      faultCauseZh: '电源故障',
      faultCauseEn: 'Power supply fault',
    });
  });

  it('raises a repeat fault on the vehicle when the same cause comes back on the terminal swapped in', async () => {
    const first = await onSite('13900000001', Date.now() - 5 * HOUR);
    const swap = { action: 'resolve', faultCauseCode: 'gnss-antenna', replacementPhone: '13900000011' };
    expect((await act('sp1', first, swap)).statusCode).toBe(200);
    expect(await platformMove(pool, first, 'verified', 'test', new Date())).toBe(true);
    // The swapped-in terminal has no hard-coded year: its warranty is the module's, from today's installation.
    const fitted = await pool.query(`SELECT warranty_until FROM terminals WHERE phone = '13900000011'`);
    expect(fitted.rows[0].warranty_until).toBeNull();
    const warranty = (await get('desk', '/api/warranty/13900000011')).json();
    expect(warranty.warranty.basis).toBe('installation');
    expect(warranty.inWarranty).toBe(true);

    const second = await onSite('13900000011', Date.now() + 1000);
    expect((await act('sp1', second, { action: 'resolve', faultCauseCode: 'gnss-antenna' })).statusCode).toBe(
      200,
    );
    expect((await send('admin', 'POST', '/api/complaints/review', { days: 1 })).statusCode).toBe(200);
    const { rows } = await pool.query(
      `SELECT source, ticket_id::text, vehicle_id::int, service_point_id, installer FROM complaints WHERE source = 'repeat-fault'`,
    );
    expect(rows).toEqual([
      { source: 'repeat-fault', ticket_id: second, vehicle_id: 1, service_point_id: 1, installer: 'inst-a' },
    ]);
  });

  it('quotes a paid repair in fen, accepted or refused once, on its clocks', async () => {
    const id = await onSite('13900000003', Date.now() - 2 * HOUR);
    const before = (await get('sp1', `/api/tickets/${id}/rma`)).json();
    expect(before).toMatchObject({
      record: null,
      decision: { rule: 'paid-repair', inWarranty: false },
      quotes: [],
    });

    // Received Friday 4 December 16:00: cost and time told by Monday 16:00, shipped by Tuesday 16:00.
    const record = {
      formNo: 'RMA-2026-001',
      carrier: '顺丰',
      waybill: 'SF1234567890',
      arrivedAt: at('2026-12-04T16:00').toISOString(),
      ...receipt,
    };
    const saved = await send('sp1', 'PUT', `/api/tickets/${id}/rma`, record);
    expect(saved.statusCode).toBe(200);
    expect(saved.json().record).toMatchObject({ formNo: 'RMA-2026-001', carrier: '顺丰', updatedBy: 'sp1' });
    expect(saved.json().clocks).toEqual([
      {
        clock: 'quote',
        dueAt: at('2026-12-07T16:00').toISOString(),
        metAt: null,
        breached: expect.any(Boolean),
      },
      { clock: 'repair-ship', dueAt: at('2026-12-08T16:00').toISOString(), metAt: null, breached: false },
    ]);

    for (const bad of [
      { partsFen: -1, visitFen: 0, repairDays: 1 },
      { partsFen: 12.5, visitFen: 0, repairDays: 1 },
      { partsFen: '12.5', visitFen: 0, repairDays: 1 },
      { partsFen: 100_000_001, visitFen: 0, repairDays: 1 },
      { partsFen: 100, visitFen: 0 },
      { partsFen: 100, visitFen: 0, repairDays: 1, total: 100 },
    ]) {
      expect((await send('sp1', 'POST', `/api/tickets/${id}/quotes`, bad)).statusCode).toBe(400);
    }
    const quote = { partsFen: 12_000, visitFen: 5_000, repairDays: 2, note: '更换定位模块' };
    expect((await send('viewer', 'POST', `/api/tickets/${id}/quotes`, quote)).statusCode).toBe(403);
    expect((await send('sp2', 'POST', `/api/tickets/${id}/quotes`, quote)).statusCode).toBe(404);
    const quoted = await send('sp1', 'POST', `/api/tickets/${id}/quotes`, quote);
    expect(quoted.statusCode).toBe(201);
    expect(quoted.json()).toMatchObject({
      partsFen: 12_000,
      visitFen: 5_000,
      totalFen: 17_000,
      decision: null,
    });
    expect((await send('sp1', 'POST', `/api/tickets/${id}/quotes`, quote)).statusCode).toBe(409); // one waits

    const quoteId = quoted.json().id;
    const decision = `/api/tickets/${id}/quotes/${quoteId}/decision`;
    expect((await send('desk', 'POST', decision, { decision: 'maybe' })).statusCode).toBe(400);
    expect((await send('sp2', 'POST', decision, { decision: 'accepted' })).statusCode).toBe(404);
    expect((await send('viewer', 'POST', decision, { decision: 'accepted' })).statusCode).toBe(403);
    expect(
      (await send('desk', 'POST', `/api/tickets/${id}/quotes/999/decision`, { decision: 'accepted' }))
        .statusCode,
    ).toBe(404);
    const accepted = await send('desk', 'POST', decision, { decision: 'accepted' });
    expect(accepted.json()).toMatchObject({ decision: 'accepted', decidedBy: 'desk' });
    expect((await send('desk', 'POST', decision, { decision: 'refused' })).statusCode).toBe(409);

    // The quote met its clock (late); shipping the repaired unit meets the other in time.
    const shipped = await send('sp1', 'PUT', `/api/tickets/${id}/rma`, {
      ...record,
      shippedBackAt: at('2026-12-07T10:00').toISOString(),
    });
    expect(
      shipped
        .json()
        .clocks.map((c: { clock: string; metAt: string | null; breached: boolean }) => [
          c.clock,
          !!c.metAt,
          c.breached,
        ]),
    ).toEqual([
      ['quote', true, true], // quoted now, after Monday 7 December 16:00: late, a breach
      ['repair-ship', true, false],
    ]);
    const deskClocks = (await get('desk', `/api/desk/tickets/${id}/clocks`)).json();
    expect(deskClocks.map((c: { clock: string }) => c.clock)).toEqual(['quote', 'repair-ship']);
  });

  it('turns an in-warranty repair paid on an exclusion, and exchanges only an intact unit, freight paid one way', async () => {
    const id = await onSite('13900000005', Date.now() - HOUR);
    const url = `/api/tickets/${id}/rma`;
    const arrived = { arrivedAt: at('2026-12-04T11:00').toISOString() };
    const exchange = (await send('desk', 'PUT', url, { ...receipt, ...arrived })).json();
    expect(exchange.decision).toMatchObject({ rule: 'exchange', freight: 'one-way', intact: true });
    expect(exchange.clocks).toEqual([
      {
        clock: 'exchange-ship',
        dueAt: at('2026-12-07T11:00').toISOString(),
        metAt: null,
        breached: expect.any(Boolean),
      },
    ]);
    expect(
      (await send('sp1', 'POST', `/api/tickets/${id}/quotes`, { partsFen: 1, visitFen: 0, repairDays: 1 }))
        .statusCode,
    ).toBe(409);

    const opened = (await send('sp1', 'PUT', url, { ...receipt, ...arrived, opened: true })).json();
    expect(opened.decision).toMatchObject({ rule: 'free-repair', intact: false, freight: 'one-way' });
    expect(opened.clocks).toEqual([]); // the standard sets no clock for a free repair

    const excluded = (
      await send('sp1', 'PUT', url, { ...receipt, ...arrived, exclusions: ['third-party-repair'] })
    ).json();
    expect(excluded.decision).toMatchObject({ rule: 'paid-repair', inWarranty: true, freight: 'none' });
    expect(excluded.decision.reason.zh).toContain('非授权维修');
    expect(excluded.clocks.map((c: { clock: string }) => c.clock)).toEqual(['quote', 'repair-ship']);
    expect(
      (await send('sp1', 'POST', `/api/tickets/${id}/quotes`, { partsFen: 800, visitFen: 0, repairDays: 1 }))
        .statusCode,
    ).toBe(201);

    for (const bad of [
      { ...receipt, exclusions: ['dropped'] },
      { ...receipt, exclusions: ['misuse', 'misuse'] },
      { ...receipt, arrivedAt: 'yesterday' },
      { ...receipt, shippedBackAt: at('2026-12-05T10:00').toISOString() }, // never arrived
      { ...receipt, ...arrived, shippedBackAt: at('2026-12-03T10:00').toISOString() }, // before it arrived
      { ...receipt, arrivedAt: new Date(Date.now() + 3 * 86_400_000).toISOString() },
      { exclusions: [], badlyDamaged: false, opened: false },
      { ...receipt, waybill: 'x'.repeat(65) },
      { ...receipt, extra: 1 },
    ]) {
      expect((await send('sp1', 'PUT', url, bad)).statusCode, JSON.stringify(bad)).toBe(400);
    }
  });

  it('puts the faulty unit of an advance replacement on a 3-day clock, met by its arrival', async () => {
    const id = await onSite('13900000006', Date.now() - HOUR);
    const url = `/api/tickets/${id}/rma`;
    const sent = { ...receipt, advanceShippedAt: at('2026-12-01T10:00').toISOString() };
    const waiting = (await send('desk', 'PUT', url, sent)).json();
    expect(waiting.clocks).toEqual([
      { clock: 'faulty-return', dueAt: at('2026-12-04T10:00').toISOString(), metAt: null, breached: true },
    ]);
    const back = (
      await send('desk', 'PUT', url, { ...sent, arrivedAt: at('2026-12-03T15:00').toISOString() })
    ).json();
    expect(back.clocks).toEqual([
      {
        clock: 'faulty-return',
        dueAt: at('2026-12-04T10:00').toISOString(),
        metAt: at('2026-12-03T15:00').toISOString(),
        breached: false,
      },
    ]);
  });

  it('keeps RMA records to the ticket’s scope, roles and kind', async () => {
    const other = await onSite('13900000002', Date.now() - HOUR, 2);
    for (const user of ['sp1', 'desk', 'viewer']) {
      expect((await get(user, `/api/tickets/${other}/rma`)).statusCode).toBe(404);
    }
    for (const user of ['sp1', 'desk']) {
      expect((await send(user, 'PUT', `/api/tickets/${other}/rma`, receipt)).statusCode).toBe(404);
    }
    expect((await send('sp2', 'PUT', `/api/tickets/${other}/rma`, receipt)).statusCode).toBe(200);
    expect((await send('viewer', 'PUT', `/api/tickets/${other}/rma`, receipt)).statusCode).toBe(403);
    for (const url of [
      '/api/tickets/abc/rma',
      '/api/tickets/0/rma',
      '/api/tickets/1.5/rma',
      '/api/tickets/-1/rma',
    ]) {
      expect((await get('admin', url)).statusCode).toBe(400);
    }
    expect((await get('admin', '/api/tickets/999999/rma')).statusCode).toBe(404);
    const { rows } = await pool.query(
      `INSERT INTO tickets (kind, vehicle_id, center_id, state, reason, opened_at, response_due, onsite_due)
       VALUES ('install', 3, 1, 'new', 'install', now(), now(), now()) RETURNING id::text`,
    );
    expect((await send('admin', 'PUT', `/api/tickets/${rows[0].id}/rma`, receipt)).statusCode).toBe(409);
  });
});
