import { type Delivery, EventKind, MemoryBus, type TerminalEvent } from '@jt808/bus';
import { codecByName, encodeBody, type LocationFields, type OutgoingMessage } from '@jt808/protocol';
import { storedDatabase } from '@jt808/test-support/platform-database';
import { hasPostgres, type TestDatabase } from '@jt808/test-support/postgres';
import { registrationFor } from '@jt808/test-support/terminal';
import type pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IngestWorker } from '../src/ingest/ingest-worker.js';
import { Quality } from '../src/ingest/quality.js';

const silent = pino({ level: 'silent' });
let nextId = 1;

function fix(overrides: Partial<LocationFields> = {}): LocationFields {
  return {
    alarm: 0,
    status: 0x000c0003,
    latitude: 34.757975,
    longitude: 113.665412,
    altitude: 110,
    speed: 62.5,
    direction: 90,
    time: new Date('2026-11-23T07:30:45Z'),
    extras: { mileage: 386.6, satellites: 12, signalStrength: 25 },
    ...overrides,
  };
}

function messageEvent(
  phone: string,
  message: Omit<OutgoingMessage, 'header'>,
  atMs = Date.parse('2026-11-23T07:30:46Z'),
): Delivery {
  const body = encodeBody({ ...message, header: { phone, serial: 1 } } as OutgoingMessage);
  const event: TerminalEvent = {
    kind: EventKind.Message,
    phone,
    gatewayId: 'gw',
    sessionId: 's1',
    atMs,
    messageId: codecByName(message.name)!.id,
    serial: 1,
    edition: '2013',
    protocolVersion: 0,
    body,
  };
  return { id: `0/${nextId++}-0`, event, raw: new Uint8Array(0) };
}

function sessionEvent(
  phone: string,
  kind: EventKind,
  sessionId: string,
  atMs: number,
  reason?: string,
): Delivery {
  return {
    id: `0/${nextId++}-0`,
    event: { kind, phone, gatewayId: 'gw', sessionId, atMs, reason, remoteAddress: '127.0.0.1:5000' },
    raw: new Uint8Array(0),
  };
}

