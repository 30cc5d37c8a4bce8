import type { SimTime } from '@jt808/platform';
import type pg from 'pg';

/**
 * The clock the demo platform judges by, or undefined for the real clock.
 *
 * The demo fleet writes simulated time into its fixes and lives its scenario in simulated time
 * (a 30-minute power cut lasts 30 s at --speed 60). A platform on the real clock would compare
 * those GNSS times with its own (every terminal skewed), and measure the faults' and silences'
 * durations in real time (a 30-minute power cut never held for the rule's 5 minutes, an offline
 * fault ended within the 2-minute grace, no ticket came due). So at any speed but 1, the platform
 * runs on the simulation's clock, as scoring runs do.
 *
 * The clock resumes from the latest time a previous run stored in the same database: a fast run
 * leaves verdicts and last-seen times ahead of the real clock, and a clock that started behind
 * them would see no terminal fall silent until it caught up. For the same reason a run at speed 1
 * after a fast one keeps a simulated clock, ticking in step with the real one.
 */
export async function demoTime(pool: pg.Pool, speed: number): Promise<SimTime | undefined> {
  const { rows } = await pool.query<{ at: Date | null }>(
    `SELECT greatest((SELECT max(last_seen_at) FROM terminal_state), (SELECT max(at) FROM status_transitions)) AS at`,
  );
  const now = Date.now();
  const resumeAt = Math.max(now, rows[0]?.at?.getTime() ?? 0);
  if (speed === 1 && resumeAt === now) return undefined;
  return { speed, simOriginMs: resumeAt, realOriginMs: now };
}
