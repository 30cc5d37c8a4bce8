import { type FaultEvent, FaultPlan } from '../scenario/fault-plan.js';
import { parseScenario } from '../scenario/scenario.js';
import type { TruthRecord } from '../scenario/truth.js';
import { FleetStats, type FleetSummary, type StatsSnapshot, summarize } from '../stats/fleet-stats.js';
import { SimClock } from './clock.js';
import { ConnectRamp } from './connect-ramp.js';
import { type CredentialStore, MemoryCredentials, StateFile } from './credentials.js';
import type { FleetContext, FleetSettings } from './fleet-context.js';
import { type FleetOptions, resolveSettings, resolveSlice } from './fleet-options.js';
import { identityOf, type TerminalIdentity, wirePhoneOf } from './identity.js';
import { hashUnit, Random, Salt } from './random.js';
import { Link, SimTerminal } from './sim-terminal.js';
import { ephemeralPorts } from './source-port.js';
import { TimerWheel } from './timer-wheel.js';
import { Vehicle } from './vehicle.js';

/** Real milliseconds between two turns of the scheduler loop. */
const TICK_MS = 20;
/** Simulated milliseconds per wheel slot, and slots per revolution (68 simulated minutes). */
const SLOT_MS = 1000;
const SLOTS = 4096;
/** Real milliseconds between two writes of a dirty state file. */
const FLUSH_EVERY_MS = 10_000;
/** Real milliseconds a polite close may take at stop before connections are dropped. */
const CLOSE_GRACE_MS = 5000;

/**
 * A fleet of simulated terminals in this process, driven by one scheduler loop: each turn applies
 * the scenario's fault changes, lets new connections out at the ramp rate, and wakes the terminals
 * whose next report is due.
 *
 *   const fleet = new Fleet({ port: 6808, count: 2000, speed: 1, scenario });
 *   await fleet.start();
 *   …; fleet.stats();
 *   await fleet.stop();
 */
export class Fleet {
  readonly settings: FleetSettings;
  private readonly slice: { first: number; count: number };
  private readonly plan: FaultPlan;
  private readonly statistics = new FleetStats();
  private readonly terminals: SimTerminal[] = [];
  private credentials: CredentialStore | undefined;
  private clock: SimClock | undefined;
  private wheel: TimerWheel<SimTerminal> | undefined;
  private ramp: ConnectRamp<SimTerminal> | undefined;
  /** Terminals reconnecting after their back-off: a ramp apart from the first connections'. */
  private reconnects: ConnectRamp<SimTerminal> | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private flusher: NodeJS.Timeout | undefined;
  private stopped: Promise<FleetSummary> | undefined;

  constructor(private readonly options: FleetOptions) {
    this.settings = resolveSettings(options);
    this.slice = resolveSlice(options, this.settings);
    const scenario = options.scenario && parseScenario(options.scenario);
    this.plan = new FaultPlan(scenario, this.settings);
  }

  /** Builds the terminals and starts the loop; connections follow at the ramp rate. */
  async start(): Promise<void> {
    if (this.ticker || this.stopped) throw new Error('a fleet starts once');
    const { options, settings } = this;
    this.credentials =
      options.credentials ??
      (options.stateFile ? await StateFile.open(options.stateFile) : new MemoryCredentials());
    const realStart = options.realStartMs ?? SimClock.realNow();
    const clock = new SimClock(settings.speed, options.simStartMs ?? Date.now(), realStart);
    this.clock = clock;
    this.wheel = new TimerWheel(SLOT_MS, SLOTS, clock.now());
    this.ramp = new ConnectRamp(settings.ramp, SimClock.realNow());
    this.reconnects = new ConnectRamp(settings.reconnectRamp, SimClock.realNow());
    const context = this.context(clock, this.credentials);
    for (let index = this.slice.first; index < this.slice.first + this.slice.count; index++) {
      const random = new Random(hashUnit(settings.seed, Salt.vehicle, index) * 2 ** 32);
      const identity = this.identity(index);
      const terminal = new SimTerminal(
        identity,
        new Vehicle(identity.homeCity, random, clock.simOriginMs),
        random,
        context,
      );
      this.terminals.push(terminal);
      this.ramp.push(terminal);
    }
    this.statistics.counters.terminals = this.terminals.length;
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    if (this.credentials.flush) {
      this.flusher = setInterval(() => void this.flushCredentials(), FLUSH_EVERY_MS);
      this.flusher.unref();
    }
    this.tick();
  }

