/// <reference lib="webworker" />
import { parseDeltas } from '../lib/live-deltas.js';
import { aggregate } from './aggregate.js';
import { readFleetColumns } from './fleet-columns.js';
import { type FleetDelta, FleetStore } from './fleet-store.js';
import { PointTracker } from './point-diff.js';
import type { FromFleetWorker, ToFleetWorker } from './worker-protocol.js';

/**
 * The map's fleet, off the page's thread: loads the map snapshot, applies live deltas, and answers
 * each view with its clusters and the changes among single vehicles.
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
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  } finally {
    pending = undefined;
  }
}

scope.onmessage = (event: MessageEvent<ToFleetWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'load':
      void load(message.url);
      break;
    case 'deltas': {
      batches++;
      const deltas = parseDeltas(message.json);
      if (!deltas) break;
      if (store) store.apply(deltas);
      else pending?.push(deltas);
      break;
    }
    case 'frame': {
      if (!store) return;
      const started = performance.now();
      let result: ReturnType<typeof aggregate>;
      try {
        result = aggregate(store, message.view);
      } catch (error) {
        // The page hears of it and may ask again; the fleet itself is unharmed.
        post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
        return;
      }
      post({
        type: 'frame',
        clusters: result.clusters,
        points: tracker.diff(store, result.points),
        visible: result.visible,
        drawn: result.points.length,
        totals: result.totals,
        unplaced: result.unplaced,
        workerMs: performance.now() - started,
        batches,
      });
      break;
    }
  }
};
