import { Counter, Rate, Trend } from 'k6/metrics';
import { WebSocket } from 'k6/websockets';
import { SESSION_COOKIE } from './api.ts';
import { LIVE_URL } from './config.ts';

/** From asking for the binary snapshot to having it. */
export const snapshotMs = new Trend('live_snapshot_ms', true);
export const snapshotBytes = new Trend('live_snapshot_bytes');
/** Deltas received, and how old each was (now − its fix or transition time). */
export const deltas = new Counter('live_deltas');
export const deltaLagMs = new Trend('live_delta_lag_ms', true);
/** Sockets that failed (refused upgrade, error, closed by the server). */
export const liveErrors = new Rate('live_errors');

export interface LiveSession {
  close(): void;
}

/**
 * The console's live connection: opens /api/live with the session cookie, asks for the snapshot of
 * the operator's scope (no viewport: the whole scope), then counts the deltas it is sent.
 */
export function openLive(token: string): LiveSession {
  const socket = new WebSocket(LIVE_URL, null, { headers: { Cookie: `${SESSION_COOKIE}=${token}` } });
  socket.binaryType = 'arraybuffer';
  let askedAt = 0;
  let closing = false;
  socket.onopen = () => {
    liveErrors.add(false);
    askedAt = Date.now();
    socket.send(JSON.stringify({ snapshot: true, bbox: null }));
  };
  socket.onmessage = (event) => {
    const data = event?.data;
    if (data instanceof ArrayBuffer) {
      snapshotMs.add(Date.now() - askedAt);
      snapshotBytes.add(data.byteLength);
      return;
    }
    if (typeof data !== 'string') return;
    const now = Date.now();
    for (const delta of JSON.parse(data) as { at?: string }[]) {
      deltas.add(1);
      if (delta.at) deltaLagMs.add(now - Date.parse(delta.at));
    }
  };
  socket.onerror = () => liveErrors.add(true);
  socket.onclose = () => {
    if (!closing) liveErrors.add(true);
  };
  return {
    close() {
      closing = true;
      socket.close();
    },
  };
}
