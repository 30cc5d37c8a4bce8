import type { Socket } from 'node:net';
import {
  decodeBody,
  type Edition,
  encodeMessage,
  encodeRaw,
  type FragmentMessage,
  FrameSplitter,
  type Header,
  isJt808Error,
  type Jt808Message,
  type OutgoingMessage,
  PACKET_SLOT_BYTES,
  readFrame,
  SubPackageAssembler,
} from '@jt808/protocol';
import type { GatewayContext, Inbound, Reply } from '../context.js';
import { answerWhileBusDown } from '../handlers/bus-down.js';
import type { Peer } from './proxy-header.js';
import { TokenBucket } from './token-bucket.js';

export type SessionState = 'connected' | 'registered' | 'authenticated';

/** Consecutive undecodable frames after which the peer is taken for a non-terminal and dropped. */
const MAX_CONSECUTIVE_BAD_FRAMES = 20;

let sessionCounter = 0;

/**
 * One terminal connection: splits and decodes its byte stream, runs its messages through the
 * handlers one at a time (so a registration is settled before the authentication behind it), and
 * owns its write side and its serial numbers.
 */
export class Session {
  readonly id: string;
  /** The terminal's address and port (from the PROXY protocol header behind a balancer). */
  readonly remoteAddress: string;
  /** The terminal's address alone: the key of the per-address limits. */
  readonly remoteIp: string;
  state: SessionState = 'connected';
  /**
   * The state the server's gauges count this session in: they follow `state` after each message,
   * so a session that closes while its message is still being handled is uncounted from here.
   */
  countedState: SessionState = 'connected';
  /** Phone from the first frame that decoded (for our replies' headers); proven only once authenticated. */
  phone: string | undefined;
  edition: Edition = '2013';
  protocolVersion = 1;
  authFailures = 0;
  readonly openedAt: number;
  lastFrameAt: number;
  /** When the splitter started holding a partial frame (0 when it holds none). */
  partialSince = 0;
  private serial = 0;
  private badFrames = 0;
  private inFlight = 0;
  /** Decoded messages waiting for the ones before them to be handled. */
  private readonly waiting: Inbound[] = [];
  private handling = false;
  private paused = false;
  /** Stopped by the worker's intake limit (see IntakeLimit) until it reopens. */
  private heldByIntake = false;
  private throttledUntil = 0;
  private closed = false;
  private readonly splitter: FrameSplitter;
  private readonly bucket: TokenBucket;
  /** Created on the first sub-packaged message: most terminals never send one. */
  private assembler: SubPackageAssembler | undefined;

