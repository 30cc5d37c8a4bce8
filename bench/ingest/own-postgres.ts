import { execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@jt808/test-support/ports';
import pg from 'pg';
import { type Proc, start, stop } from '../processes.js';

/**
 * The server settings of `--own-postgres`: what timescaledb-tune writes into the production image
 * (docker-compose's timescale/timescaledb) for a machine of this size, with the memory cut to leave
 * room for the gateway, the simulator and Redis on the same 24 GiB, and WAL sized so that checkpoints
 * come by time (a write-heavy server's usual setting) rather than every two minutes of fixes.
 *
 * Why a server of the bench's own: the machine's PostgreSQL keeps Debian's defaults, and with 128 MB
 * of shared_buffers the positions' primary key (one leaf page per terminal being written) no longer
 * fits after a few minutes, so a ten-minute run measured the buffer pool rather than the platform.
 */
export const TUNED_SETTINGS: Record<string, string> = {
  shared_buffers: '4GB',
  effective_cache_size: '12GB',
  maintenance_work_mem: '1GB',
  work_mem: '16MB',
  wal_buffers: '16MB',
  min_wal_size: '1GB',
  max_wal_size: '8GB',
  checkpoint_timeout: '15min',
  checkpoint_completion_target: '0.9',
  random_page_cost: '1.1',
  max_connections: '100',
};

export interface OwnPostgres {
  adminUrl: string;
  proc: Proc;
  stop(): Promise<void>;
}

/**
 * Where the server listens: this machine's loopback on a free port by default; bench/netns starts
 * it inside a network namespace (`launch` wraps start()) on that namespace's address.
 */
export interface PostgresPlace {
  listen: string;
  port?: number;
  launch: typeof start;
  /** Over TUNED_SETTINGS (bench:province's gateway alone opens two connections a worker). */
  settings?: Record<string, string>;
}

/**
 * initdb and start a throwaway PostgreSQL under `dir` from the binaries in `binDir`, listening on
 * loopback only (or `place`). Run as root, it runs as the user `postgres` (the server refuses root).
 */
export async function startOwnPostgres(
  binDir: string,
  dir: string,
  logDir: string,
  place: PostgresPlace = { listen: '127.0.0.1', launch: start },
): Promise<OwnPostgres> {
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const as = runAs();
  if (as) chownSync(dataDir, as.uid, as.gid);
  const spawnAs = as ?? {};
  const initdb = start(
    'initdb',
    join(binDir, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C'],
    logDir,
    spawnAs,
  );
  if ((await initdb.exited) !== 0) throw new Error(`initdb failed (see ${logDir}/initdb.log)`);
  // initdb trusts loopback only; a server in a namespace is reached from its neighbours' subnet.
  if (place.listen !== '127.0.0.1')
    appendFileSync(join(dataDir, 'pg_hba.conf'), 'host all all samenet trust\n');
  const port = place.port ?? (await freePort());
  const settings = {
    ...TUNED_SETTINGS,
    ...place.settings,
    listen_addresses: place.listen,
    unix_socket_directories: dataDir,
  };
  const proc = place.launch(
    'postgres',
    join(binDir, 'postgres'),
    ['-D', dataDir, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])],
    logDir,
    spawnAs,
  );
  const adminUrl = `postgres://postgres@${place.listen}:${port}/postgres`;
  await ready(adminUrl, proc);
  return {
    adminUrl,
    proc,
    async stop() {
      // SIGINT is the fast shutdown: no waiting for the bench's own connections to go.
      proc.child.kill('SIGINT');
      await stop(proc, 60_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function ready(url: string, proc: Proc): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline || proc.child.exitCode !== null)
        throw new Error(`own PostgreSQL did not start: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
