import { createServer, type Server, type Socket } from 'node:net';
import { type Bus, EventKind } from '@jt808/bus';
import { PlatformResult } from '@jt808/protocol';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import type { GatewayContext, Inbound } from './context.js';
import { CommandTracker } from './downlink/command-tracker.js';
import { dispatch } from './handlers/dispatch.js';
import { acknowledge, publishSessionEvent } from './handlers/replies.js';
import type { Roster } from './roster/roster.js';
import { BusState } from './runtime/bus-state.js';
import { LogSampler } from './runtime/log-sampler.js';
import { createMetrics, type Metrics } from './runtime/metrics.js';
import { connectionCap } from './runtime/open-files.js';
import { AddressLimits } from './session/address-limits.js';
import { IntakeLimit } from './session/intake-limit.js';
import { ProxyGate } from './session/proxy-gate.js';
import { type Peer, socketPeer } from './session/proxy-header.js';
import { ReassemblyBudget } from './session/reassembly-budget.js';
import { sendResendRequests } from './session/resend.js';
import { Session, type SessionState } from './session/session.js';

export interface GatewayDeps {
  bus: Bus;
  roster: Roster;
  log: Logger;
  metrics?: Metrics;
}

/** How often idle, unauthenticated and stalled connections are looked for. */
const SWEEP_INTERVAL_MS = 1000;
/**
 * How often this gateway tells the session directory it is alive, and for how long each time
 * counts: a killed gateway's sessions stop counting as live (for the re-registration check) within
 * the TTL.
 */
const ALIVE_EVERY_MS = 5000;
const ALIVE_TTL_MS = 15_000;

/**
 * One gateway process: the TCP listener, its sessions and their housekeeping. Several of these run
 * as cluster workers sharing the port (see main.ts).
 */
export class Gateway implements GatewayContext {
  readonly gatewayId: string;
  readonly bus: Bus;
  readonly roster: Roster;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly commands: CommandTracker;
  readonly busState: BusState;
  readonly intake: IntakeLimit;
  readonly reassembly: ReassemblyBudget;
  readonly addressLimits: AddressLimits;
  readonly live = new Map<string, Session>();
  private readonly sessions = new Set<Session>();
  private readonly server: Server;
  private readonly sampler: LogSampler;
  /** With --proxy-protocol: connections waiting for their header. */
  private readonly proxyGate: ProxyGate | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private aliveTimer: NodeJS.Timeout | undefined;
  private readonly stateCounts: Record<SessionState, number> = {
    connected: 0,
    registered: 0,
    authenticated: 0,
  };

  constructor(
    readonly config: GatewayConfig,
    deps: GatewayDeps,
  ) {
    this.gatewayId = config.gatewayId;
    this.bus = deps.bus;
    this.roster = deps.roster;
    this.log = deps.log;
    this.metrics = deps.metrics ?? createMetrics();
    this.sampler = new LogSampler(this.log);
    this.intake = new IntakeLimit(config.maxWorkerInFlight);
    this.reassembly = new ReassemblyBudget(config.reassemblyBudgetBytes);
    this.addressLimits = this.createAddressLimits();
    this.proxyGate = config.proxyProtocol ? this.createProxyGate() : undefined;
    this.busState = new BusState(this.metrics, this.log, () => {
      for (const session of this.sessions) session.busWentDown();
    });
    this.bus.onAvailability((available) => this.busState.set(available));
    this.commands = new CommandTracker(this.bus, this.gatewayId, this.live, this.metrics, this.log);
    this.server = createServer({ pauseOnConnect: false, noDelay: true }, (socket) => this.accept(socket));
    this.server.maxConnections = config.maxConnections || connectionCap();
    this.server.on('drop', (peer) => {
      this.metrics.refused.inc();
      this.logSampled(
        'refused',
        { peer: peer?.remoteAddress, cap: this.server.maxConnections },
        'connection refused: worker at its connection cap',
      );
    });
    this.server.on('error', (error) => this.log.error({ err: error }, 'listener error'));
  }

  async listen(): Promise<{ port: number; host: string }> {
    await this.commands.start();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ port: this.config.port, host: this.config.host, backlog: 4096 }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
    this.sayAlive();
    this.aliveTimer = setInterval(() => this.sayAlive(), ALIVE_EVERY_MS);
    this.aliveTimer.unref();
    const address = this.server.address();
    const port = typeof address === 'object' && address ? address.port : this.config.port;
    this.log.info({ port, cap: this.server.maxConnections, gatewayId: this.gatewayId }, 'gateway listening');
    return { port, host: this.config.host };
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  private accept(socket: Socket): void {
    socket.on('error', () => {}); // resets and timeouts end in 'close'
    if (this.proxyGate) this.proxyGate.accept(socket);
    else this.admit(socket, socketPeer(socket), undefined);
  }

  /** A connection whose terminal address is known: refused at its address's cap, else a session. */
  private admit(socket: Socket, peer: Peer, firstBytes: Buffer | undefined): void {
    if (!this.addressLimits.open(peer.address)) {
      socket.destroy();
      return;
    }
    const session = new Session(socket, this, peer);
    this.sessions.add(session);
    this.stateCounts.connected++;
    this.updateGauges();
    socket.on('close', () => {
      session.onSocketClosed();
      this.forget(session);
    });
    if (firstBytes !== undefined && firstBytes.length > 0) session.receive(firstBytes);
  }

