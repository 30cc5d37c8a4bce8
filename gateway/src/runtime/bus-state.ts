import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

/**
 * Whether this worker's bus is reachable, as the bus reports it (see Bus.onAvailability). While it
 * is not, sessions answer heartbeats themselves and refuse the rest unacknowledged
 * (handlers/bus-down.ts) instead of queueing what cannot become durable.
 */
export class BusState {
  /** Read for every frame: a plain field. */
  down = false;
  private downSince = 0;

  constructor(
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly onDown: () => void,
  ) {
    metrics.busUp.set(1);
  }

  set(available: boolean): void {
    if (available === !this.down) return;
    this.down = !available;
    this.metrics.busUp.set(available ? 1 : 0);
    if (this.down) {
      this.downSince = Date.now();
      this.log.error('bus unreachable: answering heartbeats, refusing data unacknowledged until it is back');
      this.onDown();
    } else {
      this.log.warn({ downSeconds: (Date.now() - this.downSince) / 1000 }, 'bus reachable again');
    }
  }
}
