import { type ApiServer, startApiServerFor } from '@jt808/test-support/api-server';
import { closeAll, storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewUser } from '../src/users.js';

/**
 * Entering a vehicle's owner and a terminal's shipment through the API (routes/roster-records.ts):
 * what the desk types is stored as the roster import would store it, never shown back unmasked,
 * and another center's vehicle or terminal, another role and malformed input are refused.
 */
describe.skipIf(!hasPostgres)('the owner and shipment of the roster, entered by the desk', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: ApiServer;

  beforeAll(async () => {
    ({ db, pool } = await storedDatabase('roster_records'));
    await pool.query(
      `INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州', '郑州'), (2, 'C2', '洛阳', '洛阳')`,
    );
    await pool.query(`INSERT INTO service_points (id, code, name, center_id) VALUES (1, 'SP1', '郑州站', 1)`);
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A10001', 2, 1), (2, '豫C20002', 2, 2)`,
    );
    await pool.query(
      `INSERT INTO terminals (phone, vehicle_id) VALUES ('13900000001', 1), ('13900000002', 2), ('13900000009', NULL)`,
    );
    const users: Omit<NewUser, 'password'>[] = [
      { username: 'admin', role: 'admin' },
      { username: 'desk1', role: 'desk', centerIds: [1] },
      { username: 'desk-all', role: 'desk', centerIds: 'all' },
      { username: 'op1', role: 'operator', centerIds: [1] },
      { username: 'sp1', role: 'service', servicePointId: 1 },
      { username: 'viewer', role: 'viewer', centerIds: [1] },
    ];
    api = await startApiServerFor(
      pool,
      users.map((user) => ({ ...user, password: `${user.username}-secret` })),
    );
  }, 60_000);
  afterAll(() => closeAll(api, pool, db));

  const owner = async (id: number) =>
    (await pool.query('SELECT owner_name, owner_phone, owner_id_number FROM vehicles WHERE id = $1', [id]))
      .rows[0];
  const shipment = async (phone: string) =>
    (
      await pool.query(
        `SELECT to_char(shipped_on, 'YYYY-MM-DD') AS shipped_on, ship_mode FROM terminals WHERE phone = $1`,
        [phone],
      )
    ).rows[0];

  it('stores the owner a desk clerk enters, in the roster import’s form, and answers it masked', async () => {
    const answer = await api.put('desk1', '/api/vehicles/1/owner', {
      name: ' 张三丰 ',
      phone: '138-0000 1111',
      idNumber: '41010519800101123x',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      id: '1',
      name: '张**',
      phone: '138****1111',
      idNumber: '4101**********123X',
    });
    expect(await owner(1)).toEqual({
      owner_name: '张三丰',
      owner_phone: '13800001111',
      owner_id_number: '41010519800101123X',
    });
    // The desk now finds the vehicle by the owner's phone, and its detail shows the owner masked.
    const found = await api.get('desk1', '/api/customers?q=13800001111');
    expect(found.body.map((item: { id: string }) => item.id)).toEqual(['1']);
    const detail = await api.get('desk1', '/api/vehicles/1');
    expect(detail.body).toMatchObject({ ownerName: '张**', ownerPhone: '138****1111' });
  });

  it('clears an owner with nulls, and refuses a partial or malformed one', async () => {
    expect(
      (await api.put('admin', '/api/vehicles/1/owner', { name: null, phone: '', idNumber: null })).status,
    ).toBe(200);
    expect(await owner(1)).toEqual({ owner_name: null, owner_phone: null, owner_id_number: null });
    for (const body of [
      { name: '张三' }, // the owner is replaced whole
      { name: '张三', phone: 'call me', idNumber: null },
      { name: '张三', phone: '1380000111122223333444', idNumber: null },
      { name: '张三', phone: '13800001111', idNumber: '4101-0519' },
      { name: '张三', phone: '13800001111', idNumber: null, note: 'extra' },
    ]) {
      const answer = await api.put('desk1', '/api/vehicles/1/owner', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
    }
    expect(
      (await api.put('desk1', '/api/vehicles/abc/owner', { name: null, phone: null, idNumber: null })).status,
    ).toBe(400);
  });

  it('keeps other roles and other centers out of the owner', async () => {
    const body = { name: '李四', phone: '13800002222', idNumber: null };
    for (const user of ['op1', 'sp1', 'viewer']) {
      expect((await api.put(user, '/api/vehicles/1/owner', body)).status, user).toBe(403);
    }
    // Another center's vehicle is no vehicle at all for this desk; a province-wide desk reaches it.
    expect((await api.put('desk1', '/api/vehicles/2/owner', body)).status).toBe(404);
    expect((await api.put('desk1', '/api/vehicles/999/owner', body)).status).toBe(404);
    expect(await owner(2)).toEqual({ owner_name: null, owner_phone: null, owner_id_number: null });
    expect((await api.put('desk-all', '/api/vehicles/2/owner', body)).status).toBe(200);
    expect((await owner(2)).owner_phone).toBe('13800002222');
  });

  it('stores a terminal’s shipment whole, by any form of its SIM number, and clears it', async () => {
    const answer = await api.put('desk1', '/api/terminals/013900000001/shipment', {
      shippedOn: '2026-03-05',
      shipMode: 'freight',
    });
    expect(answer.status).toBe(200);
    // The desk talks about terminals: their SIMs in full on a detail (after-sales/masking.ts).
    expect(answer.body).toEqual({ phone: '13900000001', shippedOn: '2026-03-05', shipMode: 'freight' });
    expect(await shipment('13900000001')).toEqual({ shipped_on: '2026-03-05', ship_mode: 'freight' });
    const warranty = await api.get('desk1', '/api/warranty/13900000001');
    expect(warranty.body).toMatchObject({ warranty: { basis: 'freight' } });
    expect(
      (await api.put('desk1', '/api/terminals/13900000001/shipment', { shippedOn: null, shipMode: null }))
        .status,
    ).toBe(200);
    expect(await shipment('13900000001')).toEqual({ shipped_on: null, ship_mode: null });
  });

  it('refuses a half shipment, an impossible day, an unknown mode, other roles and centers', async () => {
    for (const body of [
      { shippedOn: '2026-03-05', shipMode: null },
      { shippedOn: null, shipMode: 'express' },
      { shippedOn: '2026-02-30', shipMode: 'express' },
      { shippedOn: '2026-03-05', shipMode: 'pigeon' },
      { shippedOn: '5 March', shipMode: 'express' },
      { shippedOn: '2026-03-05' },
    ]) {
      const answer = await api.put('desk1', '/api/terminals/13900000001/shipment', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
    }
    const body = { shippedOn: '2026-03-05', shipMode: 'express' };
    expect((await api.put('desk1', '/api/terminals/not-a-phone/shipment', body)).status).toBe(400);
    for (const user of ['op1', 'sp1', 'viewer']) {
      expect((await api.put(user, '/api/terminals/13900000001/shipment', body)).status, user).toBe(403);
    }
    // Another center's terminal, and one on no vehicle yet, are out of a center's desk's reach.
    expect((await api.put('desk1', '/api/terminals/13900000002/shipment', body)).status).toBe(404);
    expect((await api.put('desk1', '/api/terminals/13900000009/shipment', body)).status).toBe(404);
    expect((await api.put('desk1', '/api/terminals/13900000077/shipment', body)).status).toBe(404);
    expect(await shipment('13900000002')).toEqual({ shipped_on: null, ship_mode: null });
    // The province's desk ships terminals before they are fitted to any vehicle.
    expect((await api.put('desk-all', '/api/terminals/13900000009/shipment', body)).status).toBe(200);
    expect(await shipment('13900000009')).toEqual({ shipped_on: '2026-03-05', ship_mode: 'express' });
  });

  it('finds every vehicle of an owner shared across vehicles by the phone however it is typed, in scope only', async () => {
    await pool.query(`INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (3, '豫A10003', 2, 1)`);
    const same = { name: '李四', phone: '138-0000 2222', idNumber: null };
    for (const id of [1, 2, 3])
      expect((await api.put('admin', `/api/vehicles/${id}/owner`, same)).status).toBe(200);
    const ids = async (user: string, q: string) => {
      const answer = await api.get(user, `/api/customers?q=${encodeURIComponent(q)}`);
      expect(answer.status, q).toBe(200);
      return answer.body.map((item: { id: string }) => item.id);
    };
    for (const typed of ['13800002222', '138 0000 2222', '(138)0000-2222', '１３８００００２２２２']) {
      expect(await ids('desk-all', typed), typed).toEqual(['1', '2', '3']);
    }
    // A center's desk finds that owner's vehicles of its own center only.
    expect(await ids('desk1', '138-0000-2222')).toEqual(['1', '3']);
    // Another number, part of the number, or text that is no number finds none of them.
    for (const q of ['13800002223', '0000 2222', '+', "'; --", '138000022221234567890']) {
      expect(await ids('desk-all', q), q).toEqual([]);
    }
  });
});
