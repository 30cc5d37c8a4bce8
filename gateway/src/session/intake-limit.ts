/** A connection the limit can tell to read again. */
export interface Resumable {
  intakeReopened(): void;
}

/**
 * Bounds the messages one worker has read but not yet answered, over all its connections. The
 * per-connection bound (`maxInFlight`) alone let 20,000 connections hold 64 each: when the bus or
 * the processor fell behind, a worker kept reading, held 640,000 frames in a gigabyte of heap,
 * spent its time collecting garbage and answered nothing for minutes while the terminals timed out
 * (the ingest benchmark, 10,000 fixes/s; real terminals then send it all again). Past the bound, every
 * connection that delivers a frame stops being read until the worker is down to half of it; the
 * frames behind wait in TCP, at the terminals, and nothing is lost.
 */
export class IntakeLimit {
  private taken = 0;
  private readonly stopped = new Set<Resumable>();

  constructor(readonly max: number) {}

  /** Messages read and not yet answered. */
  get inFlight(): number {
    return this.taken;
  }

  /** Connections stopped by the limit and not yet told to read again. */
  get stoppedCount(): number {
    return this.stopped.size;
  }

  /**
   * Counts one message in. True when the worker is at its bound: the caller stops reading and is
   * resumed when the worker is down to half.
   */
  take(connection: Resumable): boolean {
    if (++this.taken < this.max) return false;
    this.stopped.add(connection);
    return true;
  }

  /** Counts one message answered; at half the bound, every stopped connection reads again. */
  release(): void {
    this.taken--;
    if (this.stopped.size === 0 || this.taken > this.max / 2) return;
    const stopped = [...this.stopped];
    this.stopped.clear();
    for (const connection of stopped) connection.intakeReopened();
  }

  /** A closed connection is not resumed. */
  forget(connection: Resumable): void {
    this.stopped.delete(connection);
  }
}
