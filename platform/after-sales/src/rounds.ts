import type pg from 'pg';
import type { Logger } from 'pino';
import { localDay } from './calendar.js';
import { scheduleMonthlyCallbacks, scheduleTicketCallbacks } from './callback-store.js';
import { raiseAutomaticComplaints } from './complaint-store.js';
import { loadConfig } from './config-store.js';
import { closeSettledEscalations, raiseMeasureEscalations } from './escalation-rounds.js';
import { raiseDeadlineNotices, raiseRoundEscalations } from './notice-rounds.js';
import { deliverDue, type Sender, webhookSender } from './outbound.js';

/** How far back each round looks for repair tickets; rounds overlap, the rules raise nothing twice. */
const COMPLAINT_LOOKBACK_MS = 86_400_000;
/** How often the platform does its after-sales work by itself. */
export const AFTER_SALES_ROUND_MS = 10 * 60_000;
/** How often queued notices are sent out (and failed sends retried, when their backoff is over). */
export const DELIVERY_ROUND_MS = 5_000;

export interface AfterSalesRound {
  complaints: number;
  ticketCallbacks: number;
  /** Owners' monthly callbacks added: only in the first round of a month (per process). */
  monthlyCallbacks: number;
  /** Deadlines 30 minutes away told, and escalations raised (overdue complaints and measures, severity-1 breaches). */
  deadlineNotices: number;
  escalations: number;
  /** Escalations the platform resolved because their cause went away (escalation-rounds.ts). */
  escalationsClosed: number;
}

/**
 * The after-sales work nobody has to ask for: the automatic complaint rules over the repair tickets
 * of the last day, a callback task for every newly closed ticket, once a month the owners'
 * monthly callbacks, the notices of deadlines `deadlineNoticeMinutes` away and the escalations
 * (notice-rounds.ts, escalation-rounds.ts), and the closing of escalations whose cause is gone. Every step is idempotent, so a restart or an overlapping round adds nothing
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
  const deadlineNotices = await raiseDeadlineNotices(pool, now, config.settings.deadlineNoticeMinutes);
  const escalations = (await raiseRoundEscalations(pool, now)) + (await raiseMeasureEscalations(pool, now));
  // Closed after raising: a cause already gone (a complaint answered late) is raised and closed in one round.
  const escalationsClosed = await closeSettledEscalations(pool, now);
  return {
    complaints,
    ticketCallbacks,
    monthlyCallbacks,
    deadlineNotices,
    escalations,
    escalationsClosed,
    month,
  };
}

/**
 * Runs a round now and every `everyMs`, and the outbound delivery every `deliverEveryMs` (on the
 * wall clock: a sender's backoff is real time); returns the function that stops both (waiting for
 * work in progress). `now` is the clock the tickets are kept on (the simulation's in the one-command
 * demo).
 */
export function startAfterSalesRounds(
  pool: pg.Pool,
  log: Logger,
  {
    everyMs = AFTER_SALES_ROUND_MS,
    deliverEveryMs = DELIVERY_ROUND_MS,
    now = Date.now,
    send = webhookSender,
  }: { everyMs?: number; deliverEveryMs?: number; now?: () => number; send?: Sender } = {},
): () => Promise<void> {
  const stopDelivery = repeat(deliverEveryMs, () =>
    deliverDue(pool, send, new Date())
      .then(() => {})
      .catch((error: unknown) => log.warn({ err: error }, 'outbound delivery failed')),
  );
  let monthDone: string | undefined;
  let running: Promise<void> | undefined;
  const round = () => {
    if (running) return; // the last one is still at work: skip a beat
    running = runAfterSalesRound(pool, new Date(now()), monthDone)
      .then((result) => {
        monthDone = result.month;
        if (
          result.complaints +
            result.ticketCallbacks +
            result.monthlyCallbacks +
            result.deadlineNotices +
            result.escalations +
            result.escalationsClosed >
          0
        )
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
    await Promise.all([running, stopDelivery()]);
  };
}

/** Runs `work` every `everyMs`, never two at once; returns the function that stops it. */
function repeat(everyMs: number, work: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = work().finally(() => {
      running = undefined;
    });
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
