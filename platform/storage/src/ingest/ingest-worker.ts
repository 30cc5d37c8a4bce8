import { type Bus, type Delivery, type EventConsumer, Lane, laneOf } from '@jt808/bus';
import type pg from 'pg';
import type { Logger } from 'pino';
import { transaction } from '../db/pool.js';
import { writeBatch } from './batch-writer.js';
import { HeardFrom } from './heard-from.js';
import type { IngestMetrics } from './metrics.js';
import { rowsOf } from './rows.js';

/**
 * Most events in one transaction. This bites only with a backlog, and there large batches drain it
 * faster: a terminal's many fixes in one batch cost one current-state update (bench/RESULTS.md,
 * "Storage and ingest").
 */
export const DEFAULT_INGEST_BATCH = 16_000;

/**
 * How long a batch with room left waits for more events (Redis bus). Every transaction costs its
 * statements and a commit whatever its size; without the wait a worker at the fleet's rate stored
 * batches of about 550 events, with it about 3,000. It adds at most this much to the ingest delay.
 */
export const DEFAULT_INGEST_WAIT_MS = 250;

export interface IngestOptions {
  group?: string;
  consumer: string;
  batchSize?: number;
  maxWaitMs?: number;
}

export interface IngestStats {
  batches: number;
  deliveries: number;
  positionsInserted: number;
  deadLettered: number;
}

/**
 * Reads terminal events from the bus in batches and stores each batch in one transaction; the bus
 * acknowledges a batch only after that commit. A batch the database rejects for its data (not for a
 * lost connection) is retried one delivery at a time, and the deliveries that fail alone go to the
 * dead-letter stream with the database's reason: one bad message never blocks the rest.
 */
export class IngestWorker {
  readonly stats: IngestStats = { batches: 0, deliveries: 0, positionsInserted: 0, deadLettered: 0 };
  private consumer: EventConsumer | undefined;
  private readonly heard = new HeardFrom();

  constructor(
    private readonly bus: Bus,
    private readonly pool: pg.Pool,
    private readonly log: Logger,
    private readonly options: IngestOptions,
    private readonly metrics?: IngestMetrics,
  ) {}

  start(): void {
    this.consumer = this.bus.events.consume(
      {
        group: this.options.group ?? 'ingest',
        consumer: this.options.consumer,
        batchSize: this.options.batchSize ?? DEFAULT_INGEST_BATCH,
        maxWaitMs: this.options.maxWaitMs ?? DEFAULT_INGEST_WAIT_MS,
      },
      (batch) => this.handle(batch),
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }

  /** Stores a batch; throws (so the bus redelivers it) only when the database is unreachable. */
  async handle(batch: Delivery[]): Promise<void> {
    try {
      await this.store(batch);
    } catch (error) {
      if (!isDataError(error)) {
        this.log.warn({ err: error, size: batch.length }, 'batch not stored; the bus offers it again');
        throw error;
      }
      if (batch.length === 1) {
        await this.deadLetter(batch[0]!, `database refused it: ${(error as Error).message}`);
        return;
      }
      this.log.warn(
        { err: error, size: batch.length },
        'batch refused by the database; storing its events one by one',
      );
      for (const delivery of batch) await this.handle([delivery]);
    }
  }

  private async store(batch: Delivery[]): Promise<void> {
    const stopTimer = this.metrics?.batchSeconds.startTimer();
    const rows = rowsOf(batch);
    const result = await transaction(this.pool, (client) => writeBatch(client, rows, this.heard));
    this.heard.remember(result.heard.hours, result.heard.phones);
    stopTimer?.();
    for (const { delivery, reason } of rows.rejected) await this.deadLetter(delivery, reason);
    this.stats.batches++;
    this.stats.deliveries += batch.length;
    this.stats.positionsInserted += result.positionsInserted;
    if (this.metrics) {
      this.metrics.batches.inc();
      this.metrics.deliveries.inc(batch.length);
      this.metrics.positions.inc(result.positionsInserted);
      const now = Date.now();
      const live = this.metrics.endToEnd.labels('live');
      const backfill = this.metrics.endToEnd.labels('backfill');
      for (const { event } of batch) {
        if (event.atMs > 0)
          (laneOf(event) === Lane.Live ? live : backfill).observe((now - event.atMs) / 1000);
      }
    }
  }

  private async deadLetter(delivery: Delivery, reason: string): Promise<void> {
    this.stats.deadLettered++;
    this.metrics?.deadLetters.inc();
    this.log.warn({ delivery: delivery.id, phone: delivery.event.phone, reason }, 'event dead-lettered');
    await this.bus.events.deadLetter(delivery, reason);
  }
}

/**
 * SQLSTATE classes that blame the data (22 data exception, 23 integrity violation) rather than
 * the connection or the server: retrying the same rows would fail the same way.
 */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
