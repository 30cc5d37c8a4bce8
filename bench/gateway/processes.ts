import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Starting and stopping the processes of a run. Each one gets its own process group (detached), so
 * that a stop can end the group it created (a gateway's or simulator's workers with their parent)
 * and nothing else. Every wait has a deadline.
 */
export interface Started {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>;
  stdout(): string;
  /** stderr lines with the time (performance.now()) they arrived. */
  readonly lines: { at: number; line: string }[];
}

const running = new Set<Started>();

export function start(
  name: string,
  command: string,
  args: string[],
  logDir: string,
  env: Record<string, string> = {},
): Started {
  mkdirSync(logDir, { recursive: true });
  const child = spawn(command, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  const envText = Object.entries(env)
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  log.write(`$ ${envText}${command} ${args.join(' ')}\n`);
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const lines: { at: number; line: string }[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    lines.push({ at: performance.now(), line });
    log.write(`${line}\n`);
  });
  const started: Started = {
    name,
    pid: child.pid,
    child,
    exited: new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        running.delete(started);
        log.end(`[exit ${signal ?? code}]\n`);
        resolve(signal ?? code ?? -1);
      }),
    ),
    stdout: () => out,
    lines,
  };
  running.add(started);
  return started;
}

/** Asks a process to stop (SIGTERM by default); after `graceMs` kills its whole process group. */
export async function stop(process_: Started, graceMs = 30_000, signal: NodeJS.Signals = 'SIGTERM') {
  if (!running.has(process_)) return process_.exited;
  try {
    process.kill(process_.pid, signal);
  } catch {}
  const timer = setTimeout(() => killGroup(process_), graceMs);
  const result = await process_.exited;
  clearTimeout(timer);
  // Workers that outlived their parent (they should not) go with the group.
  killGroup(process_);
  return result;
}

/** Waits for a process to end by itself; kills its group at the deadline. */
export async function finish(process_: Started, deadlineMs: number): Promise<number | string> {
  const timer = setTimeout(() => killGroup(process_), deadlineMs);
  const result = await process_.exited;
  clearTimeout(timer);
  return result;
}

function killGroup(process_: Started): void {
  try {
    process.kill(-process_.pid, 'SIGKILL');
  } catch {}
}

/** Ends every process this run started and has not stopped yet (on an error or Ctrl-C). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => stop(p, 5000)));
}

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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
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
): Promise<Started> {
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
