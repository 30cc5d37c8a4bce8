/**
 * What the routes compute ahead, before the API takes requests: each plugin adds its warm-ups, and
 * `app.warmUp()` (app.ts) runs them all. Cold, the dashboards' aggregates cost seconds per center;
 * 300 operators opening them at once after a restart waited up to 30 s and timed out
 * (bench/RESULTS.md, "API").
 */
export type WarmUps = (() => Promise<void>)[];
