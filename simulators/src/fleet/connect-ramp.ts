/**
 * Lets new connections out at a steady rate (a token bucket refilled `perSecond` per real second,
 * holding at most a tenth of a second's worth), in the order they were queued.
 */
export class ConnectRamp<T> {
  private queue: T[] = [];
  private head = 0;
  private tokens = 0;
  private lastRefill: number;

  constructor(
    private readonly perSecond: number,
    now: number,
  ) {
    this.lastRefill = now;
  }

  get waiting(): number {
    return this.queue.length - this.head;
  }

  push(item: T): void {
    this.queue.push(item);
  }

  /** Hands out as many queued items as the rate allows at real time `now` (ms). */
  release(now: number, take: (item: T) => void): void {
    const burst = Math.max(1, this.perSecond / 10);
    this.tokens = Math.min(burst, this.tokens + ((now - this.lastRefill) / 1000) * this.perSecond);
    this.lastRefill = now;
    while (this.tokens >= 1 && this.head < this.queue.length) {
      this.tokens--;
      take(this.queue[this.head++]!);
    }
    // Drop the handed-out prefix now and then instead of shifting the array on every release.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
