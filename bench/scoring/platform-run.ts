import type { Bus } from '@jt808/bus';
import { type SimTime, simulatedTimeView, toSimulated } from '@jt808/platform';
import { StatusService, type StatusSettings, type TicketSettings } from '@jt808/status';
import { IngestWorker } from '@jt808/storage';
import type pg from 'pg';
import type { Logger } from 'pino';

export interface PlatformRunOptions {
  time: SimTime;
  settings: StatusSettings;
  tickets: TicketSettings;
  /** Real milliseconds between two status passes. */
  passIntervalMs: number;
}

/**
 * The platform side of a scoring run, as the one-command start wires it: ingest and the status
 * service (with the ticket keeper) consuming one bus and writing one database. The status service
 * runs on simulated time: it reads the bus through `simulatedTimeView` and its clock is the
 * simulator's, so every time it stores (verdicts, transitions, tickets, incidents) is simulated.
 */
export class PlatformRun {
  private readonly ingest: IngestWorker;
  private readonly status: StatusService;

  constructor(bus: Bus, pool: pg.Pool, log: Logger, options: PlatformRunOptions) {
    this.ingest = new IngestWorker(bus, pool, log, { consumer: 'scoring', maxWaitMs: 20 });
    this.status = new StatusService(simulatedTimeView(bus, options.time), pool, log, options.settings, {
      consumer: 'scoring',
      passIntervalMs: options.passIntervalMs,
      now: () => toSimulated(options.time, Date.now()),
      tickets: options.tickets,
    });
  }

  async start(): Promise<void> {
    this.ingest.start();
    await this.status.start();
  }

  async stop(): Promise<void> {
    await this.status.stop();
    await this.ingest.stop();
  }
}
