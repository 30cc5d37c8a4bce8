import { randomBytes } from 'node:crypto';
import {
  type BodyOf,
  type GeneralResponse,
  type Jt808Message,
  type LocationFields,
  MessageId,
  PlatformResult,
  RegistrationResult,
} from '@jt808/protocol';
import { CITIES, HENAN_PROVINCE_ID } from '../geo/henan.js';
import type { RoutePosition } from '../geo/route.js';
import { applyFaults, type FaultMemory, rememberPosition } from '../scenario/fault-effects.js';
import { Fault, KEEPS_AWAY, LOSES_FIX } from '../scenario/faults.js';
import { TerminalConnection } from '../terminal/terminal-connection.js';
import { reconnectWindow } from './backoff.js';
import { BLIND_AREA_SUPPLEMENT, BlindAreaBuffer } from './blind-area.js';
import { SimClock } from './clock.js';
import type { FleetContext } from './fleet-context.js';
import type { TerminalIdentity } from './identity.js';
import type { Random } from './random.js';
import { healthyLocation } from './report.js';
import { sourcePortOf } from './source-port.js';
import type { Schedulable } from './timer-wheel.js';
import type { Vehicle } from './vehicle.js';

/** Where a terminal is in its connection's life. */
export const Link = {
  /** Not started yet, or waiting for the ramp. */
  Queued: 0,
  Connecting: 1,
  Registering: 2,
  Authenticating: 3,
  Online: 4,
  /** Disconnected; reconnects at its wake-up (or when a fault keeping it away ends). */
  Away: 5,
  Stopped: 6,
} as const;
export type Link = (typeof Link)[keyof typeof Link];

/** Faults whose start or end changes what the next report says, so it goes out at once. */
const REPORTED_AT_ONCE =
  LOSES_FIX |
  Fault.powerCut |
  Fault.undervoltage |
  Fault.frozenPosition |
  Fault.positionDrift |
  Fault.clockSkew;
/** Faults during which the gateway may well close the connection. */
const EXPECTS_CLOSE = Fault.silent | Fault.garbage | Fault.reconnectStorm;

/** Simulated seconds before registering again after a refused registration. */
const REFUSED_RETRY_S: readonly [number, number] = [60, 300];

const MANUFACTURER_ID = 'FLSIM';
const MODEL = 'FS-808';
const SOFTWARE_VERSION = 'fleet-sim 0.1.0';

const scratch: RoutePosition = { latitude: 0, longitude: 0, heading: 0 };
const PENDING_STRIDE = 4;
/** What takePending found (one object for the process: acks are handled one at a time). */
const taken = { sentAt: 0, fixSecond: 0 };

/**
 * One simulated terminal: registers or authenticates, then reports like firmware (locations on a
 * cadence that follows ACC, heartbeats in silences, a report at once when its status changes),
 * answers platform commands, reconnects after losing the connection, and misbehaves as its faults
 * say. It owns no timer: the fleet's wheel wakes it.
 */
export class SimTerminal implements Schedulable {
  wakeAt = Number.POSITIVE_INFINITY;
  wheelSlot = -1;
  wheelGeneration = 0;
  link: Link = Link.Queued;
  /** Active fault bits (see `Fault`). */
  faults = 0;
  private connection: TerminalConnection | undefined;
  private open = false;
  /** Counted in `authenticated` (kept apart from `link`, which stopping overwrites). */
  private online = false;
  /** The next close is ours (fault, refusal, timeout): not counted as a disconnect. */
  private closingOnPurpose = false;
  /** Reconnect as soon as the connection is closed (reconnect storms). */
  private reconnectAtOnce = false;
  /** A wait chosen by the close (a refused registration's); undefined: the back-off's. */
  private retryDelayS: readonly [number, number] | undefined;
  /** Connection attempts in a row that did not end signed in: they widen the back-off. */
  private failedAttempts = 0;
  private nextLocationAt = 0;
  private lastSentAt = 0;
  private reportedAcc = false;
  private reportNow = false;
  /** Serial of the registration or authentication awaiting its answer, and when it went out (real ms). */
  private requestSerial = -1;
  private requestSentAt = 0;
  /** Frames awaiting 0x8001, flat, PENDING_STRIDE numbers each: serial, real ms sent, message id, fix second. */
  private pending: number[] | undefined;
  private memory: FaultMemory | undefined;
  /** When the current blind area began (simulated ms), and the fixes recorded in it not yet uploaded. */
  private blindSince = 0;
  private blindArea: BlindAreaBuffer | undefined;

