/**
 * Simulated time: `speed` simulated milliseconds pass per real millisecond from a shared origin.
 * Worker processes get the same origins, so their clocks agree with each other and the parent's.
 */
export class SimClock {
  constructor(
    readonly speed: number,
    /** Simulated instant (epoch ms) at the origin. */
    readonly simOriginMs: number,
    /** Real instant (epoch ms) at the origin. */
    readonly realOriginMs: number,
  ) {}

  /** Real epoch milliseconds with sub-millisecond resolution. */
  static realNow(): number {
    return performance.timeOrigin + performance.now();
  }

  /** Current simulated epoch milliseconds. */
  now(): number {
    return this.simOriginMs + (SimClock.realNow() - this.realOriginMs) * this.speed;
  }

  /** Simulated milliseconds that pass in `realMs` real milliseconds. */
  simSpan(realMs: number): number {
    return realMs * this.speed;
  }
}
