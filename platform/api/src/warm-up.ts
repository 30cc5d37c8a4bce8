import { dashboardPeriods } from './dashboard-periods.js';

/**
 * What the routes compute ahead: each plugin adds its warm-ups, each given the instant whose
 * dashboard periods (dashboard-periods.ts) it should compute. Cold, the dashboards' aggregates cost
 * seconds per center; 300 operators opening them at once after a restart waited up to 30 s and
 * timed out (bench/RESULTS.md, "API").
 */
export type WarmUps = ((nowMs: number) => Promise<void>)[];

/** How long before the dashboard's periods roll over (the hour, China's midnight) their successors are computed. */
const LOOKAHEAD_MS = 120_000;
const CHECK_MS = 60_000;

/**
 * Runs the warm-ups before the API takes requests, and again ahead of every rollover of the
 * dashboard's default periods: at each full hour the hourly chart asks for a new period, and at
 * midnight the KPIs do, for every center at once; without this each rollover was a cold start.
 */
export class WarmUpSchedule {
  private warmedFor = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly warmUps: WarmUps,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Computes the current periods' answers and keeps computing the next ones ahead; resolves with the seconds the first round took. */
  async start(nowMs = Date.now()): Promise<number> {
    const started = performance.now();
    await this.run(nowMs);
    this.timer ??= setInterval(() => {
      this.run(Date.now() + LOOKAHEAD_MS).catch(this.onError);
    }, CHECK_MS).unref();
    return (performance.now() - started) / 1000;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async run(nowMs: number): Promise<void> {
    const key = JSON.stringify(dashboardPeriods(nowMs));
    if (key === this.warmedFor) return;
    this.warmedFor = key;
    await Promise.all(this.warmUps.map((warmUp) => warmUp(nowMs)));
  }
}
