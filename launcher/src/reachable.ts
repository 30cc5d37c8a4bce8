import { statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The nearest directory from `path` up to / that other users cannot traverse (no o+x), if any:
 * what stops a process of another user, such as PostgreSQL run as `postgres`, from reaching `path`.
 */
export function firstClosedToOthers(path: string): string | undefined {
  for (let dir = path; ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
