import { type ApiServer, startApiServerFor } from '@jt808/test-support/api-server';
import { closeAll, storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { seedTwoCenters } from '@jt808/test-support/two-centers';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The roster routes on the contract (api-contract/src/roster.ts) answer what their schemas list,
 * with the nullable fields both null and filled, where the routes' own tests leave one side out:
 * every answer here is checked against its response schema (JT808_STRICT_RESPONSES, a mismatch is
 * a 500), so a status of 200 is the check.
 */
describe.skipIf(!hasPostgres)('the roster routes answer their contract (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let api: ApiServer;

  beforeAll(async () => {
    ({ db, pool } = await storedDatabase('contract_roster'));
    await seedTwoCenters(pool, { short: true });
    // Vehicle 1 with a terminal reporting a fix, vehicle 2 with no terminal at all, vehicle 3 in
    // center 2 (which has no install plan).
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A10001', 2, 1), (2, '豫A10002', 2, 1), (3, '豫C10003', 2, 2)`,
    );
    await pool.query(
      `INSERT INTO terminals (phone, vehicle_id, registered_at) VALUES ('13900000001', 1, now() - interval '1 hour')`,
    );
    await pool.query(
      `INSERT INTO terminal_state (phone, online, connected_at, last_fix_time, status, alarm, satellites, signal_strength)
       VALUES ('13900000001', true, now(), now(), 3, 1, 9, 20)`,
    );
    await pool.query(
      `INSERT INTO installations (id, vehicle_id, service_point_id, planned_on) VALUES (1, 2, 1, current_date)`,
    );
    await pool.query(
      `INSERT INTO installers (code, name, phone, certificate, service_point_id) VALUES
         ('W-1', '王师傅', '13700001111', 'DG-1', 1), ('W-2', '李师傅', NULL, NULL, 1)`,
    );
    api = await startApiServerFor(pool, [
      { username: 'admin', password: 'admin-secret', role: 'admin' },
      { username: 'desk1', password: 'desk1-secret', role: 'desk', centerIds: [1] },
      { username: 'sp1', password: 'sp1-secret', role: 'service', servicePointId: 1 },
    ]);
  }, 60_000);
  afterAll(() => closeAll(api, pool, db));

  it('answers a checklist with its terminal and without one, and a refused acceptance with its checks', async () => {
    const fitted = await api.get('admin', '/api/installer/豫A10001');
    expect(fitted.status).toBe(200);
    expect(fitted.body).toMatchObject({ vehicleId: '1', phone: '13900000001' });
    const bare = await api.get('admin', '/api/installer/豫A10002');
    expect(bare.status).toBe(200);
    expect(bare.body).toMatchObject({ vehicleId: '2', phone: null, allGreen: false });
    // The alarm raised keeps vehicle 1 from green: a 409 with every check, by its own schema.
    const refused = await api.post('admin', '/api/installer/豫A10001/accept', {});
    expect(refused.status).toBe(409);
    expect(refused.body.checks.find((c: { name: string }) => c.name === 'no-alarms').ok).toBe(false);
    expect((await api.get('admin', '/api/installer/豫Z99999')).status).toBe(404);
    // A service point sees only the vehicles of its own jobs.
    expect((await api.get('sp1', '/api/installer/豫A10001')).status).toBe(404);
  });

  it('lists installers with and without phone, certificate and account; makes and resets an account', async () => {
    const made = await api.post('desk1', '/api/installers/W-1/account', { username: 'wang' });
    expect(made.status).toBe(201);
    expect(made.body.generated).toEqual(expect.any(String));
    const reset = await api.post('desk1', '/api/installers/W-1/account/password', {
      password: 'a-new-password',
    });
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({ installer: 'W-1', username: 'wang' });
    const list = await api.get('desk1', '/api/installers');
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      expect.objectContaining({ code: 'W-1', account: 'wang', certificate: 'DG-1' }),
      expect.objectContaining({ code: 'W-2', account: null, phone: null, certificate: null }),
    ]);
    expect(
      (await api.post('desk1', '/api/installers', { code: 'W-3', name: '赵师傅', servicePointId: 1 })).body,
    ).toEqual({
      code: 'W-3',
      name: '赵师傅',
      phone: null,
      certificate: null,
      servicePointId: 1,
      active: true,
    });
  });

  it('sets installer contracts with and without a daily minimum, and lists them', async () => {
    const set = await api.put('desk1', '/api/installer-contracts/W-1', { feeFen: 8000, minPerDay: 3 });
    expect(set.status).toBe(200);
    expect(
      (await api.put('desk1', '/api/installer-contracts/W-2', { feeFen: 0, minPerDay: null })).status,
    ).toBe(200);
    const list = await api.get('sp1', '/api/installer-contracts');
    expect(list.status).toBe(200);
    expect(list.body.map((c: { minPerDay: number | null }) => c.minPerDay)).toEqual([3, null]);
    expect(
      (await api.put('desk1', '/api/installer-contracts/W-404', { feeFen: 1, minPerDay: 1 })).status,
    ).toBe(404);
  });

  it('answers a contracts file it cannot parse as a 400 of its own, not a crash', async () => {
    const broken = await api.postRaw('desk1', '/api/installer-contracts/import', '{"a":', 'application/json');
    expect(broken.status).toBe(400);
    expect(broken.body.error).toEqual(expect.any(String));
  });

  it('answers a history of changes from nothing and to nothing', async () => {
    expect(
      (await api.put('desk1', '/api/vehicles/1/owner', { name: '张三', phone: null, idNumber: null })).status,
    ).toBe(200);
    expect(
      (await api.put('desk1', '/api/vehicles/1/owner', { name: null, phone: null, idNumber: null })).status,
    ).toBe(200);
    const history = await api.get('desk1', '/api/vehicles/1/history');
    expect(history.status).toBe(200);
    const names = history.body.items.filter((entry: { field: string }) => entry.field === 'owner_name');
    expect(
      names.map((entry: { old: string | null; new: string | null }) => [
        entry.old === null,
        entry.new === null,
      ]),
    ).toEqual([
      [false, true],
      [true, false],
    ]);
  });

  it('records customers’ contracts with and without a note', async () => {
    const contract = (number: string, note?: string) => ({
      number,
      kind: 'service',
      party: 'owner',
      signedOn: '2026-01-01',
      startsOn: '2026-01-01',
      endsOn: '2099-12-31',
      vehiclesCovered: 2,
      feePerVehicleFen: 1500,
      ...(note === undefined ? {} : { note }),
    });
    expect((await api.post('desk1', '/api/customers/1/contracts', contract('HT-1'))).body.note).toBeNull();
    expect((await api.post('desk1', '/api/customers/1/contracts', contract('HT-2', '续签'))).status).toBe(
      201,
    );
    const list = await api.get('desk1', '/api/customers/1/contracts');
    expect(list.status).toBe(200);
    expect(list.body.map((c: { note: string | null }) => c.note)).toEqual(['续签', null]);
  });

  it('signs off an installation not yet accepted, and reads progress with a plan and without', async () => {
    const signed = await api.post('sp1', '/api/installations/1/owner-signoff', {});
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ id: '1', acceptedAt: null });
    expect(
      (
        await api.put('admin', '/api/install-plans/1', {
          target: 100,
          startsOn: '2026-01-01',
          dueOn: '2099-12-31',
        })
      ).body,
    ).toEqual({ center: 1, target: 100, startsOn: '2026-01-01', dueOn: '2099-12-31' });
    const progress = await api.get('admin', '/api/install-progress?day=2026-06-01');
    expect(progress.status).toBe(200);
    const byCenter = new Map(progress.body.centers.map((c: { center: unknown }) => [c.center, c]));
    expect(byCenter.get(1)).toMatchObject({ target: 100, overdue: false });
    expect(byCenter.get(2)).toMatchObject({ target: null, expected: null });
    expect(byCenter.get('province')).toBeDefined();
  });
});
