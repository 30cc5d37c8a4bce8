import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The gateway's Prometheus metrics, one registry per process (the cluster primary aggregates). */
export function createMetrics(registry = new Registry()) {
  const registers = [registry];
  return {
    registry,
    connections: new Gauge({ name: 'jt808_connections', help: 'Open TCP connections', registers }),
    sessions: new Gauge({
      name: 'jt808_sessions',
      help: 'Sessions by state (connected, registered, authenticated)',
      labelNames: ['state'],
      registers,
    }),
    frames: new Counter({
      name: 'jt808_frames_total',
      help: 'Frames received, by message name',
      labelNames: ['message'],
      registers,
    }),
    badFrames: new Counter({
      name: 'jt808_bad_frames_total',
      help: 'Frames that failed to decode, by reason',
      labelNames: ['reason'],
      registers,
    }),
    refused: new Counter({
      name: 'jt808_connections_refused_total',
      help: 'Connections refused at the connection cap',
      registers,
    }),
    closed: new Counter({
      name: 'jt808_connections_closed_total',
      help: 'Connections closed, by reason',
      labelNames: ['reason'],
      registers,
    }),
    throttled: new Counter({
      name: 'jt808_flood_throttled_total',
      help: 'Times a connection was paused for sending frames faster than allowed',
      registers,
    }),
    busPublish: new Histogram({
      name: 'jt808_bus_publish_seconds',
      help: 'Time from a frame decoded to its event durable on the bus',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    busFailures: new Counter({
      name: 'jt808_bus_publish_failures_total',
      help: 'Events the bus did not accept (the terminal was not acknowledged)',
      registers,
    }),
    commands: new Counter({
      name: 'jt808_commands_total',
      help: 'Downlink commands by outcome',
      labelNames: ['status'],
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
