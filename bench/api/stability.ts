import type pg from 'pg';
import type { LiveClients } from './live-clients.js';
import type { Summary } from './percentiles.js';

export interface StabilitySample {
  /** Seconds since the measured window began. */
  atS: number;
  apiRssMb: number;
  /** After the API's last garbage collection, as prom-client reads it. */
  apiHeapUsedMb: number;
  apiEventLoopLagP99Ms: number;
  /** The API pool's open connections, and the requests waiting for one. */
  apiDbConnections: number;
  apiDbWaiting: number;
  /** Every backend of the benchmark's database (the API, the publisher, this process). */
  databaseBackends: number;
  liveLagMs: Summary;
  deltasPerClientPerSecond: number;
}

/** One value of a Prometheus text exposition, by name and (optionally) one label. */
function metric(text: string, name: string, label = ''): number {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}${label} `) || l.startsWith(`${name}${label}{`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : Number.NaN;
}

/**
 * Samples the API process every `everyMs` while the mix runs: its memory and database connections
 * (from its /metrics), the database's backends and the live clients' lag in each interval. A
 * 30-minute run at the fleet's rate should show them flat (bench/README.md, "API").
 */
export class StabilitySampler {
  private readonly samples: StabilitySample[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly t0 = Date.now();
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly metricsUrl: URL,
    private readonly pool: pg.Pool,
    private readonly live: LiveClients,
    everyMs: number,
    private readonly onSample: (sample: StabilitySample) => void,
  ) {
    this.timer = setInterval(() => {
      this.pending = this.take().catch(() => undefined);
    }, everyMs);
  }

  private async take(): Promise<void> {
    const live = this.live.sample();
    const text = await (await fetch(this.metricsUrl)).text();
    const { rows } = await this.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()',
    );
    const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
    const sample: StabilitySample = {
      atS: Math.round((Date.now() - this.t0) / 1000),
      apiRssMb: mb(metric(text, 'process_resident_memory_bytes')),
      apiHeapUsedMb: mb(metric(text, 'nodejs_heap_size_used_bytes')),
      apiEventLoopLagP99Ms: Math.round(metric(text, 'nodejs_eventloop_lag_p99_seconds') * 1000),
      apiDbConnections: metric(text, 'jt808_db_pool_connections', '{state="total"}'),
      apiDbWaiting: metric(text, 'jt808_db_pool_connections', '{state="waiting"}'),
      databaseBackends: rows[0]!.n,
      liveLagMs: live.lagMs,
      deltasPerClientPerSecond: Math.round(live.deltasPerClientPerSecond * 10) / 10,
    };
    this.samples.push(sample);
    this.onSample(sample);
  }

  async stop(): Promise<StabilitySample[]> {
    clearInterval(this.timer);
    await this.pending;
    return this.samples;
  }
}

export function sampleTable(samples: StabilitySample[]): string {
  const rows = samples.map(
    (s) =>
      `| ${s.atS} | ${s.apiRssMb} | ${s.apiHeapUsedMb} | ${s.apiEventLoopLagP99Ms} | ${s.apiDbConnections} | ${s.apiDbWaiting} | ${s.databaseBackends} | ${s.liveLagMs.p50} | ${s.liveLagMs.p99} | ${s.liveLagMs.max} | ${s.deltasPerClientPerSecond} |`,
  );
  return [
    '| s | API RSS MB | API heap used MB | event-loop lag p99 ms | API db connections | waiting | database backends | live lag p50 ms | p99 ms | max ms | deltas/client/s |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}
