import { createWriteStream, type WriteStream } from 'node:fs';
import type { FaultKind } from './faults.js';

/**
 * One line of ground truth: terminal `phone` had `fault` from `from` to `to` (simulated time). The
 * phone is as the gateway reads it from frame headers (20 digits for 2019 terminals).
 */
export interface TruthRecord {
  phone: string;
  index: number;
  fault: FaultKind;
  from: string;
  to: string;
  /** Present when the run ended before the fault did: `to` is then the end of the run. */
  cutShort?: true;
}

/** Appends truth records to a file as JSON lines. */
export class TruthFile {
  private readonly stream: WriteStream;
  private failure: Error | undefined;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { flags: 'w' });
    this.stream.on('error', (error) => {
      this.failure = error;
    });
  }

  write(record: TruthRecord): void {
    this.stream.write(`${JSON.stringify(record)}\n`);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.stream.end(resolve));
    if (this.failure) throw new Error(`truth file ${this.path}: ${this.failure.message}`);
  }
}
