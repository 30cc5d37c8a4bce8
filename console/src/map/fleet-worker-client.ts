import type { FleetView } from './aggregate.js';
import type { FleetFrame, FromFleetWorker, ToFleetWorker } from './worker-protocol.js';

export interface FleetWorkerEvents {
  loaded(count: number): void;
  /** A message of live deltas arrived in the worker at `atMs` (epoch ms) and was applied there. */
  deltas(atMs: number): void;
  frame(frame: FleetFrame): void;
  error(message: string): void;
}

/**
 * The page's side of the fleet worker. At most one frame is computed at a time: views asked for
 * meanwhile collapse into the newest, so a fast pan or a flood of deltas never queues up work.
 */
export class FleetWorkerClient {
  private readonly worker = new Worker(new URL('./fleet.worker.ts', import.meta.url), { type: 'module' });
  private inFlight = false;
  private queued: FleetView | undefined;
  private loaded = false;

  constructor(private readonly events: FleetWorkerEvents) {
    this.worker.onmessage = (event: MessageEvent<FromFleetWorker>) => this.receive(event.data);
    this.worker.onerror = (event) => events.error(event.message || 'fleet worker failed');
  }

  /** Loads the fleet from `url` and keeps it current from the live feed. */
  load(url: string): void {
    this.send({ type: 'load', url });
  }

  /** Asks for the clusters and single vehicles of a view. */
  frame(view: FleetView): void {
    if (!this.loaded || this.inFlight) {
      this.queued = view;
      return;
    }
    this.inFlight = true;
    this.send({ type: 'frame', view });
  }

  terminate(): void {
    this.worker.terminate();
  }

  private receive(message: FromFleetWorker): void {
    if (message.type === 'deltas') {
      this.events.deltas(message.atMs);
      return;
    }
    if (message.type === 'loaded') {
      this.loaded = true;
      this.events.loaded(message.count);
    } else if (message.type === 'error') {
      // A failed frame ends the one in flight, so the next view is computed.
      this.inFlight = false;
      this.events.error(message.message);
    } else {
      this.inFlight = false;
      this.events.frame(message);
    }
    if (this.loaded && !this.inFlight && this.queued) {
      const view = this.queued;
      this.queued = undefined;
      this.frame(view);
    }
  }

  private send(message: ToFleetWorker): void {
    this.worker.postMessage(message);
  }
}
