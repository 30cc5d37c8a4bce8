/**
 * The live feed (WebSocket /api/live, docs/api.md "Live feed"): position and status deltas of the
 * vehicles the user may see. One connection is shared by every page that listens; it reconnects
 * after a drop and closes when the last listener leaves.
 */

import { type LiveDelta, parseDeltas } from './live-deltas.js';

export type { LiveDelta };

export interface LiveListener {
  deltas?(deltas: LiveDelta[]): void;
  /**
   * The same deltas as the JSON text they came in, for a listener that parses them off the page's
   * thread (the map's fleet worker). A second of the whole province is one message of ~1.7 MB;
   * nothing on this thread parses it unless a listener asks for `deltas`.
   */
  deltasJson?(json: string): void;
  /** A binary FleetSnapshot (platform/schema/live.proto), after someone asked with requestSnapshot. */
  snapshot?(bytes: ArrayBuffer): void;
}

const RECONNECT_MS = 2000;

const listeners = new Set<LiveListener>();
let socket: WebSocket | undefined;
let reconnect: ReturnType<typeof setTimeout> | undefined;
/** The last viewport set, sent again after a reconnect. */
let viewport: [number, number, number, number] | null = null;

function liveUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/live`;
}

function open(): void {
  reconnect = undefined;
  const ws = new WebSocket(liveUrl());
  ws.binaryType = 'arraybuffer';
  socket = ws;
  ws.onopen = () => {
    if (viewport) ws.send(JSON.stringify({ bbox: viewport }));
  };
  ws.onmessage = (event: MessageEvent<string | ArrayBuffer>) => {
    if (typeof event.data === 'string') {
      const json = event.data;
      let parsed: LiveDelta[] | null | undefined;
      for (const listener of listeners) {
        listener.deltasJson?.(json);
        if (!listener.deltas) continue;
        parsed ??= parseDeltas(json);
        if (parsed) listener.deltas(parsed);
      }
    } else {
      for (const listener of listeners) listener.snapshot?.(event.data);
    }
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = undefined;
    if (listeners.size > 0) reconnect = setTimeout(open, RECONNECT_MS);
  };
}

/** Starts listening; returns the function that stops. */
export function listenLive(listener: LiveListener): () => void {
  listeners.add(listener);
  if (!socket && !reconnect) open();
  return () => {
    listeners.delete(listener);
    if (listeners.size > 0) return;
    clearTimeout(reconnect);
    reconnect = undefined;
    const ws = socket;
    socket = undefined;
    ws?.close();
  };
}

function send(message: object): void {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  else socket?.addEventListener('open', () => socket?.send(JSON.stringify(message)), { once: true });
}

/** Limits position deltas to a map viewport [minLon, minLat, maxLon, maxLat]; null for everywhere. */
export function setLiveViewport(bbox: [number, number, number, number] | null): void {
  viewport = bbox;
  send({ bbox });
}

/** Asks for a binary snapshot of every vehicle in scope; it arrives at the listeners' `snapshot`. */
export function requestSnapshot(): void {
  send({ snapshot: true });
}
