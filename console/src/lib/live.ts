/**
 * The live feed for the page: position and status deltas of the vehicles the user may see. One
 * connection (live-socket.ts) is shared by every page that listens; it closes when the last
 * listener leaves. The map does not listen here: its fleet worker has a connection of its own.
 */
import { LiveConnection, type LiveDelta, parseDeltas } from './live-socket.js';

export type { LiveDelta };

export interface LiveListener {
  deltas(deltas: LiveDelta[]): void;
}

const listeners = new Set<LiveListener>();
let connection: LiveConnection | undefined;

function received(json: string): void {
  const deltas = parseDeltas(json);
  if (deltas) for (const listener of listeners) listener.deltas(deltas);
}

/** Starts listening; returns the function that stops. */
export function listenLive(listener: LiveListener): () => void {
  listeners.add(listener);
  connection ??= new LiveConnection(received);
  return () => {
    listeners.delete(listener);
    if (listeners.size > 0) return;
    connection?.close();
    connection = undefined;
  };
}
