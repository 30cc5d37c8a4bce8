import { writeFile } from 'node:fs/promises';
import { MessageId, PlatformResult } from '@jt808/protocol';
import type { AckInfo } from '../fleet/fleet-context.js';
import { phoneOf } from '../fleet/identity.js';

/**
 * The simulator's side of the no-loss check: fixes the gateway acknowledged with success, counted
 * per terminal. A gateway acknowledges a location only once the bus holds it, so every one counted
 * here must end up stored; a checker compares this file with the database. The platform keeps one
 * fix per terminal and GNSS second (docs/storage.md), so a second report within the same second (an
 * ACC switch right after a periodic report) is not counted again: acknowledgements of one
 * connection arrive in order, so comparing with the terminal's last counted second suffices.
 * Blind-area fixes (0x0704 batches) are fixes too: each item counts. The blind area's seconds lie
 * before the live reports after it, so they never coincide with a live second counted.
 * Counts per terminal rather than a line per fix: 400,000 terminals cost 4.8 MB.
 */
export class AckTally {
  private readonly counts: Uint32Array;
  private readonly lastSecond: Float64Array;
  private readonly lastBatchSecond: Float64Array;

  constructor(
    readonly first: number,
    count: number,
  ) {
    this.counts = new Uint32Array(count);
    this.lastSecond = new Float64Array(count);
    this.lastBatchSecond = new Float64Array(count);
  }

  readonly onAck = (ack: AckInfo): void => {
    if (ack.result !== PlatformResult.Success) return;
    if (ack.messageId === MessageId.locationBatch) {
      this.addBatch(ack.index - this.first, ack.fixSeconds ?? []);
      return;
    }
    if (ack.messageId !== MessageId.locationReport) return;
    const i = ack.index - this.first;
    if (this.lastSecond[i] === ack.fixSecond) return;
    this.lastSecond[i] = ack.fixSecond;
    this.counts[i]!++;
  };

  /**
   * A blind-area batch (0x0704) counts each item, one per GNSS second. Batches go out oldest first
   * and one at a time, so an item not after the last counted batch second is a resend already counted.
   */
  private addBatch(i: number, seconds: number[]): void {
    for (const second of seconds) {
      if (second <= this.lastBatchSecond[i]!) continue;
      this.lastBatchSecond[i] = second;
      this.counts[i]!++;
    }
  }

  /** A worker's tally, for its parent. */
  slice(): { first: number; counts: Uint32Array } {
    return { first: this.first, counts: this.counts };
  }

  /** Adds a worker's tally (its indexes lie inside this one's). */
  add(part: { first: number; counts: Uint32Array }): void {
    this.counts.set(part.counts, part.first - this.first);
  }

  /** CSV with a header: the configured phone (12 digits) and its acknowledged fixes (~8 MB for 400,000). */
  async write(path: string, phoneBase: string): Promise<void> {
    const lines = ['phone,acknowledged_locations'];
    for (let i = 0; i < this.counts.length; i++)
      lines.push(`${phoneOf(this.first + i, phoneBase)},${this.counts[i]}`);
    await writeFile(path, `${lines.join('\n')}\n`);
  }
}