  constructor(
    readonly identity: TerminalIdentity,
    readonly vehicle: Vehicle,
    private readonly random: Random,
    private readonly fleet: FleetContext,
  ) {}

  /** Opens the connection and signs in; failures schedule a retry. */
  async connect(): Promise<void> {
    if (this.fleet.stopping || this.open || this.link === Link.Connecting) return;
    if (this.faults & KEEPS_AWAY) {
      this.link = Link.Away;
      return;
    }
    const { stats } = this.fleet;
    this.link = Link.Connecting;
    stats.counters.connectAttempts++;
    this.connection ??= this.createConnection();
    try {
      await this.connection.connect();
    } catch (error) {
      stats.error(`connect:${(error as NodeJS.ErrnoException).code ?? 'failed'}`);
      this.retryLater(reconnectWindow(++this.failedAttempts));
      return;
    }
    this.open = true;
    stats.counters.connected++;
    if (this.fleet.stopping || this.faults & KEEPS_AWAY) {
      this.closeOnPurpose();
      return;
    }
    const saved = this.fleet.credentials.get(this.identity.phone);
    if (saved) this.authenticate(saved.authCode);
    else this.register();
  }

  /** Called by the fleet's wheel. */
  wake(now: number): void {
    switch (this.link) {
      case Link.Away:
        if (!(this.faults & KEEPS_AWAY)) this.fleet.queueConnect(this);
        return;
      case Link.Registering:
      case Link.Authenticating:
        this.checkRequestTimeout(now);
        return;
      case Link.Online:
        this.report(now);
        return;
    }
  }

  /** The fault mask changed (a scenario line began or ended). */
  faultsChanged(mask: number, now: number): void {
    const started = mask & ~this.faults;
    const ended = this.faults & ~mask;
    this.faults = mask;
    if (started & (LOSES_FIX | Fault.frozenPosition | Fault.positionDrift)) {
      this.vehicle.advanceTo(now);
      this.memory = rememberPosition(this.vehicle.position(scratch));
    }
    if (started & Fault.blindArea) this.blindSince = now;
    if (ended & Fault.blindArea) this.recordBlindArea(this.blindSince, now);
    if (started & (Fault.offline | Fault.blindArea) && this.open) this.closeOnPurpose();
    if (ended & KEEPS_AWAY && !(mask & KEEPS_AWAY)) {
      if (this.link === Link.Away) this.fleet.queueConnect(this);
      else if (this.link === Link.Online) this.fleet.schedule(this, now);
    }
    if ((started | ended) & REPORTED_AT_ONCE && this.link === Link.Online) {
      this.reportNow = true;
      this.fleet.schedule(this, now);
    }
  }

  /** Drops the connection and reconnects at once, as every terminal of a reconnect storm does together. */
  storm(): void {
    if (!this.open) return;
    this.reconnectAtOnce = true;
    this.closingOnPurpose = true;
    this.connection!.destroy();
  }

  /** Closes the connection politely (the fleet is stopping). */
  async stop(): Promise<void> {
    this.link = Link.Stopped;
    if (this.open) await this.connection!.end();
  }

  /** Drops the connection at once (the polite close took too long). */
  abort(): void {
    if (this.open) this.connection!.destroy();
  }

  private createConnection(): TerminalConnection {
    const { settings, sourcePorts } = this.fleet;
    const addresses = settings.sourceAddresses;
    const { index } = this.identity;
    const bound = addresses.length > 0;
    const connection = new TerminalConnection({
      host: settings.host,
      port: settings.port,
      phone: this.identity.phone,
      edition: this.identity.edition,
      localAddress: bound ? addresses[index % addresses.length] : undefined,
      localPort: bound ? sourcePortOf(index, addresses.length, sourcePorts) : undefined,
    });
    connection.onDownlink = (message) => this.onMessage(message);
    connection.onClose = () => this.onClosed();
    return connection;
  }

