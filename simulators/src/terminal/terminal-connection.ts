import { connect, type Socket } from 'node:net';
import {
  type BodyOf,
  decodeFrame,
  type Edition,
  encodeMessage,
  FrameSplitter,
  isJt808Error,
  type Jt808Message,
  type MessageName,
  type OutgoingMessage,
} from '@jt808/protocol';

export interface TerminalConnectionOptions {
  host: string;
  port: number;
  phone: string;
  edition: Edition;
  /** Local address to connect from (127.x.y.z), to spread many terminals over source addresses. */
  localAddress?: string;
  /**
   * Source port to try first (with `localAddress`); if the system refuses it (in use, or the same
   * address pair still closing), the connection takes the system's choice from then on.
   */
  localPort?: number;
  /** How long `request` waits for the platform's answer. */
  replyTimeoutMs?: number;
}

type Waiter = {
  match: (message: Jt808Message) => boolean;
  resolve: (message: Jt808Message) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
};

/**
 * One terminal's TCP connection as firmware would hold it: frames out with the terminal's own
 * serial numbers, frames in through the codec's splitter. Knows nothing of the gateway's insides.
 */
export class TerminalConnection {
  private socket: Socket | undefined;
  private serial = 0;
  private readonly waiters = new Set<Waiter>();
  private readonly splitter: FrameSplitter;
  /** Platform messages nobody was waiting for (downlink commands), oldest first. */
  readonly inbox: Jt808Message[] = [];
  onDownlink: ((message: Jt808Message) => void) | undefined;
  onClose: (() => void) | undefined;
  badFrames = 0;
  /** `options.localPort` was refused once: not asked for again. */
  private portRefused = false;

  constructor(readonly options: TerminalConnectionOptions) {
    this.splitter = new FrameSplitter({ onFrame: (frame) => this.onFrame(frame) });
  }

  async connect(): Promise<void> {
    const localPort = this.portRefused ? undefined : this.options.localPort;
    try {
      await this.open(localPort);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (localPort === undefined || (code !== 'EADDRINUSE' && code !== 'EADDRNOTAVAIL')) throw error;
      this.portRefused = true;
      await this.open(undefined);
    }
  }

  private open(localPort: number | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect({
        host: this.options.host,
        port: this.options.port,
        localAddress: this.options.localAddress,
        localPort,
      });
      socket.setNoDelay(true);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.on('error', () => {});
        resolve();
      });
      socket.once('error', reject);
      socket.on('data', (chunk) => this.splitter.push(chunk));
      socket.on('close', () => {
        // A socket whose bind was refused closes after its replacement may have connected: not ours to report.
        if (this.socket !== socket) return;
        for (const waiter of this.waiters) {
          clearTimeout(waiter.timer);
          waiter.reject(new Error('connection closed'));
        }
        this.waiters.clear();
        this.onClose?.();
      });
      this.socket = socket;
      this.splitter.reset();
    });
  }

  get connected(): boolean {
    return this.socket !== undefined && !this.socket.destroyed && this.socket.readyState === 'open';
  }

  nextSerial(): number {
    const serial = this.serial;
    this.serial = (this.serial + 1) & 0xffff;
    return serial;
  }

  /** Sends a message; returns the serial it carried. */
  send<N extends MessageName>(name: N, body: BodyOf<N>): number {
    const serial = this.nextSerial();
    const header = { phone: this.options.phone, serial, edition: this.options.edition };
    this.write(encodeMessage({ name, header, body } as OutgoingMessage));
    return serial;
  }

  write(bytes: Uint8Array): void {
    this.socket?.write(bytes);
  }

  /**
   * Sends a message and waits for the platform's answer to it: 0x8001 or 0x8100 quoting its serial
   * (or 0x8800 for a multimedia upload).
   */
  async request<N extends MessageName>(name: N, body: BodyOf<N>): Promise<Jt808Message> {
    const serial = this.serial;
    const answer = this.waitFor(
      (m) => answers(m, serial) || (name === 'multimediaUpload' && m.name === 'multimediaUploadResponse'),
    );
    this.send(name, body);
    return answer;
  }

  /** Resolves with the next platform message that matches (including ones already in the inbox). */
  waitFor(
    match: (message: Jt808Message) => boolean,
    timeoutMs = this.options.replyTimeoutMs ?? 10_000,
  ): Promise<Jt808Message> {
    const queued = this.inbox.findIndex(match);
    if (queued >= 0) return Promise.resolve(this.inbox.splice(queued, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`no matching platform message within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  private onFrame(frame: Uint8Array): void {
    let message: Jt808Message;
    try {
      message = decodeFrame(frame);
    } catch (error) {
      if (!isJt808Error(error)) throw error;
      this.badFrames++;
      return;
    }
    for (const waiter of this.waiters) {
      if (!waiter.match(message)) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve(message);
      return;
    }
    if (this.onDownlink) this.onDownlink(message);
    else this.inbox.push(message);
  }

  /** Closes politely (FIN). */
  end(): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
    });
  }

  /** Drops the connection at once (RST), as a terminal losing power would. */
  destroy(): void {
    this.socket?.resetAndDestroy();
  }
}

/** Whether `message` is the platform's answer to the terminal message with `serial`. */
export function answers(message: Jt808Message, serial: number): boolean {
  if (message.name === 'platformGeneralResponse' || message.name === 'registrationResponse') {
    return message.body.replySerial === serial;
  }
  return false;
}
