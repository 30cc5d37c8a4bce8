import type pg from 'pg';

/**
 * Two centers (郑州 1, 洛阳 2), each with one service point of the same id: the scope tests' usual
 * pair. `short` names them as the roster and ticket tests do (郑州, 郑州站) rather than in full
 * (郑州中心, 郑州服务站); the names are what those tests read back.
 */
export async function seedTwoCenters(pool: pg.Pool, { short = false } = {}): Promise<void> {
  const [center, point] = short ? ['', '站'] : ['中心', '服务站'];
  await pool.query(
    `INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州${center}', '郑州'), (2, 'C2', '洛阳${center}', '洛阳')`,
  );
  await pool.query(
    `INSERT INTO service_points (id, code, name, center_id) VALUES (1, 'SP1', '郑州${point}', 1), (2, 'SP2', '洛阳${point}', 2)`,
  );
}

/** One center (郑州 1) with one service point of the same id, full names: for tests of one scope. */
export async function seedOneCenter(pool: pg.Pool): Promise<void> {
  await pool.query(`INSERT INTO centers (id, code, name, region) VALUES (1, 'C1', '郑州中心', '郑州')`);
  await pool.query(
    `INSERT INTO service_points (id, code, name, center_id) VALUES (1, 'SP1', '郑州服务站', 1)`,
  );
}
