import type pg from 'pg';

/**
 * A province-sized fleet for the map benchmark, written by PostgreSQL itself (generate_series, a
 * fixed random seed): `centers` monitoring centers around Henan's prefecture seats, `vehicles`
 * vehicles spread around their center (most within ~30 km, some along the way to the next town),
 * 3 % never seen (placed at their center by the map), 6 % offline, 3 % faulty, the rest online and
 * two thirds of those moving. Only the tables the map reads are filled.
 */
export async function seedFleet(pool: pg.Pool, vehicles: number, centers: number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT setseed(0.42)');
    // The prefecture seats (echarts' label points, console/public/basemap), centers spread over them.
    await client.query(
      `INSERT INTO centers (id, code, name, region, latitude, longitude)
       SELECT c, 'C' || c, '监控中心' || c, seat.name,
              seat.lat + (random() - 0.5) * 0.3, seat.lon + (random() - 0.5) * 0.3
         FROM generate_series(1, $1) c
         JOIN (VALUES (0, '郑州', 34.758, 113.665), (1, '开封', 34.797, 114.341), (2, '洛阳', 34.663, 112.434),
                      (3, '平顶山', 33.735, 113.308), (4, '安阳', 36.103, 114.352), (5, '鹤壁', 35.748, 114.295),
                      (6, '新乡', 35.303, 113.884), (7, '焦作', 35.239, 113.238), (8, '濮阳', 35.768, 115.041),
                      (9, '许昌', 34.023, 113.826), (10, '漯河', 33.576, 114.026), (11, '三门峡', 34.777, 111.194),
                      (12, '南阳', 32.999, 112.541), (13, '商丘', 34.437, 115.650), (14, '信阳', 32.123, 114.075),
                      (15, '周口', 33.620, 114.650), (16, '驻马店', 32.980, 114.025), (17, '济源', 35.090, 112.590))
              AS seat(k, name, lat, lon) ON seat.k = c % 18`,
      [centers],
    );
    await client.query(
      `INSERT INTO vehicles (id, plate, plate_color, center_id)
       SELECT v, '豫' || chr(65 + v % 20) || lpad(v::text, 6, '0'), 2, 1 + v % $2 FROM generate_series(1, $1) v`,
      [vehicles, centers],
    );
    await client.query(
      `INSERT INTO terminals (phone, vehicle_id, edition) SELECT (13800000000 + v)::text, v, '2013' FROM generate_series(1, $1) v`,
      [vehicles],
    );
    await client.query(
      `INSERT INTO terminal_status (phone, status, health)
       SELECT (13800000000 + v)::text,
              CASE WHEN v % 33 = 0 THEN 'never-seen' WHEN v % 100 < 3 THEN 'faulty' WHEN v % 100 < 9 THEN 'offline' ELSE 'online' END,
              '{}'
         FROM generate_series(1, $1) v`,
      [vehicles],
    );
    await client.query(
      `INSERT INTO terminal_state (phone, latitude, longitude, speed, last_fix_time, updated_at)
       SELECT (13800000000 + v.id)::text,
              c.latitude + r * sin(a), c.longitude + r * cos(a) * 1.2,
              CASE WHEN v.id % 3 = 0 THEN 0 ELSE 20 + v.id % 60 END,
              now() - interval '1 minute', now() - interval '1 hour'
         FROM (SELECT id, center_id, 2 * pi() * random() AS a,
                      -- most near the center, a long tail towards the neighbours
                      0.3 * power(random(), 1.5) + CASE WHEN random() < 0.1 THEN random() * 0.8 ELSE 0 END AS r
                 FROM vehicles) v
         JOIN centers c ON c.id = v.center_id
        WHERE v.id % 33 <> 0`,
    );
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
