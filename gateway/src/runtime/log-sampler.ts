import type { Logger } from 'pino';

const WINDOW_MS = 60_000;
const LINES_PER_WINDOW = 5;

/**
 * Warns at most a few times a minute per key and then says how many were suppressed: a peer
 * sending garbage must not be able to fill the disk with our log.
 */
export class LogSampler {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly log: Logger) {}

  warn(key: string, fields: object, message: string): void {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || now - window.start > WINDOW_MS) {
      if (window && window.count > LINES_PER_WINDOW) {
        this.log.warn({ key, suppressed: window.count - LINES_PER_WINDOW }, 'similar log lines suppressed');
      }
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (++window.count <= LINES_PER_WINDOW) this.log.warn(fields, message);
  }
}
