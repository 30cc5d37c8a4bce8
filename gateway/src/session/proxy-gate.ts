import type { Socket } from 'node:net';
import { type Peer, parseProxyHeader, socketPeer } from './proxy-header.js';

export type ProxyHeaderFailure = 'missing' | 'malformed' | 'timeout';

export interface ProxyGateHandlers {
  /** The header arrived: `rest` is what followed it in the same read (the terminal's first bytes). */
  admit(socket: Socket, peer: Peer, rest: Buffer): void;
  /** The connection is about to be closed; the callee counts it. */
  refuse(socket: Socket, reason: ProxyHeaderFailure): void;
}

/**
 * Holds new connections until their PROXY protocol header is read (`--proxy-protocol`: the gateway
 * sits behind a TCP balancer, and the header says which terminal a connection is for). Nothing of
 * a connection reaches a session before its header; one that sends something else, or not all of
 * it within the timeout, is closed.
 */
export class ProxyGate {
  /** Connections still waiting, with the time they were accepted, in that order. */
  private readonly waiting = new Map<Socket, number>();

  constructor(
    private readonly timeoutMs: number,
    private readonly handlers: ProxyGateHandlers,
  ) {}

  accept(socket: Socket): void {
    // Almost always the header arrives whole in the first segment (HAProxy sends it as it connects,
    // often with the terminal's first frame), and no bytes are copied.
    let pending: Buffer | undefined;
    const onData = (chunk: Buffer) => {
      const data = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
      const header = parseProxyHeader(data);
      if (header === 'incomplete') {
        pending = data; // bounded: past the longest legal header the parse is 'malformed'
        return;
      }
      this.release(socket, onData, onClose);
      if (typeof header === 'string') this.fail(socket, header);
      else this.handlers.admit(socket, header.source ?? socketPeer(socket), data.subarray(header.length));
    };
    const onClose = () => this.release(socket, onData, onClose);
    this.waiting.set(socket, Date.now());
    socket.on('data', onData);
    socket.on('close', onClose);
  }

  /** Closes the connections whose header is late; called every second. */
  sweep(now: number): void {
    for (const [socket, acceptedAt] of this.waiting) {
      if (now - acceptedAt < this.timeoutMs) return;
      this.waiting.delete(socket);
      this.fail(socket, 'timeout');
    }
  }

  /** Shutting down: whoever has not sent a header yet is not waited for. */
  closeAll(): void {
    for (const socket of this.waiting.keys()) socket.destroy();
    this.waiting.clear();
  }

  private release(socket: Socket, onData: (chunk: Buffer) => void, onClose: () => void): void {
    this.waiting.delete(socket);
    socket.off('data', onData);
    socket.off('close', onClose);
  }

  private fail(socket: Socket, reason: ProxyHeaderFailure): void {
    this.handlers.refuse(socket, reason);
    socket.destroy();
  }
}