describe.skipIf(!hasPostgres)('ingest (real PostgreSQL, in-process bus)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let bus: MemoryBus;
  let worker: IngestWorker;

  beforeAll(async () => {
    ({ db, pool } = await storedDatabase('ingest'));
    // Fixes of the worked examples are dated 2026-11-23: give that day a partition.
    const { ensurePartitions } = await import('../src/storage/partitions.js');
    await ensurePartitions(pool, new Date('2026-11-30T00:00:00Z'), new Date('2026-11-20T00:00:00Z'));
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });
  beforeEach(() => {
    bus = new MemoryBus();
    worker = new IngestWorker(bus, pool, silent, { consumer: 'test' });
  });

  const count = async (sql: string, values: unknown[] = []) =>
    Number((await pool.query(sql, values)).rows[0].n);

  it('stores a location with its fields, the current state and the hourly activity', async () => {
    await worker.handle([messageEvent('013800000001', { name: 'locationReport', body: fix() })]);
    const { rows } = await pool.query(`SELECT * FROM positions WHERE phone = '13800000001'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      latitude: 34.757975,
      longitude: 113.665412,
      altitude: 110,
      speed: 62.5,
      direction: 90,
      alarm: '0',
      status: String(0x000c0003),
      mileage: 386.6,
      satellites: 12,
      signal_strength: 25,
      blind_area: false,
      quality: 0,
    });
    expect(rows[0].gps_time.toISOString()).toBe('2026-11-23T07:30:45.000Z');
    const state = (await pool.query(`SELECT * FROM terminal_state WHERE phone = '13800000001'`)).rows[0];
    expect(state.last_fix_time.toISOString()).toBe('2026-11-23T07:30:45.000Z');
    expect(state.last_seen_at.toISOString()).toBe('2026-11-23T07:30:46.000Z');
    expect(
      await count(`SELECT count(*) AS n FROM terminal_activity_hourly WHERE phone = '13800000001'`),
    ).toBe(1);
  });

  it('writes nothing twice when a batch is delivered again', async () => {
    const batch = [
      messageEvent('013800000002', { name: 'locationReport', body: fix() }),
      messageEvent('013800000002', {
        name: 'locationReport',
        body: fix({ time: new Date('2026-11-23T07:31:15Z'), alarm: 1 }),
      }),
    ];
    await worker.handle(batch);
    await worker.handle(batch);
    expect(await count(`SELECT count(*) AS n FROM positions WHERE phone = '13800000002'`)).toBe(2);
    expect(await count(`SELECT count(*) AS n FROM terminal_events WHERE phone = '13800000002'`)).toBe(1);
  });

  it('moves last seen but not the current position for an older fix, and records each hour once', async () => {
    const phone = '013800000009';
    await worker.handle([messageEvent(phone, { name: 'locationReport', body: fix({ latitude: 34.8 }) })]);
    // A blind-area re-upload of an earlier fix, and a heartbeat, arrive later.
    await worker.handle([
      messageEvent(
        phone,
        { name: 'locationReport', body: fix({ latitude: 34.1, time: new Date('2026-11-23T07:10:00Z') }) },
        Date.parse('2026-11-23T07:40:00Z'),
      ),
      messageEvent(phone, { name: 'heartbeat', body: {} }, Date.parse('2026-11-23T07:41:00Z')),
    ]);
    const state = (
      await pool.query(`SELECT latitude, last_fix_time, last_seen_at FROM terminal_state WHERE phone = $1`, [
        '13800000009',
      ])
    ).rows[0];
    expect(state.latitude).toBe(34.8);
    expect(state.last_fix_time.toISOString()).toBe('2026-11-23T07:30:45.000Z');
    expect(state.last_seen_at.toISOString()).toBe('2026-11-23T07:41:00.000Z');
    // Three batches in one hour: the terminal is recorded as heard from once, and the worker
    // does not ask again (a second worker, or this one after a restart, would be ignored).
    await worker.handle([
      messageEvent(phone, { name: 'heartbeat', body: {} }, Date.parse('2026-11-23T07:50:00Z')),
    ]);
    expect(
      await count(`SELECT count(*) AS n FROM terminal_activity_hourly WHERE phone = '13800000009'`),
    ).toBe(1);
    const other = new IngestWorker(bus, pool, silent, { consumer: 'other' });
    await other.handle([
      messageEvent(phone, { name: 'heartbeat', body: {} }, Date.parse('2026-11-23T07:55:00Z')),
    ]);
    expect(
      await count(`SELECT count(*) AS n FROM terminal_activity_hourly WHERE phone = '13800000009'`),
    ).toBe(1);
  });

  it('hears from a terminal when it reports, not when it connects, signs in, answers or logs out', async () => {
    const phone = '013800000021';
    const t = Date.parse('2026-11-23T11:00:00Z');
    const state = async () =>
      (
        await pool.query(`SELECT online, connected_at, last_seen_at FROM terminal_state WHERE phone = $1`, [
          '13800000021',
        ])
      ).rows[0];
    const heard = () =>
      count(`SELECT count(*) AS n FROM terminal_activity_hourly WHERE phone = '13800000021'`);
    const connected: Delivery = {
      id: `0/${nextId++}-0`,
      event: { kind: EventKind.Connected, phone, gatewayId: 'gw', sessionId: 's1', atMs: t },
      raw: new Uint8Array(0),
    };
    await worker.handle([
      connected,
      sessionEvent(phone, EventKind.Authenticated, 's1', t),
      messageEvent(
        phone,
        { name: 'terminalGeneralResponse', body: { replySerial: 1, replyId: 0x8103, result: 0 } },
        t + 1000,
      ),
      messageEvent(
        phone,
        { name: 'parametersResponse', body: { replySerial: 2, parameters: [{ id: 0x0029, value: 30 }] } },
        t + 2000,
      ),
      messageEvent(phone, { name: 'logout', body: {} }, t + 3000),
      sessionEvent(phone, EventKind.Disconnected, 's1', t + 3000, 'logout'),
      sessionEvent(phone, EventKind.Authenticated, 's2', t + 4000),
    ]);
    expect(bus.events.deadLetters).toEqual([]);
    // The installer's checklist still sees the sign-in; nothing says the terminal reported.
    expect(await state()).toEqual({ online: true, connected_at: new Date(t + 4000), last_seen_at: null });
    expect(await heard()).toBe(0);
    await worker.handle([messageEvent(phone, { name: 'heartbeat', body: {} }, t + 5000)]);
    expect((await state()).last_seen_at).toEqual(new Date(t + 5000));
    expect(await heard()).toBe(1);
  });

  it('flags fixes that break the regulator rules and still stores them', async () => {
    await worker.handle([
      messageEvent('013800000003', {
        name: 'locationReport',
        body: fix({
          latitude: 0,
          longitude: 0,
          speed: 200,
          altitude: 7000,
          time: new Date('2026-12-01T00:00:00Z'),
        }),
      }),
      messageEvent('013800000003', { name: 'locationReport', body: fix({ time: null }) }),
    ]);
    const { rows } = await pool.query(
      `SELECT quality FROM positions WHERE phone = '13800000003' ORDER BY gps_time`,
    );
    expect(rows.map((r) => r.quality)).toEqual([
      Quality.TimeMissing,
      Quality.LongitudeOutOfRange |
        Quality.LatitudeOutOfRange |
        Quality.SpeedOutOfRange |
        Quality.AltitudeOutOfRange |
        Quality.TimeInFuture,
    ]);
    // Neither a future nor an undated fix becomes the current position.
    expect(
      await count(
        `SELECT count(*) AS n FROM terminal_state WHERE phone = '13800000003' AND last_fix_time IS NOT NULL`,
      ),
    ).toBe(0);
  });

  it('stores every item of a blind-area batch, flagged', async () => {
    const items = [0, 1, 2].map((i) =>
      fix({ time: new Date(Date.parse('2026-11-23T06:00:00Z') + i * 30_000) }),
    );
    await worker.handle([messageEvent('013800000004', { name: 'locationBatch', body: { type: 1, items } })]);
    expect(
      await count(`SELECT count(*) AS n FROM positions WHERE phone = '13800000004' AND blind_area`),
    ).toBe(3);
  });

  it('keeps the current position at the newest fix when a blind-area batch comes after live reports', async () => {
    // The bus hands live events first and backfill after, so a terminal back from a blind area
    // has its first live report stored before (or in the same batch as) the older fixes it uploads.
    const phone = '013800000016';
    const items = [0, 1, 2].map((i) =>
      fix({ latitude: 34.1 + i / 100, time: new Date(Date.parse('2026-11-23T07:00:00Z') + i * 30_000) }),
    );
    await worker.handle([
      messageEvent(phone, { name: 'locationReport', body: fix({ latitude: 34.8 }) }),
      messageEvent(phone, { name: 'locationBatch', body: { type: 1, items } }),
    ]);
    await worker.handle([messageEvent(phone, { name: 'locationBatch', body: { type: 1, items } })]);
    const state = (
      await pool.query(`SELECT latitude, last_fix_time FROM terminal_state WHERE phone = $1`, ['13800000016'])
    ).rows[0];
    expect(state.latitude).toBe(34.8);
    expect(state.last_fix_time.toISOString()).toBe('2026-11-23T07:30:45.000Z');
    expect(await count(`SELECT count(*) AS n FROM positions WHERE phone = '13800000016'`)).toBe(4);
  });

  it('records alarms raised and cleared in GNSS-time order', async () => {
    const at = (s: number) => new Date(Date.parse('2026-11-23T08:00:00Z') + s * 1000);
    await worker.handle([
      messageEvent(
        '013800000005',
        { name: 'locationReport', body: fix({ time: at(60), alarm: 0 }) },
        at(61).getTime(),
      ),
      messageEvent(
        '013800000005',
        { name: 'locationReport', body: fix({ time: at(30), alarm: 1 << 5 }) },
        at(62).getTime(),
      ),
    ]);
    const { rows } = await pool.query(
      `SELECT kind FROM terminal_events WHERE phone = '13800000005' ORDER BY at`,
    );
    expect(rows.map((r) => r.kind)).toEqual([
      'alarm-raised:gnssAntennaOpen',
      'alarm-cleared:gnssAntennaOpen',
    ]);
  });

  it('clears a stored alarm with a later batch of plain fixes, and leaves quiet terminals alone', async () => {
    const at = (s: number) => new Date(Date.parse('2026-11-23T08:10:00Z') + s * 1000);
    const report = (phone: string, s: number, alarm: number) =>
      messageEvent(phone, { name: 'locationReport', body: fix({ time: at(s), alarm }) }, at(s + 1).getTime());
    await worker.handle([report('013800000012', 0, 1 << 5), report('013800000013', 0, 0)]);
    await worker.handle([report('013800000012', 30, 0), report('013800000013', 30, 0)]);
    const { rows } = await pool.query(
      `SELECT phone, kind, at FROM terminal_events WHERE phone IN ('13800000012', '13800000013') ORDER BY at`,
    );
    expect(rows).toEqual([
      { phone: '13800000012', kind: 'alarm-raised:gnssAntennaOpen', at: at(0) },
      { phone: '13800000012', kind: 'alarm-cleared:gnssAntennaOpen', at: at(30) },
    ]);
  });

  it('stores a fix whose additional area ends in zero padding, flagged, as the current position', async () => {
    const padded = messageEvent('013800000015', { name: 'locationReport', body: fix({ extras: {} }) });
    padded.event.body = new Uint8Array([...(padded.event.body ?? []), 0, 0, 0]);
    await worker.handle([padded]);
    expect(bus.events.deadLetters).toEqual([]);
    const { rows } = await pool.query(`SELECT quality, extras FROM positions WHERE phone = '13800000015'`);
    expect(rows).toEqual([
      {
        quality: Quality.ExtrasUnparsed,
        extras: { unparsed: { offset: 28, reason: 'zero padding', hex: '000000' } },
      },
    ]);
    expect(
      await count(
        `SELECT count(*) AS n FROM terminal_state WHERE phone = '13800000015' AND last_fix_time IS NOT NULL`,
      ),
    ).toBe(1);
  });

  it('stores a fix whose direction its column cannot hold, keeping the value in extras', async () => {
    await worker.handle([
      messageEvent('013800000014', { name: 'locationReport', body: fix({ direction: 40_000 }) }),
    ]);
    expect(bus.events.deadLetters).toEqual([]);
    const { rows } = await pool.query(
      `SELECT direction, extras->'rawDirection' AS raw FROM positions WHERE phone = '13800000014'`,
    );
    expect(rows).toEqual([{ direction: null, raw: 40_000 }]);
  });

  it('keeps a terminal online when the connection it replaced closes', async () => {
    const t = Date.parse('2026-11-23T09:00:00Z');
    await worker.handle([
      sessionEvent('013800000006', EventKind.Authenticated, 'old', t),
      sessionEvent('013800000006', EventKind.Authenticated, 'new', t + 1000),
      sessionEvent('013800000006', EventKind.Disconnected, 'old', t + 2000, 'replaced'),
    ]);
    const state = (
      await pool.query(`SELECT online, session_id FROM terminal_state WHERE phone = '13800000006'`)
    ).rows[0];
    expect(state).toEqual({ online: true, session_id: 'new' });
    await worker.handle([sessionEvent('013800000006', EventKind.Disconnected, 'new', t + 3000, 'idle')]);
    expect(
      (await pool.query(`SELECT online FROM terminal_state WHERE phone = '13800000006'`)).rows[0].online,
    ).toBe(false);
  });

  it('applies a batch of session changes as if one by one, several per terminal among them', async () => {
    const t = Date.parse('2026-11-23T10:00:00Z');
    const phones = Array.from({ length: 300 }, (_, i) => `0139${String(i).padStart(8, '0')}`);
    const batch: Delivery[] = [];
    for (const phone of phones) batch.push(sessionEvent(phone, EventKind.Authenticated, `${phone}-a`, t));
    // Every third drops and comes back within the batch; every fifth only drops.
    phones.forEach((phone, i) => {
      if (i % 3 === 0) {
        batch.push(sessionEvent(phone, EventKind.Disconnected, `${phone}-a`, t + 1000, 'peer-closed'));
        batch.push(sessionEvent(phone, EventKind.Authenticated, `${phone}-b`, t + 2000));
      } else if (i % 5 === 0)
        batch.push(sessionEvent(phone, EventKind.Disconnected, `${phone}-a`, t + 1000, 'idle'));
    });
    // A late AUTHENTICATED of an older connection does not displace the newer one.
    batch.push(sessionEvent(phones[3]!, EventKind.Authenticated, 'stale', t - 5000));
    await worker.handle(batch);
    const { rows } = await pool.query<{
      phone: string;
      online: boolean;
      session_id: string;
      reason: string | null;
    }>(
      `SELECT phone, online, session_id, disconnect_reason AS reason FROM terminal_state
        WHERE phone LIKE '139%' ORDER BY phone`,
    );
    expect(rows).toHaveLength(300);
    rows.forEach((row, i) => {
      const phone = phones[i]!;
      expect(row.phone).toBe(phone.replace(/^0+/, ''));
      if (i % 3 === 0)
        expect(row).toMatchObject({ online: true, session_id: `${phone}-b`, reason: 'peer-closed' });
      else if (i % 5 === 0)
        expect(row).toMatchObject({ online: false, session_id: `${phone}-a`, reason: 'idle' });
      else expect(row).toMatchObject({ online: true, session_id: `${phone}-a`, reason: null });
    });
    expect(await count(`SELECT count(*) AS n FROM terminal_events WHERE phone LIKE '139%'`)).toBe(
      batch.length,
    );
  });

  it('dead-letters a poison message and stores the rest of its batch', async () => {
    const undecodable = messageEvent('013800000007', { name: 'locationReport', body: fix() });
    undecodable.event.body = new Uint8Array([1, 2, 3]);
    const refusedByDatabase: Delivery = {
      id: `0/${nextId++}-0`,
      raw: new Uint8Array(0),
      event: {
        kind: EventKind.Registered,
        phone: '013800000007',
        gatewayId: 'gw',
        sessionId: 's',
        atMs: Date.now(),
        reason: 'pending',
        messageId: 0x0100,
        edition: '2013',
        body: encodeBody({
          name: 'registration',
          header: { phone: '0', serial: 0 },
          body: {
            edition: '2013',
            provinceId: 41,
            cityId: 100,
            manufacturerId: 'ACME1',
            model: 'M',
            terminalId: 'T1',
            plateColor: 2,
            plate: '豫A\u000012',
          },
        }),
      },
    };
    const good = messageEvent('013800000008', { name: 'locationReport', body: fix() });
    await worker.handle([undecodable, refusedByDatabase, good]);
    expect(bus.events.deadLetters.map((d) => d.delivery.id)).toEqual(
      [refusedByDatabase.id, undecodable.id].sort(),
    );
    expect(await count(`SELECT count(*) AS n FROM positions WHERE phone = '13800000008'`)).toBe(1);
  });

  it('fills the roster from a registration and links the vehicle with that plate', async () => {
    await pool.query(
      `INSERT INTO centers (id, code, name, region) VALUES (9, 'C9', '测试中心', '郑州') ON CONFLICT DO NOTHING`,
    );
    await pool.query(`INSERT INTO vehicles (plate, plate_color, center_id) VALUES ('豫A77777', 2, 9)`);
    const registration = registrationEvent('00000000013800000009', 'T0000009', '豫A77777');
    await worker.handle([registration]);
    const { rows } = await pool.query(
      `SELECT t.terminal_id, t.pending, t.edition, v.plate FROM terminals t JOIN vehicles v ON v.id = t.vehicle_id WHERE t.phone = '13800000009'`,
    );
    expect(rows).toEqual([{ terminal_id: 'T0000009', pending: true, edition: '2019', plate: '豫A77777' }]);
  });

  it('gives a vehicle to the first of two terminals registering its plate in one batch', async () => {
    await pool.query(
      `INSERT INTO centers (id, code, name, region) VALUES (9, 'C9', '测试中心', '郑州') ON CONFLICT DO NOTHING`,
    );
    await pool.query(`INSERT INTO vehicles (plate, plate_color, center_id) VALUES ('豫A66666', 2, 9)`);
    // Stored as one batch: the database did not refuse it (the one-by-one retry would hide that).
    const warnings: string[] = [];
    const watched = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    worker = new IngestWorker(bus, pool, watched, { consumer: 'test' });
    await worker.handle([
      registrationEvent('00000000013800000010', 'T0000010', '豫A66666'),
      registrationEvent('00000000013800000011', 'T0000011', '豫A66666'),
      registrationEvent('00000000013800000010', 'T0000010b', '豫A66666'),
    ]);
    expect(warnings).toEqual([]);
    const { rows } = await pool.query(
      `SELECT t.phone, t.terminal_id, v.plate FROM terminals t LEFT JOIN vehicles v ON v.id = t.vehicle_id
        WHERE t.phone IN ('13800000010', '13800000011') ORDER BY t.phone`,
    );
    expect(rows).toEqual([
      { phone: '13800000010', terminal_id: 'T0000010b', plate: '豫A66666' },
      { phone: '13800000011', terminal_id: 'T0000011', plate: null },
    ]);
    expect(
      await count(
        `SELECT count(*) AS n FROM terminal_events WHERE kind = 'registered' AND phone IN ('13800000010', '13800000011')`,
      ),
    ).toBe(3);
  });
});

/** A registration the gateway accepted as pending (the roster did not know the terminal). */
function registrationEvent(phone: string, terminalId: string, plate: string): Delivery {
  return {
    id: `0/${nextId++}-0`,
    raw: new Uint8Array(0),
    event: {
      kind: EventKind.Registered,
      phone,
      gatewayId: 'gw',
      sessionId: 's',
      atMs: Date.now(),
      reason: 'pending',
      messageId: 0x0100,
      edition: '2019',
      body: encodeBody({
        name: 'registration',
        header: { phone: '0', serial: 0, edition: '2019' },
        body: registrationFor('2019', terminalId, plate),
      }),
    },
  };
}
