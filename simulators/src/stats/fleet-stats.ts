import { Histogram, type HistogramSnapshot } from './histogram.js';

/** Counters a fleet keeps. Totals only grow; `connected` and `authenticated` are current levels. */
export interface Counters {
  terminals: number;
  connected: number;
  authenticated: number;
  connectAttempts: number;
  registrationsSent: number;
  registrationsAccepted: number;
  authenticationsSent: number;
  authenticationsAccepted: number;
  framesSent: number;
  locationsSent: number;
  heartbeatsSent: number;
  commandsAnswered: number;
  garbageWrites: number;
  /** Fixes recorded in blind areas (for upload as 0x0704), and the 0x0704 batches sent (resends too). */
  blindAreaFixes: number;
  batchesSent: number;
  /** 0x8001 answers received (any result) to frames the terminal had sent. */
  acks: number;
  /** 0x8001 answers with a result other than success. */
  ackRefusals: number;
  /** Connections that ended while the terminal wanted them open (the gateway or the network closed them). */
  disconnects: number;
}

/** A fleet's statistics in a form that crosses process boundaries and adds up. */
export interface StatsSnapshot {
  counters: Counters;
  errors: Record<string, number>;
  /** Ack latency in microseconds. */
  latency: HistogramSnapshot;
}

const COUNTER_NAMES = [
  'terminals',
  'connected',
  'authenticated',
  'connectAttempts',
  'registrationsSent',
  'registrationsAccepted',
  'authenticationsSent',
  'authenticationsAccepted',
  'framesSent',
  'locationsSent',
  'heartbeatsSent',
  'commandsAnswered',
  'garbageWrites',
  'blindAreaFixes',
  'batchesSent',
  'acks',
  'ackRefusals',
  'disconnects',
] as const satisfies readonly (keyof Counters)[];

function emptyCounters(): Counters {
  return Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0])) as unknown as Counters;
}

/** The live statistics of one fleet (one process). */
export class FleetStats {
  readonly counters: Counters = emptyCounters();
  readonly errors = new Map<string, number>();
  readonly latency = new Histogram();

  error(kind: string): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
  }

  /** Records one ack latency, in milliseconds. */
  ackLatency(ms: number): void {
    this.latency.record(ms * 1000);
  }

  snapshot(): StatsSnapshot {
    return {
      counters: { ...this.counters },
      errors: Object.fromEntries(this.errors),
      latency: this.latency.snapshot(),
    };
  }
}

/** Adds up the snapshots of several fleets (the worker processes of one run). */
export function mergeSnapshots(snapshots: readonly StatsSnapshot[]): StatsSnapshot {
  const counters = emptyCounters();
  const errors: Record<string, number> = {};
  const latency = new Histogram();
  for (const snapshot of snapshots) {
    for (const name of COUNTER_NAMES) counters[name] += snapshot.counters[name];
    for (const [kind, count] of Object.entries(snapshot.errors)) errors[kind] = (errors[kind] ?? 0) + count;
    latency.add(snapshot.latency);
  }
  return { counters, errors, latency: latency.snapshot() };
}

export function errorTotal(snapshot: StatsSnapshot): number {
  return Object.values(snapshot.errors).reduce((sum, count) => sum + count, 0);
}

/** Ack latency percentiles, milliseconds. */
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export function latencySummary(histogram: Histogram): LatencySummary {
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    count: histogram.count,
    min: ms(histogram.count > 0 ? histogram.min : 0),
    mean: ms(histogram.mean),
    p50: ms(histogram.valueAtPercentile(50)),
    p90: ms(histogram.valueAtPercentile(90)),
    p99: ms(histogram.valueAtPercentile(99)),
    p999: ms(histogram.valueAtPercentile(99.9)),
    max: ms(histogram.max),
  };
}

/** What `Fleet.stats()` returns: the counters, errors by kind and the latency percentiles. */
export interface FleetSummary extends Counters {
  errors: Record<string, number>;
  ackLatencyMs: LatencySummary;
}

export function summarize(snapshot: StatsSnapshot): FleetSummary {
  return {
    ...snapshot.counters,
    errors: { ...snapshot.errors },
    ackLatencyMs: latencySummary(Histogram.from(snapshot.latency)),
  };
}
