/**
 * Kept for importers written before the /proc readers were merged into bench/proc.ts (a benchmark
 * folder on another branch may still import this path): new code imports ../proc.js (and
 * freePort from @jt808/test-support/ports).
 */

export { freePort } from '@jt808/test-support/ports';
export * from '../proc.js';
