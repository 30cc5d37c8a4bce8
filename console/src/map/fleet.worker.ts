/// <reference lib="webworker" />
import { LiveConnection, parseDeltas } from '../lib/live-socket.js';
import { readFleetColumns } from './fleet-columns.js';
import { fleetFrame } from './fleet-frame.js';
import { type FleetDelta, FleetStore } from './fleet-store.js';
import { PointTracker } from './point-diff.js';
import type { FromFleetWorker, ToFleetWorker } from './worker-protocol.js';

/**
 * The map's fleet, off the page's thread: loads the map snapshot, listens to the live feed and
 * applies its deltas, and answers each view with its clusters and the changes among single
 * vehicles. The page hears of each message of deltas (to ask for a frame), not its contents.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
let store: FleetStore | undefined;
/**
 * Deltas that arrive while the snapshot loads; applied after it (they are as new or newer). Only
 * while it loads: after a failed load nothing would ever apply them, and they would pile up.
 */
let pending: FleetDelta[][] | undefined;
const tracker = new PointTracker();
/** Messages of deltas received: each frame reflects all of them. */
let batches = 0;
let live: LiveConnection | undefined;

function post(message: FromFleetWorker): void {
  scope.postMessage(message);
}

async function load(url: string): Promise<void> {
  pending = [];
  try {
    const response = await fetch(url, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`map snapshot: HTTP ${response.status}`);
    const columns = readFleetColumns(await response.arrayBuffer());
    store = FleetStore.fromColumns(columns);
    for (const deltas of pending) store.apply(deltas);
    post({ type: 'loaded', count: columns.count, atMs: columns.atMs });
  } catch (error) {
    // Without the fleet the deltas have nowhere to go.
    live?.close();
    live = undefined;
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  } finally {
    pending = undefined;
  }
}

/**
 * A message of the live feed. A second of the whole province is 13,333 deltas, ~1.6 MB of JSON:
 * parsing it took 7 ms of CPU (8-17 ms) in Node on our 2-core machine and cloning the parsed
 * objects for postMessage 19-47 ms; on the page's thread, with its GC, a minute at that rate in
 * chromium had 22 tasks over 100 ms (load average 9-12). Here the page's thread does none of it.
 */
function received(json: string): void {
  const atMs = performance.timeOrigin + performance.now();
  batches++;
  const deltas = parseDeltas(json);
  if (deltas) {
    if (store) store.apply(deltas);
    else pending?.push(deltas);
  }
  post({ type: 'deltas', atMs });
}

scope.onmessage = (event: MessageEvent<ToFleetWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'load':
      // Listen before loading the snapshot: deltas that arrive meanwhile wait for it.
      live ??= new LiveConnection(received);
      void load(message.url);
      break;
    case 'frame': {
      if (!store) return;
      const started = performance.now();
      let frame: ReturnType<typeof fleetFrame>;
      try {
        frame = fleetFrame(store, tracker, message.view);
      } catch (error) {
        // The page hears of it and may ask again; the fleet itself is unharmed.
        post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
        return;
      }
      post({ type: 'frame', ...frame, workerMs: performance.now() - started, batches });
      break;
    }
  }
};
