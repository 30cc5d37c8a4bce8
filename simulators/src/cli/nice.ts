import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Sets this process's scheduling priority. On Linux a priority belongs to a thread, and Node's own
 * threads (V8's garbage-collector helpers, libuv's pool) started before this runs, so each thread
 * listed in /proc/self/task is set; threads and processes started afterwards (forked workers
 * included) inherit it from the main thread. Throws as os.setPriority does (EACCES below 0 without
 * privileges).
 */
export function reniceSelf(nice: number): void {
  let threads: string[];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    setPriority(nice); // no /proc: the main thread, which is what the platform sets
    return;
  }
  for (const thread of threads) {
    try {
      setPriority(Number(thread), nice);
    } catch (error) {
      // A helper thread that ended meanwhile is nothing to set.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}
