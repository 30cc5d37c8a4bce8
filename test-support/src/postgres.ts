import pg from 'pg';

/** The machine's PostgreSQL (trust auth); tests create a database of their own on it. */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function postgresAvailable(): Promise<boolean> {
  // A machine busy with browser tests can take seconds to accept a connection: a slow answer is not
  // a missing server, so ask three times before skipping (or, in CI, failing).
  for (let attempt = 0; attempt < 3; attempt++) {
    const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      return true;
    } catch {
      // try again
    } finally {
      await client.end().catch(() => {});
    }
  }
  return false;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database for one test file; dropped (with its connections) afterwards. */
export async function freshDatabase(label: string): Promise<TestDatabase> {
  const name = `jt808_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      // A pool's end() resolves before its sockets are closed; terminating them under it (FORCE)
      // would raise an error in the test process. Give them a moment to go on their own first.
      for (let i = 0; i < 50; i++) {
        const { rows } = await client.query(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
          [name],
        );
        if (rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export const hasPostgres = await postgresAvailable();
if (!hasPostgres && process.env.CI) throw new Error(`CI needs PostgreSQL at ${ADMIN_URL}`);
