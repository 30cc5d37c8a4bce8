import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import { type SessionPolicy, stillValid } from '../sessions.js';

interface Socket {
  close(code: number, reason: string): void;
  terminate(): void;
}

/** The close code of a live feed whose session ended: the client has to sign in again. */
export const SESSION_ENDED = 4401;

/**
 * The open live feeds and the sessions they were opened with. A socket outlives the request that
 * opened it, so its session is checked again: every `recheckMs` for all sockets in one query (an
 * expired, idle or revoked session, also one ended through another API process), and at once on a
 * logout through this process. An open feed counts as use of its session (stillValid).
 */
export class SocketSessions {
  private readonly sockets = new Map<Socket, Buffer>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly policy: SessionPolicy,
    private readonly recheckMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.recheck(), this.recheckMs);
    this.timer.unref();
  }

  add(socket: Socket, tokenHash: Buffer): void {
    this.sockets.set(socket, tokenHash);
  }

  remove(socket: Socket): void {
    this.sockets.delete(socket);
  }

  /** Closes the feeds of a session that just ended here. */
  endSession(tokenHash: Buffer): void {
    for (const [socket, hash] of this.sockets) {
      if (hash.equals(tokenHash)) socket.close(SESSION_ENDED, 'session ended');
    }
  }

  async recheck(): Promise<void> {
    if (this.checking || this.sockets.size === 0) return;
    this.checking = true;
    try {
      const hashes = new Map([...this.sockets.values()].map((hash) => [hash.toString('hex'), hash]));
      const valid = await stillValid(this.pool, [...hashes.values()], this.policy);
      for (const [socket, hash] of this.sockets) {
        if (!valid.has(hash.toString('hex'))) socket.close(SESSION_ENDED, 'session ended');
      }
    } catch (error) {
      // The database is away: the feeds stay open until a check gets through.
      this.log.warn({ err: error }, 'could not check the sessions of the live feeds');
    } finally {
      this.checking = false;
    }
  }

  /** On shutdown: the server would otherwise wait for every open feed. */
  stop(): void {
    clearInterval(this.timer);
    for (const socket of this.sockets.keys()) socket.terminate();
    this.sockets.clear();
  }
}
