import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

/** The SQL migrations shipped with the package (platform/storage/migrations). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Brings the schema up to date with node-pg-migrate: from an empty database, or from any earlier
 * state; running it again on a migrated database changes nothing. A lock keeps concurrent starters
 * from migrating twice: the later one waits for it and then finds nothing left to do.
 */
export async function migrate(
  databaseUrl: string,
  log: (line: string) => void = () => {},
): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'schema_migrations',
    advisoryLockMode: 'wait',
    count: Number.POSITIVE_INFINITY,
    log,
    verbose: false,
  });
  return applied.map((m) => m.name);
}
