import { MemoryBus } from '@jt808/bus';
import { locationEvent } from '@jt808/test-support/bus-events';
import { migratedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import type pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../src/settings.js';
import { StatusService } from '../src/status-service.js';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const S = 1000;

describe.skipIf(!hasPostgres)('status service (real PostgreSQL, in-process bus)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    ({ db, pool } = await migratedDatabase('status'));
    await pool.query(`INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州中心', '郑州')`);
    await pool.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A00001', 2, 1), (2, '豫A00002', 2, 1)`,
    );
    await pool.query(
      `INSERT INTO terminals (phone, vehicle_id) VALUES ('13800000001', 1), ('13800000002', 2)`,
    );
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const location = (atMs: number, alarm = 0) => locationEvent('013800000001', atMs, { alarm });

  it('stores verdicts and transitions, and a restarted engine neither loses nor invents any', async () => {
    let now = T0;
    const bus = new MemoryBus();
    const log = pino({ level: 'silent' });
    let service = new StatusService(bus, pool, log, DEFAULT_SETTINGS, {
      consumer: 's1',
      passIntervalMs: 3_600_000,
      now: () => now,
    });
    await service.start();
    for (let i = 0; i < 40; i++) await bus.events.publish(location(T0 + i * 30 * S, i >= 5 ? 1 << 5 : 0));
    now = T0 + 39 * 30 * S;
    const first = await service.evaluate();
    expect(first.map((t) => [t.phone, t.to, t.reasons])).toEqual([
      ['13800000001', 'faulty', ['gnss-antenna-open']],
    ]);
    await service.stop();

    // A new engine process: restores the memory, sees nothing new at the same instant.
    service = new StatusService(bus, pool, log, DEFAULT_SETTINGS, {
      consumer: 's1',
      passIntervalMs: 3_600_000,
      now: () => now,
    });
    await service.start();
    expect(await service.evaluate()).toEqual([]);
    now += 3_600_000;
    const later = await service.evaluate();
    expect(later.map((t) => [t.phone, t.from, t.to])).toEqual([['13800000001', 'faulty', 'offline']]);
    expect(later[0]!.atMs).toBe(T0 + 39 * 30 * S + DEFAULT_SETTINGS.offlineFloorSeconds * S);
    await service.stop();
    await bus.close();

    const { rows: statuses } = await pool.query(
      'SELECT phone, status, reasons FROM terminal_status ORDER BY phone',
    );
    expect(statuses).toEqual([
      { phone: '13800000001', status: 'offline', reasons: [] },
      { phone: '13800000002', status: 'never-seen', reasons: [] },
    ]);
    const { rows: history } = await pool.query(
      'SELECT from_status, to_status, reasons FROM status_transitions ORDER BY at',
    );
    expect(history).toEqual([
      { from_status: 'never-seen', to_status: 'faulty', reasons: ['gnss-antenna-open'] },
      { from_status: 'faulty', to_status: 'offline', reasons: [] },
    ]);
  });
});