  private register(): void {
    const { identity } = this;
    const city = CITIES[identity.homeCity]!;
    this.link = Link.Registering;
    this.request(
      this.send('registration', {
        edition: identity.edition,
        provinceId: HENAN_PROVINCE_ID,
        cityId: city.divisionCode % 10_000,
        manufacturerId: MANUFACTURER_ID,
        model: MODEL,
        terminalId: identity.terminalId,
        plateColor: 2,
        plate: identity.plate,
      }),
    );
    this.fleet.stats.counters.registrationsSent++;
  }

  private authenticate(authCode: string): void {
    this.link = Link.Authenticating;
    const imei = `86${String(this.identity.index).padStart(13, '0')}`;
    this.request(
      this.sendAwaitingAck('authentication', { authCode, imei, softwareVersion: SOFTWARE_VERSION }),
    );
    this.fleet.stats.counters.authenticationsSent++;
  }

  /** Notes the sign-in step awaiting its answer and wakes up when it would be overdue. */
  private request(serial: number): void {
    this.requestSerial = serial;
    this.requestSentAt = SimClock.realNow();
    const { clock, settings } = this.fleet;
    this.fleet.schedule(this, clock.now() + clock.simSpan(settings.ackTimeoutMs));
  }

  private checkRequestTimeout(now: number): void {
    const { clock, settings, stats } = this.fleet;
    const overdueIn = this.requestSentAt + settings.ackTimeoutMs - SimClock.realNow();
    if (overdueIn > 0) {
      this.fleet.schedule(this, now + clock.simSpan(overdueIn));
      return;
    }
    stats.error(this.link === Link.Registering ? 'registration-timeout' : 'authentication-timeout');
    this.closeOnPurpose();
  }

  private onMessage(message: Jt808Message): void {
    if (message.name === 'registrationResponse') this.onRegistrationAnswer(message.body);
    else if (message.name === 'platformGeneralResponse') this.onAck(message.body);
    else this.answerCommand(message);
  }

  private onRegistrationAnswer(body: BodyOf<'registrationResponse'>): void {
    const { stats, credentials } = this.fleet;
    if (this.link !== Link.Registering || body.replySerial !== this.requestSerial) {
      stats.error('unexpected-registration-answer');
      return;
    }
    if (body.result !== RegistrationResult.Success) {
      stats.error(`registration-refused:${body.result}`);
      this.closeOnPurpose(REFUSED_RETRY_S);
      return;
    }
    stats.counters.registrationsAccepted++;
    const { edition, terminalId, plate, phone } = this.identity;
    const authCode = body.authCode ?? '';
    credentials.set(phone, { authCode, edition, terminalId, plate });
    this.authenticate(authCode);
  }

  private onAck(body: GeneralResponse): void {
    const { stats } = this.fleet;
    if (!this.takePending(body.replySerial, body.replyId)) {
      stats.error('unexpected-ack');
      return;
    }
    const latencyMs = SimClock.realNow() - taken.sentAt;
    stats.counters.acks++;
    stats.ackLatency(latencyMs);
    const isSignIn = body.replyId === MessageId.authentication;
    if (body.result !== PlatformResult.Success) {
      stats.counters.ackRefusals++;
      stats.error(
        isSignIn ? 'authentication-refused' : `refused:0x${body.replyId.toString(16).padStart(4, '0')}`,
      );
    }
    const isBatch = body.replyId === MessageId.locationBatch;
    this.fleet.onAck?.({
      index: this.identity.index,
      phone: this.identity.wirePhone,
      messageId: body.replyId,
      serial: body.replySerial,
      result: body.result,
      latencyMs,
      fixSecond: taken.fixSecond,
      fixSeconds: isBatch ? this.blindArea?.inFlightSeconds() : undefined,
    });
    if (isBatch) this.batchAnswered(body.result === PlatformResult.Success);
    if (isSignIn && this.link === Link.Authenticating && body.replySerial === this.requestSerial) {
      if (body.result === PlatformResult.Success) this.goOnline();
      else {
        // The platform no longer knows the code (its roster was reset, say): register afresh.
        this.fleet.credentials.delete(this.identity.phone);
        this.register();
      }
    }
  }

  private goOnline(): void {
    const { stats, clock } = this.fleet;
    this.link = Link.Online;
    this.online = true;
    stats.counters.authenticationsAccepted++;
    stats.counters.authenticated++;
    this.failedAttempts = 0;
    // Firmware reports its position right after signing in.
    this.reportNow = true;
    this.fleet.schedule(this, clock.now());
    this.uploadBlindArea();
  }

