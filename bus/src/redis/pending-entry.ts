import { joinEvents } from '../event-batch.js';

/**
 * Caps on one entry. A turn of a busy gateway's event loop publishes tens of events; the caps keep
 * a burst (a reconnect storm's sign-ins, blind-area uploads) from making entries that take long to
 * write, read or redeliver.
 */
export const MAX_EVENTS_PER_ENTRY = 512;
export const MAX_ENTRY_BYTES = 256 * 1024;

/**
 * The events a publisher gathers for its next stream entry, and the one promise all of their
 * publishers wait on: it settles when the entry is in the stream (or failed to get there).
 */
export class PendingEntry {
  readonly events: Buffer[] = [];
  private bytes = 0;
  readonly written: Promise<void>;
  resolve!: () => void;
  reject!: (error: Error) => void;

  constructor(private readonly maxBytes = MAX_ENTRY_BYTES) {
    this.written = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  add(event: Buffer): void {
    this.events.push(event);
    this.bytes += event.length;
  }

  full(): boolean {
    return this.events.length >= MAX_EVENTS_PER_ENTRY || this.bytes >= this.maxBytes;
  }

  /** The entry's TerminalEventBatch. */
  join(): Buffer {
    return joinEvents(this.events, this.bytes);
  }
}