  /** Stops reporting, closes every connection politely, writes the state file; resolves with the final stats. */
  stop(): Promise<FleetSummary> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  /** Counters, errors by kind and ack latency percentiles so far. */
  stats(): FleetSummary {
    return summarize(this.snapshot());
  }

  /** The statistics in the form that adds up across processes. */
  snapshot(): StatsSnapshot {
    return this.statistics.snapshot();
  }

  private identity(index: number): TerminalIdentity {
    const identity = identityOf(index, this.settings);
    // A terminal that registered on an earlier run keeps what it registered with.
    const saved = this.credentials!.get(identity.phone);
    if (saved === undefined) return identity;
    return {
      ...identity,
      edition: saved.edition,
      wirePhone: wirePhoneOf(identity.phone, saved.edition),
      terminalId: saved.terminalId,
      plate: saved.plate,
    };
  }

  private context(clock: SimClock, credentials: CredentialStore): FleetContext {
    const fleet = this;
    return {
      settings: this.settings,
      clock,
      stats: this.statistics,
      credentials,
      plan: this.plan,
      sourcePorts: ephemeralPorts(),
      get stopping() {
        return fleet.stopped !== undefined;
      },
      schedule: (terminal, atMs) => this.wheel!.schedule(terminal, atMs),
      cancel: (terminal) => this.wheel!.cancel(terminal),
      queueConnect: (terminal) => {
        if (terminal.link === Link.Queued) return;
        terminal.link = Link.Queued;
        this.reconnects!.push(terminal);
      },
      onAck: this.options.onAck,
    };
  }

  private tick(): void {
    const now = this.clock!.now();
    for (const event of this.plan.due(now - this.clock!.simOriginMs)) this.applyFaultEvent(event);
    const realNow = SimClock.realNow();
    this.ramp!.release(realNow, (terminal) => void terminal.connect());
    this.reconnects!.release(realNow, (terminal) => void terminal.connect());
    this.wheel!.drain(now, (terminal) => {
      try {
        terminal.wake(now);
      } catch (error) {
        // A bug in one terminal's turn must not stop the other terminals.
        this.statistics.error(`internal:${(error as Error).message}`);
      }
    });
  }

  private applyFaultEvent(event: FaultEvent): void {
    const { fault } = event;
    const now = this.clock!.now();
    for (const index of this.plan.targets(fault, this.slice.first, this.slice.first + this.slice.count)) {
      const terminal = this.terminals[index - this.slice.first]!;
      if (event.type === 'storm') terminal.storm();
      else terminal.faultsChanged(this.plan.maskAt(index, event.atMs), now);
      if (event.type === 'end')
        this.writeTruth(terminal, event.fault.kind, fault.startMs, fault.endMs, false);
    }
  }

  private writeTruth(
    terminal: SimTerminal,
    fault: TruthRecord['fault'],
    fromMs: number,
    toMs: number,
    cutShort: boolean,
  ): void {
    const origin = this.clock!.simOriginMs;
    const record: TruthRecord = {
      phone: terminal.identity.wirePhone,
      index: terminal.identity.index,
      fault,
      from: new Date(origin + fromMs).toISOString(),
      to: new Date(origin + toMs).toISOString(),
    };
    if (cutShort) record.cutShort = true;
    this.options.onTruth?.(record);
  }

  private async shutdown(): Promise<FleetSummary> {
    if (this.ticker === undefined) return this.stats();
    clearInterval(this.ticker);
    clearInterval(this.flusher);
    const elapsed = this.clock!.now() - this.clock!.simOriginMs;
    for (const fault of this.plan.faults) {
      if (fault.startMs > elapsed || fault.endMs <= elapsed) continue;
      for (const index of this.plan.targets(fault, this.slice.first, this.slice.first + this.slice.count)) {
        this.writeTruth(this.terminals[index - this.slice.first]!, fault.kind, fault.startMs, elapsed, true);
      }
    }
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.terminals.map((terminal) => terminal.stop())),
      new Promise((resolve) => {
        grace = setTimeout(resolve, CLOSE_GRACE_MS);
      }),
    ]);
    clearTimeout(grace);
    for (const terminal of this.terminals) terminal.abort();
    await this.flushCredentials();
    return this.stats();
  }

  private async flushCredentials(): Promise<void> {
    try {
      await this.credentials?.flush?.();
    } catch (error) {
      this.statistics.error(
        `state-file:${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  }
}
