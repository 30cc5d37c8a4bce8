import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { type Proc, sleep, start } from '../processes.js';

/** The gateway benchmark's helpers around the shared process lifecycle (../processes.ts). */

/** Throws when something already listens on 127.0.0.1:`port` (a leftover would answer our probes). */
export async function assertPortFree(port: number): Promise<void> {
  const taken = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
  if (taken) throw new Error(`port ${port} is already in use; stop whatever listens there first`);
}

/** Polls `probe` every `everyMs` until it returns a value other than undefined, or throws at the deadline. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 500,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export async function httpGet(url: string, timeoutMs = 10_000): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return response.text();
}

/**
 * Waits for a started gateway's /healthz to say ok (at most `timeoutMs`) and returns the number of
 * cluster workers it expects.
 */
export async function gatewayWorkers(httpPort: number, timeoutMs: number): Promise<number> {
  const health = await until(
    'gateway /healthz',
    async () => {
      const body = JSON.parse(await httpGet(`http://127.0.0.1:${httpPort}/healthz`, 2000));
      return body.ok ? (body as { expected: number }) : undefined;
    },
    timeoutMs,
  );
  return health.expected;
}

export function exec(command: string, args: string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
}

/**
 * A redis-server of our own on `port`, fresh for each run: `volatile` keeps nothing on disk (like
 * the shared development Redis), `durable` is the setting the platform assumes (AOF, fsync always).
 */
export async function startRedis(
  mode: 'volatile' | 'durable',
  port: number,
  dataDir: string,
  logDir: string,
): Promise<Proc> {
  await assertPortFree(port);
  const dir = join(dataDir, `redis-${mode}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const persistence =
    mode === 'durable'
      ? ['--appendonly', 'yes', '--appendfsync', 'always']
      : ['--appendonly', 'no', '--save', ''];
  const redis = start(
    `redis-${mode}`,
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...persistence, '--logfile', ''],
    logDir,
  );
  await until(
    'redis',
    () => exec('redis-cli', ['-p', String(port), 'ping']).then((r) => r.trim() === 'PONG' || undefined),
    15_000,
  );
  return redis;
}
