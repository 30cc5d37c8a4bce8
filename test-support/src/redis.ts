import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';

/**
 * A redis-server of the test's own, with the append-only file on (appendfsync always), so tests
 * can kill and restart the bus and check what survives. The shared Redis of the machine runs with
 * persistence off and must not be restarted by tests.
 */
export class RedisProcess {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  static async start(): Promise<RedisProcess> {
    const redis = new RedisProcess(await freePort(), mkdtempSync(join(tmpdir(), 'jt808-redis-')));
    await redis.launch();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async launch(): Promise<void> {
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--dir',
        this.dir,
      ],
      { stdio: 'ignore' },
    );
    const probe = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => {}); // refused connections while redis-server starts are expected
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        probe.disconnect();
        if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not start`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** kill -9: no chance to flush anything more. */
  async crash(): Promise<void> {
    await this.stop('SIGKILL');
  }

  /** A clean shutdown (SIGTERM: Redis finishes the AOF and exits). */
  async shutdown(): Promise<void> {
    await this.stop('SIGTERM');
  }

  private stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    // A process ended by a signal keeps exitCode null: signalCode says it is gone too.
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  async destroy(): Promise<void> {
    await this.crash();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function redisServerInstalled(): boolean {
  return spawnSync('sh', ['-c', 'command -v redis-server']).status === 0;
}

/** The machine's shared Redis (persistence off) for tests: database 15 unless TEST_REDIS_URL says otherwise. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15';

/** Whether the shared Redis answers; under CI it must (tests skip without it only on a laptop). */
export async function sharedRedisAvailable(url = TEST_REDIS_URL): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    if (process.env.CI) throw new Error(`CI needs Redis at ${url}`);
    return false;
  } finally {
    probe.disconnect();
  }
}

/** A key prefix no other test run on the shared Redis uses (tests of six helpers run at once). */
export function uniquePrefix(): string {
  return `jt808test:${process.pid}:${Date.now()}`;
}

/** Deletes every key under `prefix`: what a test leaves on the shared Redis. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
}
