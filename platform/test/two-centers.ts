import type pg from 'pg';

/** Two centers (郑州 1, 洛阳 2), each with one service point of the same id: the scope tests' usual pair. */
export async function seedTwoCenters(pool: pg.Pool): Promise<void> {
  await pool.query(
    `INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州中心', '郑州'), (2, 'C2', '洛阳中心', '洛阳')`,
  );
  await pool.query(
    `INSERT INTO service_points (id, code, name, center_id) VALUES (1, 'SP1', '郑州服务站', 1), (2, 'SP2', '洛阳服务站', 2)`,
  );
}