  /**
   * The blind area ended: the fixes the terminal would have reported meanwhile, one a reporting
   * interval as the vehicle drove, kept for upload (firmware records them while it has no network).
   */
  private recordBlindArea(since: number, until: number): void {
    const { settings } = this.fleet;
    this.blindArea ??= new BlindAreaBuffer();
    // Its first fix is due where the next report would have been (so never in the second of the last one).
    for (let t = Math.max(since, this.nextLocationAt); t < until; ) {
      this.blindArea.record(this.location(t));
      t += (this.vehicle.accOn ? settings.drivingIntervalS : settings.parkedIntervalS) * 1000;
    }
    this.fleet.stats.counters.blindAreaFixes += this.blindArea.size;
  }

  /** Sends the next 0x0704 blind-area batch, if one is due and none is awaiting its answer. */
  private uploadBlindArea(): void {
    if (this.link !== Link.Online || this.faults & Fault.silent) return;
    const items = this.blindArea?.nextBatch(this.identity.edition);
    if (items === undefined) return;
    this.sendAwaitingAck('locationBatch', { type: BLIND_AREA_SUPPLEMENT, items });
    this.fleet.stats.counters.batchesSent++;
  }

  private batchAnswered(success: boolean): void {
    if (!success) {
      this.blindArea?.unconfirmed(); // sent again at the next report
      return;
    }
    this.blindArea?.confirmed();
    this.uploadBlindArea();
  }

  /** Answers a platform command: 0x8201 with the current location, everything else with 0x0001 success. */
  private answerCommand(message: Jt808Message): void {
    if (this.faults & Fault.silent || this.link !== Link.Online) return;
    const replySerial = message.header.serial;
    if (message.name === 'locationQuery') {
      this.send('locationQueryResponse', { replySerial, location: this.location(this.fleet.clock.now()) });
    } else {
      this.send('terminalGeneralResponse', { replySerial, replyId: message.header.messageId, result: 0 });
    }
    this.fleet.stats.counters.commandsAnswered++;
  }

  /** Sends what is due now, then sleeps until the next thing is. */
  private report(now: number): void {
    const { settings } = this.fleet;
    this.expirePending();
    if (this.faults & Fault.silent) return;
    this.uploadBlindArea();
    this.vehicle.advanceTo(now);
    if (this.faults & Fault.garbage) this.maybeSendGarbage(now);
    const heartbeatMs = settings.heartbeatS * 1000;
    const locations = !(this.faults & Fault.heartbeatOnly);
    const acc = this.vehicle.accOn;
    if (locations && (this.reportNow || now >= this.nextLocationAt || acc !== this.reportedAcc)) {
      const fix = this.location(now);
      this.sendAwaitingAck('locationReport', fix, fix.time ? Math.floor(fix.time.getTime() / 1000) : 0);
      this.fleet.stats.counters.locationsSent++;
      this.reportNow = false;
      this.reportedAcc = acc;
      this.nextLocationAt = now + (acc ? settings.drivingIntervalS : settings.parkedIntervalS) * 1000;
      this.lastSentAt = now;
    } else if (now - this.lastSentAt >= heartbeatMs) {
      this.sendAwaitingAck('heartbeat', {});
      this.fleet.stats.counters.heartbeatsSent++;
      this.lastSentAt = now;
    }
    const next = locations
      ? Math.min(this.nextLocationAt, this.lastSentAt + heartbeatMs, this.vehicle.accSwitchAt)
      : this.lastSentAt + heartbeatMs;
    this.fleet.schedule(this, next);
  }

  private location(now: number): LocationFields {
    this.vehicle.advanceTo(now);
    const { identity, random, fleet } = this;
    const location = healthyLocation(
      this.vehicle,
      this.vehicle.position(scratch),
      now,
      identity.edition,
      random,
    );
    if (this.faults === 0) return location;
    const elapsed = now - fleet.clock.simOriginMs;
    return applyFaults(location, {
      faults: this.faults,
      memory: this.memory,
      index: identity.index,
      seed: fleet.settings.seed,
      random,
      skewHours:
        this.faults & Fault.clockSkew
          ? fleet.plan.activeSpec('clock-skew', identity.index, elapsed)?.hours
          : undefined,
      driftKm:
        this.faults & Fault.positionDrift
          ? fleet.plan.activeSpec('position-drift', identity.index, elapsed)?.km
          : undefined,
    });
  }

