import type pg from 'pg';

/**
 * The rollup tests' data, the same in both storage modes (storage.test.ts, timescale.test.ts): one
 * center with one vehicle and its terminal, active this hour, with three fixes in it, the last
 * unqualified. Returns the hour.
 */
export async function seedRollupHour(pool: pg.Pool): Promise<Date> {
  await pool.query(`INSERT INTO centers (id, code, name, region) VALUES (1, 'ZZ', '郑州中心', '郑州')`);
  await pool.query(`INSERT INTO vehicles (id, plate, plate_color, center_id) VALUES (1, '豫A00001', 2, 1)`);
  await pool.query(`INSERT INTO terminals (phone, vehicle_id) VALUES ('13800000002', 1)`);
  const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  for (let i = 0; i < 3; i++) {
    await pool.query(
      `INSERT INTO positions (phone, gps_time, received_at, latitude, longitude, alarm, status, quality)
       VALUES ('13800000002', $1, now(), 34.7, 113.6, 0, 0, $2)`,
      [new Date(hour.getTime() + i * 60_000).toISOString(), i === 2 ? 1 : 0],
    );
  }
  await pool.query(`INSERT INTO terminal_activity_hourly (hour, phone) VALUES ($1, '13800000002')`, [
    hour.toISOString(),
  ]);
  return hour;
}

/** What center_hourly holds for seedRollupHour's data once rolled up. */
export function seededRollup(hour: Date) {
  return [
    {
      center_id: 1,
      hour,
      vehicles_online: '1',
      vehicles_reporting: '1',
      fixes: '3',
      unqualified_fixes: '1',
    },
  ];
}
