import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ADMIN_URL, hasPostgres } from '@jt808/test-support/postgres';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyRangeError } from '../src/ingest/copy-binary.js';
import { copyPositionsSql, encodePositions } from '../src/ingest/position-copy.js';
import type { PositionRow } from '../src/ingest/rows.js';
import { POSITION_COLUMNS } from '../src/storage/positions-table.js';

function row(overrides: Partial<PositionRow> = {}): PositionRow {
  return {
    phone: '13800000001',
    gpsTime: new Date('2026-11-23T07:30:45Z'),
    receivedAt: new Date('2026-11-23T07:30:46.123Z'),
    latitude: 34.757975,
    longitude: 113.665412,
    altitude: 110,
    speed: 62.5,
    direction: 359,
    alarm: 0,
    status: 0x000c0003,
    mileage: 386.6,
    fuel: 52.5,
    signalStrength: 25,
    satellites: 12,
    blindArea: false,
    quality: 0,
    extras: null,
    source: '0/1-0',
    ...overrides,
  };
}

describe.skipIf(!hasPostgres)('binary COPY of fixes (real PostgreSQL)', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: ADMIN_URL });
    await client.connect();
    await client.query(`CREATE TEMP TABLE copied (${POSITION_COLUMNS})`);
  });
  afterAll(async () => {
    await client?.end();
  });

  const copy = (rows: PositionRow[]) =>
    pipeline(Readable.from([encodePositions(rows)]), client.query(copyFrom(copyPositionsSql('copied'))));

  it('stores every column as the server reads it back, extremes and nulls included', async () => {
    const rows = [
      row(),
      row({
        phone: '10000000000000000001',
        // Before PostgreSQL's epoch, and to the millisecond.
        gpsTime: new Date('1999-12-31T23:59:59.999Z'),
        receivedAt: new Date('2099-01-01T00:00:00.001Z'),
        latitude: -3.5,
        longitude: 0,
        altitude: -200,
        speed: 0,
        direction: 0,
        alarm: 0xffffffff,
        status: 0,
        mileage: null,
        fuel: null,
        signalStrength: null,
        satellites: null,
        blindArea: true,
        quality: 63,
        extras: { note: 'tab\there, back\\slash, 豫A12345, newline\n', others: [{ id: 0xe1, hex: '0102' }] },
      }),
    ];
    await copy(rows);
    const { rows: stored } = await client.query(
      `SELECT phone, gps_time, received_at, latitude, longitude, altitude, speed, direction, alarm::float8 AS alarm,
              status::float8 AS status, mileage, fuel, signal_strength, satellites, blind_area, quality, extras
         FROM copied ORDER BY phone DESC`,
    );
    expect(stored).toEqual(
      rows.map((r) => ({
        phone: r.phone,
        gps_time: r.gpsTime,
        received_at: r.receivedAt,
        latitude: r.latitude,
        longitude: r.longitude,
        altitude: r.altitude,
        speed: r.speed,
        direction: r.direction,
        alarm: r.alarm,
        status: r.status,
        mileage: r.mileage,
        fuel: r.fuel,
        signal_strength: r.signalStrength,
        satellites: r.satellites,
        blind_area: r.blindArea,
        quality: r.quality,
        extras: r.extras,
      })),
    );
  });

  it('grows past its first estimate for many rows with large extras', async () => {
    await client.query('TRUNCATE copied');
    const big = { note: 'x'.repeat(5000) };
    const rows = Array.from({ length: 500 }, (_, i) =>
      row({ gpsTime: new Date(Date.UTC(2026, 10, 23, 0, 0, i)), extras: i % 7 === 0 ? big : null }),
    );
    await copy(rows);
    const { rows: counted } = await client.query(
      `SELECT count(*)::int AS n, count(extras)::int AS with_extras FROM copied`,
    );
    expect(counted[0]).toEqual({ n: 500, with_extras: 72 });
  });

  it('refuses a value its column cannot hold as the server would, with SQLSTATE 22003', () => {
    const attempt = () => encodePositions([row({ direction: 40_000 })]);
    expect(attempt).toThrow(CopyRangeError);
    expect(attempt).toThrow(expect.objectContaining({ code: '22003' }));
  });
});