  private createAddressLimits(): AddressLimits {
    const refusals = {
      connections: this.metrics.addressRefusals.labels({ limit: 'connections' }),
      registrations: this.metrics.addressRefusals.labels({ limit: 'registrations' }),
    };
    return new AddressLimits(
      this.config.maxConnectionsPerAddress,
      this.config.registrationsPerAddressPerMinute,
      (limit, address) => {
        refusals[limit].inc();
        this.logSampled(
          `address-${limit}`,
          { address, limit },
          limit === 'connections'
            ? 'connection closed: its address is at --max-connections-per-address'
            : 'registration not answered: its address is over --registrations-per-address-per-minute',
        );
      },
    );
  }

  private createProxyGate(): ProxyGate {
    return new ProxyGate(this.config.proxyHeaderSeconds * 1000, {
      admit: (socket, peer, rest) => this.admit(socket, peer, rest),
      refuse: (socket, reason) => {
        this.metrics.proxyHeaderFailures.inc({ reason });
        this.logSampled(
          `proxy-${reason}`,
          { peer: socket.remoteAddress, reason },
          'connection closed: no valid PROXY protocol header (--proxy-protocol)',
        );
      },
    });
  }

  async handle(session: Session, inbound: Inbound): Promise<void> {
    try {
      await dispatch(this, session, inbound);
    } catch (error) {
      // A handler that fails (roster unreachable, ...) still answers: failure, so the terminal retries.
      // Sampled: with the database down, every sign-in of a storm fails this way.
      this.logSampled(
        'handler-failed',
        { err: error, session: session.id, message: inbound.message.name },
        'handler failed; answered with failure',
      );
      acknowledge(session, inbound.message.header, PlatformResult.Failure);
    } finally {
      if (session.state !== session.countedState && !session.isClosed) this.moved(session);
    }
  }

  onAuthenticated(_session: Session): void {}

  onDeauthenticated(session: Session): void {
    if (session.phone !== undefined && this.live.get(session.phone) === session) {
      this.live.delete(session.phone);
      void this.bus.sessions.release(session.phone, this.gatewayId).catch(() => {});
    }
  }

  onClosing(session: Session, reason: string): void {
    this.metrics.closed.inc({ reason });
    if (reason !== 'peer-closed')
      this.logSampled(
        `close-${reason}`,
        { session: session.id, phone: session.phone, reason },
        'connection closed',
      );
    this.onDeauthenticated(session);
    publishSessionEvent(this, session, EventKind.Disconnected, { reason });
  }

  private forget(session: Session): void {
    if (!this.sessions.delete(session)) return;
    this.addressLimits.close(session.remoteIp);
    // What the gauges hold, not `state`: a message still being handled may have moved it already.
    this.stateCounts[session.countedState]--;
    this.updateGauges();
  }

  private moved(session: Session): void {
    this.stateCounts[session.countedState]--;
    this.stateCounts[session.state]++;
    session.countedState = session.state;
    this.updateGauges();
  }

  private updateGauges(): void {
    this.metrics.connections.set(this.sessions.size);
    for (const state of Object.keys(this.stateCounts) as SessionState[]) {
      this.metrics.sessions.set({ state }, this.stateCounts[state]);
    }
  }

  private sayAlive(): void {
    this.bus.sessions
      .heartbeat(this.gatewayId, ALIVE_TTL_MS)
      .catch((error: unknown) =>
        this.logSampled('alive', { err: error }, 'session directory heartbeat failed'),
      );
  }

  logSampled(key: string, fields: object, message: string): void {
    this.sampler.warn(key, fields, message);
  }

  /**
   * Closes connections that went silent (not those this worker stopped reading), never
   * authenticated, or stalled inside a frame.
   */
  private sweep(): void {
    const now = Date.now();
    const idleMs = 3 * this.config.heartbeatSeconds * 1000;
    const authMs = this.config.authTimeoutSeconds * 1000;
    const stalledMs = this.config.stalledFrameSeconds * 1000;
    this.metrics.workerInFlight.set(this.intake.inFlight);
    this.proxyGate?.sweep(now);
    this.addressLimits.sweep(now);
    for (const session of this.sessions) {
      if (session.isClosed) continue;
      // A connection we stopped reading is silent because of us (see Session.resume).
      if (!session.isPaused && now - session.lastFrameAt > idleMs) session.close('idle');
      else if (session.state !== 'authenticated' && now - session.openedAt > authMs)
        session.close('auth-timeout');
      else if (session.partialSince > 0 && now - session.partialSince > stalledMs)
        session.close('stalled-frame');
      else if (session.reassembly) sendResendRequests(session, this.reassembly);
    }
  }

  /**
   * Graceful stop: no new connections, let in-flight messages reach the bus and their replies go
   * out, then close every connection (terminals reconnect to another worker or gateway).
   */
  async close(drainMs = 5000): Promise<void> {
    clearInterval(this.sweepTimer);
    clearInterval(this.aliveTimer);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const session of this.sessions) session.socket.pause();
      setTimeout(
        () => {
          this.proxyGate?.closeAll();
          for (const session of this.sessions) session.close('shutdown');
        },
        Math.min(drainMs, 200),
      ).unref();
    });
    await this.commands.stop();
  }
}
