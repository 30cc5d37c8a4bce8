import type { Credentials } from '../fleet/credentials.js';
import type { Scenario } from '../scenario/scenario.js';
import type { TruthRecord } from '../scenario/truth.js';
import type { StatsSnapshot } from '../stats/fleet-stats.js';
import type { PlainFleetOptions } from './args.js';

/** The parent's messages to a worker process. */
export type ToWorker =
  | {
      type: 'start';
      options: PlainFleetOptions;
      scenario: Scenario | undefined;
      /** The saved credentials of the worker's terminals. */
      credentials: [string, Credentials][];
      /** Count the acknowledged locations (fleet-sim --acks). */
      tallyAcks: boolean;
    }
  | { type: 'stop' };

/** A worker's messages to the parent. */
export type FromWorker =
  | { type: 'started' }
  | { type: 'stats'; snapshot: StatsSnapshot }
  /** Credentials issued (set) or found stale (deleted) since the last message, for the state file. */
  | { type: 'credentials'; set: [string, Credentials][]; deleted: string[] }
  | { type: 'truth'; records: TruthRecord[] }
  /** The worker's locations acknowledged per terminal, sent once before 'stopped'. */
  | { type: 'acks'; first: number; counts: Uint32Array }
  | { type: 'stopped'; snapshot: StatsSnapshot }
  | { type: 'failed'; message: string };
