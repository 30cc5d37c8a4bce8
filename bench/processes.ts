import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Starting and stopping the processes of a benchmark run. Each one gets its own process group
 * (detached), so that a stop ends exactly the group the run created (a gateway's or the
 * simulator's workers with their parent) and nothing else. Every wait has a deadline.
 */
export interface Proc {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>;
  /** stdout so far (the simulator's --json summary). */
  stdout(): string;
  /** stderr lines with the time (performance.now()) they arrived; the latest few thousand. */
  readonly lines: { at: number; line: string }[];
}

export interface StartOptions {
  /** Set over this process's environment, and written into the log. */
  env?: Record<string, string | undefined>;
  /** Run as this user and group (PostgreSQL refuses root). */
  uid?: number;
  gid?: number;
}

const running = new Set<Proc>();

/** Starts `command`; its stderr goes to `<logDir>/<name>.log`. */
export function start(
  name: string,
  command: string,
  args: string[],
  logDir: string,
  options: StartOptions = {},
): Proc {
  const { env = {}, uid, gid } = options;
  mkdirSync(logDir, { recursive: true });
  const child = spawn(command, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
    uid,
    gid,
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
    if (lines.length > 5000) lines.splice(0, 1000);
    // A process's children (HAProxy's, a gateway's workers) may still write after it exited.
    if (!log.writableEnded) log.write(`${line}\n`);
  });
  const proc: Proc = {
    name,
    pid: child.pid,
    child,
    exited: new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        running.delete(proc);
        log.end(`[exit ${signal ?? code}]\n`);
        resolve(signal ?? code ?? -1);
      }),
    ),
    stdout: () => out,
    lines,
  };
  running.add(proc);
  return proc;
}

/** Asks a process to stop (SIGTERM by default); after `graceMs` kills its whole process group. */
export async function stop(
  proc: Proc,
  graceMs = 30_000,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | string> {
  if (!running.has(proc)) return proc.exited;
  try {
    process.kill(proc.pid, signal);
  } catch {}
  const timer = setTimeout(() => killGroup(proc), graceMs);
  const result = await proc.exited;
  clearTimeout(timer);
  // Workers that outlived their parent (they should not) go with the group.
  killGroup(proc);
  return result;
}

/** Waits for a process to end by itself; kills its group at the deadline. */
export async function finish(proc: Proc, deadlineMs: number): Promise<number | string> {
  const timer = setTimeout(() => killGroup(proc), deadlineMs);
  const result = await proc.exited;
  clearTimeout(timer);
  return result;
}

function killGroup(proc: Proc): void {
  try {
    process.kill(-proc.pid, 'SIGKILL');
  } catch {}
}

/** Kills every process this run started that is still running, at once (on a deadline or Ctrl-C). */
export function killAll(): void {
  for (const proc of running) killGroup(proc);
}

/** Stops every process this run started and has not stopped yet, each with a short grace. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((proc) => stop(proc, 5000)));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
