import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The gateway's Prometheus metrics, one registry per process (the cluster primary aggregates). */
export function createMetrics(registry = new Registry()) {
  const registers = [registry];
  const frames = new Counter({
    name: 'jt808_frames_total',
    help: 'Frames received, by message name',
    labelNames: ['message'],
    registers,
  });
  const framesByMessage = new Map<string, Counter.Internal>();
  return {
    registry,
    /**
     * The frames counter of one message name. prom-client hashes a label object on every inc(); a
     * frame is counted 13,333 times a second, so each name's child is looked up once and kept.
     */
    framesOf(message: string): Counter.Internal {
      let child = framesByMessage.get(message);
      if (child === undefined) {
        child = frames.labels({ message });
        framesByMessage.set(message, child);
      }
      return child;
    },
    connections: new Gauge({ name: 'jt808_connections', help: 'Open TCP connections', registers }),
    sessions: new Gauge({
      name: 'jt808_sessions',
      help: 'Sessions by state (connected, registered, authenticated)',
      labelNames: ['state'],
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
    workerInFlight: new Gauge({
      name: 'jt808_worker_in_flight',
      help: 'Messages this worker has read and not yet answered (sampled every second)',
      registers,
    }),
    intakeStopped: new Counter({
      name: 'jt808_intake_stopped_total',
      help: 'Times a connection stopped being read because its worker was at --max-worker-in-flight',
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
    busUp: new Gauge({
      name: 'jt808_bus_up',
      help: 'Whether this worker reaches its bus (1) or not (0: heartbeats answered, data refused unacknowledged)',
      labelNames: ['worker'],
      registers,
    }).labels({ worker: String(process.pid) }),
    busDownUnanswered: new Counter({
      name: 'jt808_bus_down_unanswered_total',
      help: 'Messages dropped unacknowledged because the bus was down, by message name',
      labelNames: ['message'],
      registers,
    }),
    busDownHeartbeats: new Counter({
      name: 'jt808_bus_down_heartbeats_total',
      help: 'Heartbeats the gateway answered itself while the bus was down (not published)',
      registers,
    }),
    registrations: new Counter({
      name: 'jt808_registrations_total',
      help: 'Registrations (0x0100) by outcome: known, pending, or the reason they were refused',
      labelNames: ['result'],
      registers,
    }),
    unauthenticated: new Counter({
      name: 'jt808_unauthenticated_messages_total',
      help: 'Messages refused because their connection had not authenticated as their phone (sub-packages included)',
      registers,
    }),
    reassemblyBudget: new Counter({
      name: 'jt808_reassembly_budget_refusals_total',
      help: 'Sub-packages dropped because the worker held its budget of partial messages',
      registers,
    }),
    proxyHeaderFailures: new Counter({
      name: 'jt808_proxy_header_failures_total',
      help: 'Connections closed for a PROXY protocol header that was missing, malformed or late (timeout)',
      labelNames: ['reason'],
      registers,
    }),
    addressRefusals: new Counter({
      name: 'jt808_address_refusals_total',
      help: 'Connections closed and registrations left unanswered at the per-address limits, by limit',
      labelNames: ['limit'],
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