  constructor(
    readonly socket: Socket,
    private readonly ctx: GatewayContext,
    peer: Peer,
  ) {
    this.id = `${ctx.gatewayId}:${process.pid}:${++sessionCounter}`;
    this.remoteIp = peer.address;
    this.remoteAddress = `${peer.address}:${peer.port}`;
    this.openedAt = this.lastFrameAt = Date.now();
    this.bucket = new TokenBucket(ctx.config.maxFramesPerSecond, ctx.config.frameBurst, this.openedAt);
    this.splitter = new FrameSplitter({
      onFrame: (escaped) => this.onFrame(escaped),
      onError: (error) => this.onBadFrame(error.reason, error.message),
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.receive(chunk));
  }

  /** Bytes from the terminal: the socket's, and those that came with the PROXY protocol header. */
  receive(chunk: Buffer): void {
    this.splitter.push(chunk);
    this.partialSince = this.splitter.bufferedBytes > 0 ? this.partialSince || Date.now() : 0;
  }

  private onFrame(escaped: Uint8Array): void {
    if (this.closed) return;
    const now = Date.now();
    let inbound: Inbound;
    try {
      const { header, data, bodyStart, bodyEnd } = readFrame(escaped);
      // A copy: the splitter reuses its buffer, and the body outlives this call on its way to the bus.
      const body = data.slice(bodyStart, bodyEnd);
      const message: Jt808Message = header.subPackage
        ? { name: 'fragment', header, body }
        : decodeBody(header, body);
      inbound = { message, body };
    } catch (error) {
      if (!isJt808Error(error)) throw error;
      this.onBadFrame(error.reason, error.message, error.hex);
      return;
    }
    const { message } = inbound;
    this.badFrames = 0;
    this.lastFrameAt = now;
    this.ctx.metrics.framesOf(message.name).inc();
    const wait = this.bucket.take(now);
    if (wait > 0) this.throttle(now + wait);
    if (this.phone === undefined) this.identify(message.header);
    // Not queued behind messages that wait for the bus: nothing more is held while it is down.
    if (this.ctx.busState.down) {
      answerWhileBusDown(this.ctx, this, inbound);
      return;
    }
    // Sub-packages too wait their turn: they are collected only once the messages before them (an
    // authentication) are handled, and only for an authenticated session (see dispatch).
    this.enqueue(inbound);
  }

  /**
   * Adds a packet of a sub-packaged message; returns the whole message once every packet is in.
   * Within this session's bound (2 MiB, 16 messages) and the worker's ReassemblyBudget.
   */
  reassemble(fragment: FragmentMessage): Inbound | undefined {
    const budget = this.ctx.reassembly;
    const worstCase = fragment.body.length + PACKET_SLOT_BYTES * (fragment.header.subPackage?.total ?? 0);
    if (!budget.admits(worstCase)) {
      this.ctx.metrics.reassemblyBudget.inc();
      return undefined;
    }
    try {
      this.assembler ??= new SubPackageAssembler({ maxBytes: 2 * 1024 * 1024, maxMessages: 16 });
      const assembler = this.assembler;
      const whole = budget.charge(assembler, () => assembler.pushRaw(fragment));
      // The joined body goes to the bus as the terminal sent it, like an unsplit message's body.
      return whole && { message: decodeBody(whole.header, whole.body), body: whole.body };
    } catch (error) {
      if (!isJt808Error(error)) throw error;
      this.onBadFrame(error.reason, error.message, error.hex);
      return undefined;
    }
  }

  /** Sub-packaged messages still waiting for packets, for the 0x8003 resend requests. */
  get reassembly(): SubPackageAssembler | undefined {
    return this.assembler;
  }

  private identify(header: Header): void {
    this.phone = header.phone;
    this.edition = header.edition;
    this.protocolVersion = header.protocolVersion || 1;
  }

  /** Handles messages strictly in arrival order; stops reading while too many are unanswered. */
  private enqueue(inbound: Inbound): void {
    this.inFlight++;
    // Counted once per stop, not once per frame of the chunk already in hand.
    if (this.ctx.intake.take(this) && !this.heldByIntake) {
      this.heldByIntake = true;
      this.ctx.metrics.intakeStopped.inc();
      this.pause();
    }
    if (this.inFlight >= this.ctx.config.maxInFlight) this.pause();
    this.waiting.push(inbound);
    if (!this.handling) void this.handleWaiting();
  }

  /**
   * Runs the waiting messages through the handlers one at a time, then stops. Nothing is kept
   * between frames: a promise chain stored on the session lived until the terminal's next frame,
   * long enough for V8 to promote it to the old generation every time (1.4 GB promoted in 75 s at
   * 13,333 frames/s, then collected by full mark-sweeps).
   */
  private async handleWaiting(): Promise<void> {
    this.handling = true;
    for (let inbound = this.waiting.shift(); inbound !== undefined; inbound = this.waiting.shift()) {
      try {
        await this.ctx.handle(this, inbound);
      } catch (error) {
        this.ctx.log.error({ err: error, session: this.id }, 'handler failed');
      }
      this.inFlight--;
      this.ctx.intake.release();
      if (this.inFlight < this.ctx.config.maxInFlight / 2) this.resume();
    }
    // Emptied by shift(), the array still holds its backing store (17 slots, ~150 B); length 0
    // drops it, which across 400,000 idle sessions is 60 MB.
    this.waiting.length = 0;
    this.handling = false;
  }

  private onBadFrame(reason: string, detail: string, hex?: string): void {
    this.ctx.metrics.badFrames.inc({ reason });
    this.ctx.logSampled(
      'bad-frame',
      { session: this.id, phone: this.phone, reason, detail, hex },
      'bad frame',
    );
    if (++this.badFrames >= MAX_CONSECUTIVE_BAD_FRAMES) this.close('garbage');
  }

  private throttle(until: number): void {
    this.ctx.metrics.throttled.inc();
    this.throttledUntil = Math.max(this.throttledUntil, until);
    this.pause();
    setTimeout(() => this.resume(), this.throttledUntil - Date.now()).unref();
  }

  private pause(): void {
    if (this.paused || this.closed) return;
    this.paused = true;
    this.socket.pause();
  }

  /** The worker is below its intake bound again. */
  intakeReopened(): void {
    this.heldByIntake = false;
    this.resume();
  }

  /**
   * The bus went down: read again even with messages waiting for it (they wait for its return, in
   * order), since what arrives now is answered or dropped at once and adds nothing to hold.
   */
  busWentDown(): void {
    this.ctx.intake.forget(this);
    this.heldByIntake = false;
    this.resume();
  }

  /** Not reading this connection (intake bounds, flood throttle): its silence is ours. */
  get isPaused(): boolean {
    return this.paused;
  }

  private resume(): void {
    if (!this.paused || this.closed || Date.now() < this.throttledUntil) return;
    const busDown = this.ctx.busState.down;
    if (!busDown && (this.heldByIntake || this.inFlight >= this.ctx.config.maxInFlight / 2)) return;
    this.paused = false;
    // The idle timeout counts from here: the time we did not read is not the terminal's silence.
    this.lastFrameAt = Date.now();
    this.socket.resume();
  }

  nextSerial(): number {
    const serial = this.serial;
    this.serial = (this.serial + 1) & 0xffff;
    return serial;
  }

  /** Encodes and writes a platform message with this session's next serial; returns the serial used. */
  send(message: Reply): number {
    const serial = this.nextSerial();
    const frame = encodeMessage({ ...message, header: this.headerFor(serial) } as OutgoingMessage);
    this.write(frame);
    return serial;
  }

  /** Writes a body some other component already encoded (downlink commands from the platform). */
  sendRaw(messageId: number, body: Uint8Array): number {
    const serial = this.nextSerial();
    this.write(encodeRaw(messageId, this.headerFor(serial), body));
    return serial;
  }

  private headerFor(serial: number) {
    return { phone: this.phone ?? '0', serial, edition: this.edition, protocolVersion: this.protocolVersion };
  }

  private write(frame: Buffer): void {
    if (this.closed) return;
    // A peer that stops reading would make us buffer every reply forever.
    if (this.socket.writableLength > this.ctx.config.maxWriteBuffer) {
      this.close('slow-reader');
      return;
    }
    this.socket.write(frame);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes the connection once; the reason ends up in the metrics and the DISCONNECTED event. */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.forgetHoldings();
    this.ctx.onClosing(this, reason);
    this.socket.end();
    this.socket.destroySoon();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  /** The socket went away on its own (peer closed, reset). */
  onSocketClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.forgetHoldings();
    this.ctx.onClosing(this, 'peer-closed');
  }

  /** Gives back what the session held of the worker's shared bounds. */
  private forgetHoldings(): void {
    this.ctx.intake.forget(this);
    if (this.assembler) this.ctx.reassembly.release(this.assembler);
    this.assembler = undefined;
  }
}
