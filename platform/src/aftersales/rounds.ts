import type pg from 'pg';
import type { Logger } from 'pino';
import { localDay } from './calendar.js';
import { scheduleMonthlyCallbacks, scheduleTicketCallbacks } from './callback-store.js';
import { raiseAutomaticComplaints } from './complaint-store.js';
import { loadConfig } from './config-store.js';

/** How far back each round looks for repair tickets; rounds overlap, the rules raise nothing twice. */
const COMPLAINT_LOOKBACK_MS = 86_400_000;
/** How often the platform does its after-sales work by itself. */
export const AFTER_SALES_ROUND_MS = 10 * 60_000;

export interface AfterSalesRound {
  complaints: number;
  ticketCallbacks: number;
  /** Owners' monthly callbacks added: only in the first round of a month (per process). */
  monthlyCallbacks: number;
}

/**
 * The after-sales work nobody has to ask for: the automatic complaint rules over the repair tickets
 * of the last day, a callback task for every newly closed ticket, and once a month the owners'
 * monthly callbacks. Every step is idempotent, so a restart or an overlapping round adds nothing
 * twice. `monthDone` is the month (YYYY-MM, Asia/Shanghai) whose monthly callbacks this caller has
 * already scheduled, so that 400,000 owners are not looked at every round.
 */
export async function runAfterSalesRound(
  pool: pg.Pool,
  now: Date,
  monthDone?: string,
): Promise<AfterSalesRound & { month: string }> {
  const config = await loadConfig(pool);
  const complaints = await raiseAutomaticComplaints(
    pool,
    now.getTime() - COMPLAINT_LOOKBACK_MS,
    now.getTime(),
    config,
  );
  const ticketCallbacks = await scheduleTicketCallbacks(pool, config);
  const month = localDay(now).slice(0, 7);
  const monthlyCallbacks = month === monthDone ? 0 : await scheduleMonthlyCallbacks(pool, month);
  return { complaints, ticketCallbacks, monthlyCallbacks, month };
}

/**
 * Runs a round now and every `everyMs`; returns the function that stops it (waiting for a round in
 * progress). `now` is the clock the tickets are kept on (the simulation's in the one-command demo).
 */
export function startAfterSalesRounds(
  pool: pg.Pool,
  log: Logger,
  { everyMs = AFTER_SALES_ROUND_MS, now = Date.now }: { everyMs?: number; now?: () => number } = {},
): () => Promise<void> {
  let monthDone: string | undefined;
  let running: Promise<void> | undefined;
  const round = () => {
    if (running) return; // the last one is still at work: skip a beat
    running = runAfterSalesRound(pool, new Date(now()), monthDone)
      .then((result) => {
        monthDone = result.month;
        if (result.complaints + result.ticketCallbacks + result.monthlyCallbacks > 0)
          log.info(result, 'after-sales round');
      })
      .catch((error: unknown) => log.warn({ err: error }, 'after-sales round failed'))
      .finally(() => {
        running = undefined;
      });
  };
  round();
  const timer = setInterval(round, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
