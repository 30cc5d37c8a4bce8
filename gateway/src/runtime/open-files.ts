import { readFileSync } from 'node:fs';

/**
 * This process's open-file limit (soft), from /proc/self/limits. Node has no API for getrlimit;
 * where /proc is missing the caller's fallback is used.
 */
export function openFileLimit(fallback = 1024): number {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const line = limits.split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    if (soft === 'unlimited') return Number.MAX_SAFE_INTEGER;
    const value = Number(soft);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  } catch {
    return fallback;
  }
}

/**
 * Connections one worker may hold: the open-file limit less a margin for the process's own files
 * (Redis and log sockets, the listening socket, node's internals, files opened by libraries).
 */
export function connectionCap(limit = openFileLimit(), margin = 256): number {
  return Math.max(1, limit - margin);
}

/** Workers needed to hold `target` connections under the per-worker cap. */
export function workersFor(target: number, cap = connectionCap()): number {
  return Math.max(1, Math.ceil(target / cap));
}
