import type pg from 'pg';

/** The advisory lock taken around the schema and the storage layout ("jt808\0\0\1"). */
const SCHEMA_LOCK = 0x6a74383038000001n;

/** Runs `work` while holding the schema lock on a client of its own (work may use the pool). */
export async function withSchemaLock<T>(pool: pg.Pool, work: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK.toString()]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK.toString()]);
    }
  } finally {
    client.release();
  }
}
