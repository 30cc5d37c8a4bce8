import { Histogram } from '@jt808/simulators';
import WebSocket from 'ws';
import { type Operator, SESSION_COOKIE } from './operators.js';
import { type Summary, summarize, summarizeHistogram } from './percentiles.js';

export interface LiveResult {
  clients: number;
  connected: number;
  /** Sockets that errored or that the server closed. */
  failed: number;
  snapshotMs: Summary;
  snapshotBytes: Summary;
  /** Deltas received by all clients over the window, per client per second. */
  deltasPerClientPerSecond: number;
  /** Receive time − the delta's own time (the fix time the publisher stamped, or the transition's). */
  lagMs: Summary;
  messages: number;
}

/**
 * The operators' consoles' live connections: each opens /api/live with its cookie, asks for the
 * snapshot of its scope and counts the deltas it receives. `measure()` starts the window, `stop()`
 * closes every socket and returns the window's figures.
 */
export class LiveClients {
  private readonly sockets: WebSocket[] = [];
  private readonly snapshotMs: number[] = [];
  private readonly snapshotBytes: number[] = [];
  private lags = new Histogram();
  /** Since the last `sample()`. */
  private sampleLags = new Histogram();
  private sampleDeltas = 0;
  private sampleStart = 0;
  private deltas = 0;
  private messages = 0;
  private failed = 0;
  private windowStart = 0;
  private stopping = false;

  constructor(
    private readonly base: URL,
    private readonly operators: Operator[],
  ) {}

  /** Connects every client and waits for every snapshot (or `timeoutMs`). */
  async connect(timeoutMs = 120_000): Promise<void> {
    const url = new URL('/api/live', this.base);
    url.protocol = 'ws:';
    await Promise.all(
      this.operators.map(
        (operator) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, timeoutMs);
            const done = () => {
              clearTimeout(timer);
              resolve();
            };
            const socket = new WebSocket(url, { headers: { cookie: `${SESSION_COOKIE}=${operator.token}` } });
            this.sockets.push(socket);
            let askedAt = 0;
            let failed = false;
            socket.on('open', () => {
              askedAt = performance.now();
              socket.send(JSON.stringify({ snapshot: true, bbox: null }));
            });
            socket.on('message', (data: Buffer, isBinary: boolean) => {
              if (isBinary) {
                this.snapshotMs.push(performance.now() - askedAt);
                this.snapshotBytes.push(data.length);
                done();
                return;
              }
              this.receive(data);
            });
            const fail = () => {
              if (failed || this.stopping) return;
              failed = true;
              this.failed++;
              done();
            };
            socket.on('error', fail);
            socket.on('unexpected-response', fail);
            socket.on('close', fail);
          }),
      ),
    );
  }

  private receive(data: Buffer): void {
    if (this.windowStart === 0) return;
    const now = Date.now();
    this.messages++;
    for (const delta of JSON.parse(data.toString()) as { at?: string }[]) {
      this.deltas++;
      this.sampleDeltas++;
      if (delta.at) {
        const lag = now - Date.parse(delta.at);
        this.lags.record(lag);
        this.sampleLags.record(lag);
      }
    }
  }

  measure(): void {
    this.windowStart = Date.now();
    this.sampleStart = this.windowStart;
    this.lags = new Histogram();
    this.sampleLags = new Histogram();
    this.deltas = 0;
    this.sampleDeltas = 0;
    this.messages = 0;
  }

  /** The lag and the deltas per client per second since the last sample (or `measure()`). */
  sample(): { lagMs: Summary; deltasPerClientPerSecond: number } {
    const now = Date.now();
    const seconds = Math.max(0.001, (now - this.sampleStart) / 1000);
    const result = {
      lagMs: summarizeHistogram(this.sampleLags),
      deltasPerClientPerSecond: this.sampleDeltas / Math.max(1, this.operators.length) / seconds,
    };
    this.sampleLags = new Histogram();
    this.sampleDeltas = 0;
    this.sampleStart = now;
    return result;
  }

  stop(): LiveResult {
    const seconds = (Date.now() - this.windowStart) / 1000;
    this.stopping = true;
    for (const socket of this.sockets) socket.terminate();
    return {
      clients: this.operators.length,
      connected: this.snapshotMs.length,
      failed: this.failed,
      snapshotMs: summarize(this.snapshotMs),
      snapshotBytes: summarize(this.snapshotBytes),
      deltasPerClientPerSecond: this.deltas / Math.max(1, this.operators.length) / seconds,
      lagMs: summarizeHistogram(this.lags),
      messages: this.messages,
    };
  }
}
