/**
 * Kept for importers written before the /proc readers were merged into bench/proc.ts (a benchmark
 * folder on another branch may still import this path): new code imports ../proc.js.
 */
export * from '../proc.js';
