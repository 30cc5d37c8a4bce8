/**
 * The live feed (WebSocket /api/live, docs/api.md "Live feed"): its deltas, and a connection to it
 * that opens again after a drop. Used by the page (live.ts: one connection shared by its
 * listeners) and by the map's fleet worker, which reads the whole province's deltas off the page's
 * thread; nothing here needs the DOM.
 */
import type { LiveDelta } from '@jt808/api-contract';

export type { LiveDelta };

const RECONNECT_MS = 2000;

/** The deltas of a message; null when it is not an array of them (then it is skipped). */
export function parseDeltas(json: string): LiveDelta[] | null {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? (parsed as LiveDelta[]) : null;
  } catch {
    return null;
  }
}

/**
 * One connection to the live feed, handing on each message's text as it came: the user's scope,
 * no viewport (every position matters to the map's clusters). Changes sent while it is down are
 * lost; a position is superseded by the vehicle's next one.
 */
export class LiveConnection {
  private socket: WebSocket | undefined;
  private reconnect: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(private readonly onText: (json: string) => void) {
    this.open();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnect);
    const ws = this.socket;
    this.socket = undefined;
    ws?.close();
  }

  private open(): void {
    this.reconnect = undefined;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}/api/live`);
    this.socket = ws;
    ws.onmessage = (event: MessageEvent<unknown>) => {
      if (typeof event.data === 'string') this.onText(event.data);
    };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.socket = undefined;
      if (!this.closed) this.reconnect = setTimeout(() => this.open(), RECONNECT_MS);
    };
  }
}
