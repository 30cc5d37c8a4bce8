import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Ingest metrics: what was stored, what was set aside, and how far behind the bus it runs. */
export function createIngestMetrics(registry: Registry) {
  const registers = [registry];
  return {
    batches: new Counter({ name: 'jt808_ingest_batches_total', help: 'Batches committed', registers }),
    deliveries: new Counter({ name: 'jt808_ingest_events_total', help: 'Bus events processed', registers }),
    positions: new Counter({ name: 'jt808_ingest_positions_total', help: 'Fixes newly stored', registers }),
    deadLetters: new Counter({
      name: 'jt808_ingest_dead_letters_total',
      help: 'Events moved to the dead-letter stream',
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'jt808_ingest_batch_seconds',
      help: 'Time to store one batch (decode, COPY, state, commit)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    lag: new Gauge({
      name: 'jt808_ingest_lag',
      help: 'Events on the bus not yet stored (consumer group lag + pending)',
      registers,
    }),
    endToEnd: new Histogram({
      name: 'jt808_ingest_delay_seconds',
      help: 'From the gateway receiving an event to its batch being committed; lane "backfill" for 0x0704 batches, "live" for the rest',
      labelNames: ['lane'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
      registers,
    }),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