  private maybeSendGarbage(now: number): void {
    const elapsed = now - this.fleet.clock.simOriginMs;
    const spec = this.fleet.plan.activeSpec('garbage', this.identity.index, elapsed);
    if (this.random.next() >= (spec?.probability ?? 0.2)) return;
    this.connection!.write(randomBytes(8 + this.random.below(120)));
    this.fleet.stats.counters.garbageWrites++;
  }

  private send<N extends 'registration' | 'locationQueryResponse' | 'terminalGeneralResponse'>(
    name: N,
    body: BodyOf<N>,
  ): number {
    this.fleet.stats.counters.framesSent++;
    return this.connection!.send(name, body);
  }

  /**
   * Sends a frame the platform answers with 0x8001, remembering when for the ack latency, and for
   * a location its GNSS second (the platform keeps one fix per terminal and second).
   */
  private sendAwaitingAck<N extends 'authentication' | 'locationReport' | 'heartbeat' | 'locationBatch'>(
    name: N,
    body: BodyOf<N>,
    fixSecond = 0,
  ): number {
    this.fleet.stats.counters.framesSent++;
    const serial = this.connection!.send(name, body);
    this.pending ??= [];
    this.pending.push(serial, SimClock.realNow(), MessageId[name], fixSecond);
    return serial;
  }

  /** Removes the pending frame `serial` into `taken`; false if there is none. */
  private takePending(serial: number, messageId: number): boolean {
    const pending = this.pending;
    if (pending === undefined) return false;
    for (let i = 0; i < pending.length; i += PENDING_STRIDE) {
      if (pending[i] !== serial || pending[i + 2] !== messageId) continue;
      taken.sentAt = pending[i + 1]!;
      taken.fixSecond = pending[i + 3]!;
      pending.splice(i, PENDING_STRIDE);
      return true;
    }
    return false;
  }

  private expirePending(): void {
    const pending = this.pending;
    if (pending === undefined || pending.length === 0) return;
    const cutoff = SimClock.realNow() - this.fleet.settings.ackTimeoutMs;
    let kept = 0;
    for (let i = 0; i < pending.length; i += PENDING_STRIDE) {
      if (pending[i + 1]! < cutoff) {
        this.fleet.stats.error('ack-timeout');
        if (pending[i + 2] === MessageId.locationBatch) this.blindArea?.unconfirmed();
        continue;
      }
      for (let j = 0; j < PENDING_STRIDE; j++) pending[kept++] = pending[i + j]!;
    }
    pending.length = kept;
  }

  private closeOnPurpose(retryDelayS?: readonly [number, number]): void {
    this.closingOnPurpose = true;
    this.retryDelayS = retryDelayS;
    this.connection!.destroy();
  }

  private onClosed(): void {
    if (!this.open) return;
    const { stats } = this.fleet;
    this.open = false;
    stats.counters.connected--;
    if (this.online) stats.counters.authenticated--;
    else this.failedAttempts++;
    this.online = false;
    this.pending = undefined;
    this.blindArea?.unconfirmed();
    const onPurpose = this.closingOnPurpose;
    this.closingOnPurpose = false;
    if (this.fleet.stopping || this.link === Link.Stopped) {
      this.link = Link.Stopped;
      return;
    }
    if (!onPurpose) {
      stats.counters.disconnects++;
      if (!(this.faults & EXPECTS_CLOSE)) stats.error('closed-by-gateway');
    }
    if (this.reconnectAtOnce) {
      this.reconnectAtOnce = false;
      this.link = Link.Queued;
      void this.connect();
      return;
    }
    const delay = (onPurpose ? this.retryDelayS : undefined) ?? reconnectWindow(this.failedAttempts);
    this.retryDelayS = undefined;
    this.retryLater(delay);
  }

  /** Waits a random while (simulated) and reconnects; faults keeping the terminal away hold it off. */
  private retryLater([low, high]: readonly [number, number]): void {
    this.link = Link.Away;
    if (this.faults & KEEPS_AWAY) {
      this.fleet.cancel(this);
      return;
    }
    this.fleet.schedule(this, this.fleet.clock.now() + this.random.between(low, high) * 1000);
  }
}
