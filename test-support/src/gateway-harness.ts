import { type Bus, type Delivery, MemoryBus } from '@jt808/bus';
import {
  createMetrics,
  DEFAULTS,
  FileRoster,
  Gateway,
  type GatewayConfig,
  type Metrics,
  type Roster,
  type UnknownTerminalPolicy,
} from '@jt808/gateway';
import type { Edition } from '@jt808/protocol';
import { TerminalConnection } from '@jt808/simulators';
import { pino } from 'pino';
import { Registry } from 'prom-client';

export interface Harness {
  gateway: Gateway;
  bus: Bus;
  roster: Roster;
  metrics: Metrics;
  port: number;
  /** Events the consumer committed, in order. */
  committed: Delivery[];
  /** A terminal connecting from `localAddress` (any 127.x.y.z; default the system's choice). */
  terminal(phone: string, edition?: Edition, localAddress?: string): TerminalConnection;
  close(): Promise<void>;
}

export interface HarnessOptions {
  config?: Partial<GatewayConfig>;
  policy?: UnknownTerminalPolicy;
  bus?: Bus;
  /** Roster file (default: in memory). */
  rosterFile?: string;
  /** Another roster implementation (the gateway takes any). */
  roster?: Roster;
  /** Runs before each batch commits (to hold or fail commits). */
  beforeCommit?: (batch: Delivery[]) => Promise<void>;
}

/** A gateway on an ephemeral port with a real bus and a consumer that records what it commits. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const bus = options.bus ?? new MemoryBus();
  const roster = options.roster ?? (await FileRoster.open(options.rosterFile, options.policy ?? 'pending'));
  const metrics = createMetrics(new Registry());
  const committed: Delivery[] = [];
  const consumer = bus.events.consume({ group: 'ingest', consumer: 'test', maxWaitMs: 20 }, async (batch) => {
    await options.beforeCommit?.(batch);
    committed.push(...batch);
  });
  const gateway = new Gateway(
    { ...DEFAULTS, host: '127.0.0.1', port: 0, gatewayId: `gw-test-${process.pid}`, ...options.config },
    { bus, roster, log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), metrics },
  );
  const { port } = await gateway.listen();
  const terminals: TerminalConnection[] = [];
  return {
    gateway,
    bus,
    roster,
    metrics,
    port,
    committed,
    terminal(phone, edition = '2013', localAddress = undefined) {
      const terminal = new TerminalConnection({
        host: '127.0.0.1',
        port,
        phone,
        edition,
        localAddress,
        replyTimeoutMs: 5000,
      });
      terminals.push(terminal);
      return terminal;
    },
    async close() {
      for (const terminal of terminals) terminal.destroy();
      await gateway.close();
      await consumer.stop();
      await bus.close();
      await roster.close();
    },
  };
}

export async function metricValue(
  metrics: Metrics,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  const match = metric?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return match?.value ?? 0;
}
