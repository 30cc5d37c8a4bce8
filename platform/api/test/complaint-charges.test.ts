import { type ApiServer, startApiServer } from '@jt808/test-support/api-server';
import { closeAll, migratedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { seedTwoCenters } from '@jt808/test-support/two-centers';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveUser } from '../src/users.js';

/**
 * An upheld complaint costs the party it charges (a service point's standing, an installer's pay):
 * the party must belong to the complaint's center. Over real HTTP against PostgreSQL.
 */
describe.skipIf(!hasPostgres)(
  'complaints charge only their own center’s service points and installers',
  () => {
    let db: TestDatabase;
    let pool: pg.Pool;
    let api: ApiServer;

    beforeAll(async () => {
      ({ db, pool } = await migratedDatabase('charges'));
      await seedTwoCenters(pool);
      await pool.query(
        `INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A00001', 2, 1), (2, '豫C00002', 2, 2)`,
      );
      await pool.query(
        `INSERT INTO installers (code, name, service_point_id) VALUES ('inst-a', '安装队甲', 1), ('inst-b', '安装队乙', 2)`,
      );
      await pool.query(
        `INSERT INTO installer_contracts (installer, name, service_point_id, fee_fen) VALUES
         ('inst-a', '安装队甲', 1, 10000), ('inst-b', '安装队乙', 2, 10000)`,
      );
      await saveUser(pool, { username: 'op1', password: 'op1-secret', role: 'operator', centerIds: [1] });
      await saveUser(pool, { username: 'op2', password: 'op2-secret', role: 'operator', centerIds: [2] });
      api = await startApiServer(pool);
      await api.login('op1', 'op1-secret');
      await api.login('op2', 'op2-secret');
    }, 120_000);
    afterAll(() => closeAll(api, pool, db));

    it('refuses to charge another center’s installer or service point, or one that does not exist (400)', async () => {
      const complaint = await api.post('op2', '/api/complaints', { vehicleId: 2, description: '安装不规范' });
      expect(complaint.status).toBe(201);
      const answer = (charge: object) =>
        api.post('op2', `/api/complaints/${complaint.body.id}/answer`, {
          finding: 'upheld',
          measures: '返工',
          measuresOwner: '王站长',
          measuresDue: '2026-12-31',
          ...charge,
        });
      expect(await answer({ chargedInstaller: 'inst-a' })).toEqual({
        status: 400,
        body: { error: 'installer inst-a has no contract with a service point of center 2' },
      });
      expect(await answer({ chargedServicePointId: 1 })).toEqual({
        status: 400,
        body: { error: "service point 1 is not one of center 2's" },
      });
      expect((await answer({ chargedServicePointId: 999 })).status).toBe(400);
      expect((await answer({ chargedServicePointId: 2, chargedInstaller: 'inst-a' })).status).toBe(400);
      const { rows } = await pool.query('SELECT answered_at FROM complaints WHERE id = $1', [
        complaint.body.id,
      ]);
      expect(rows[0].answered_at).toBeNull();
      expect((await answer({ chargedServicePointId: 2, chargedInstaller: 'inst-b' })).status).toBe(200);
    });

    it('does not deduct from an installer’s pay for a complaint another center charged to them', async () => {
      await pool.query(
        `INSERT INTO installations (vehicle_id, installer, service_point_id, planned_on, done_at, accepted_at, owner_signed_at)
       VALUES (1, 'inst-a', 1, '2026-11-02', '2026-11-02T10:00:00+08', '2026-11-02T10:00:00+08', '2026-11-02T10:05:00+08')`,
      );
      // Charged by center 2 before charges were checked, and one charged by the installer's own center.
      await pool.query(
        `INSERT INTO complaints (source, vehicle_id, center_id, description, opened_at, due_at, answered_at, finding, measures,
                               charged_installer, created_by) VALUES
         ('desk', 2, 2, '外中心', '2026-11-20T09:00:00+08', '2026-11-21T09:00:00+08', '2026-11-20T15:00:00+08', 'upheld', '返工', 'inst-a', 'op2'),
         ('desk', 1, 1, '本中心', '2026-11-21T09:00:00+08', '2026-11-22T09:00:00+08', '2026-11-21T15:00:00+08', 'upheld', '返工', 'inst-a', 'op1')`,
      );
      const { rows: own } = await pool.query(`SELECT id FROM complaints WHERE description = '本中心'`);
      const answer = await api.get('op1', '/api/settlements?from=2026-11-01&to=2026-11-30');
      expect(answer.status).toBe(200);
      const [settlement] = answer.body;
      expect(settlement.deductions).toEqual([
        expect.objectContaining({ kind: 'complaint', complaintId: own[0].id }),
      ]);
      expect(settlement).toMatchObject({
        installer: 'inst-a',
        grossFen: 10_000,
        deductionsFen: 500,
        netFen: 9_500,
      });
    });
  },
);
