import type { Bus, EventConsumer } from '@jt808/bus';
import type pg from 'pg';
import type { Logger } from 'pino';
import { StatusEngine, type Transition } from './engine.js';
import type { StatusSettings } from './settings.js';
import { loadCenterSettings, loadRoster, loadStatuses, saveStatuses } from './store.js';
import { TicketKeeper, type TicketSettings } from './tickets/ticket-keeper.js';

export interface StatusServiceOptions {
  consumer: string;
  /** How often every terminal is evaluated. */
  passIntervalMs?: number;
  /** How often terminals newly added to the roster are picked up (as never seen). */
  rosterSyncMs?: number;
  /** Wall clock, injectable for tests. */
  now?: () => number;
  /** Open and run repair tickets from the verdicts (off when absent). */
  tickets?: TicketSettings;
}

/**
 * Runs the status engine against the bus (consumer group "status") and the database: restores its
 * memory at start, saves what each batch changed before the batch is acknowledged (so a restart
 * judges from the same facts), evaluates every terminal on a timer and stores the transitions.
 */
export class StatusService {
  readonly engine: StatusEngine;
  readonly tickets: TicketKeeper | undefined;
  private consumer: EventConsumer | undefined;
  private timers: NodeJS.Timeout[] = [];
  /** Saves run one at a time: the consumer and the evaluation timer both write. */
  private writing: Promise<void> = Promise.resolve();
  private readonly unsaved: Transition[] = [];
  /** The timer's pass in progress. */
  private passing: Promise<unknown> | undefined;
  private readonly now: () => number;
  readonly listeners = new Set<(transitions: Transition[]) => void>();

  constructor(
    private readonly bus: Bus,
    private readonly pool: pg.Pool,
    private readonly log: Logger,
    settings: StatusSettings,
    private readonly options: StatusServiceOptions,
  ) {
    this.engine = new StatusEngine(settings);
    this.now = options.now ?? Date.now;
    this.tickets = options.tickets && new TicketKeeper(pool, this.engine, options.tickets, log);
  }

  async start(): Promise<void> {
    const restored = await loadStatuses(this.pool, this.engine);
    const added = await loadRoster(this.pool, this.engine);
    await loadCenterSettings(this.pool, this.engine);
    await this.tickets?.load();
    this.log.info({ restored, added, terminals: this.engine.size }, 'status engine loaded');
    this.consumer = this.bus.events.consume(
      { group: 'status', consumer: this.options.consumer, maxWaitMs: 200 },
      async (batch) => {
        this.engine.apply(batch);
        await this.save([]);
      },
    );
    this.timers = [
      setInterval(() => {
        // A pass still running (a slow database, an outage's worth of tickets) makes the timer skip
        // a beat: two ticket reviews at once would race each other over the same tickets and incidents.
        this.passing ??= this.evaluate()
          .catch((e: unknown) => this.log.warn({ err: e }, 'status pass failed'))
          .finally(() => {
            this.passing = undefined;
          });
      }, this.options.passIntervalMs ?? 5000),
      setInterval(() => {
        // New terminals (as never seen) and changed center thresholds.
        void loadRoster(this.pool, this.engine)
          .then(() => loadCenterSettings(this.pool, this.engine))
          .catch(() => {});
      }, this.options.rosterSyncMs ?? 60_000),
    ];
  }

  /** One evaluation pass: transitions are stored with the verdicts that produced them. */
  async evaluate(): Promise<Transition[]> {
    const now = this.now();
    const transitions = this.engine.pass(now);
    await this.save(transitions);
    await this.tickets?.review(now, transitions);
    if (transitions.length > 0) for (const listener of this.listeners) listener(transitions);
    return transitions;
  }

  /** Saves changed terminals and transitions; what fails to save is kept and goes with the next save. */
  private save(transitions: Transition[]): Promise<void> {
    this.unsaved.push(...transitions);
    const run = this.writing.then(async () => {
      const changed = this.engine.takeDirty();
      const batch = this.unsaved.splice(0);
      try {
        await saveStatuses(this.pool, changed, batch);
      } catch (error) {
        for (const health of changed) health.dirty = true;
        this.unsaved.unshift(...batch);
        throw error;
      }
    });
    this.writing = run.catch(() => {});
    return run;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.passing;
    await this.consumer?.stop();
    await this.writing;
  }
}
