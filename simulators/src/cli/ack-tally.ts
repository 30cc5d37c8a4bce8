import { writeFile } from 'node:fs/promises';
import { MessageId, PlatformResult } from '@jt808/protocol';
import type { AckInfo } from '../fleet/fleet-context.js';
import { phoneOf } from '../fleet/identity.js';

/**
 * The simulator's side of the no-loss check: locations (0x0200) the gateway acknowledged with
 * success, counted per terminal. A gateway acknowledges a location only once the bus holds it, so
 * every one counted here must end up stored; a checker compares this file with the database.
 * A count per terminal (4 bytes each) rather than a line per fix, so 400,000 terminals cost 1.6 MB.
 */
export class AckTally {
  private readonly counts: Uint32Array;

  constructor(
    readonly first: number,
    count: number,
  ) {
    this.counts = new Uint32Array(count);
  }

  readonly onAck = (ack: AckInfo): void => {
    if (ack.messageId === MessageId.locationReport && ack.result === PlatformResult.Success)
      this.counts[ack.index - this.first]!++;
  };

  /** A worker's tally, for its parent. */
  slice(): { first: number; counts: Uint32Array } {
    return { first: this.first, counts: this.counts };
  }

  /** Adds a worker's tally (its indexes lie inside this one's). */
  add(part: { first: number; counts: Uint32Array }): void {
    this.counts.set(part.counts, part.first - this.first);
  }

  /** CSV with a header: the configured phone (12 digits) and its acknowledged locations (~8 MB for 400,000). */
  async write(path: string, phoneBase: string): Promise<void> {
    const lines = ['phone,acknowledged_locations'];
    for (let i = 0; i < this.counts.length; i++)
      lines.push(`${phoneOf(this.first + i, phoneBase)},${this.counts[i]}`);
    await writeFile(path, `${lines.join('\n')}\n`);
  }
}
