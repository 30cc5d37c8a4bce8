import { type Credentials, MemoryCredentials } from '../fleet/credentials.js';
import { Fleet } from '../fleet/fleet.js';
import type { TruthRecord } from '../scenario/truth.js';
import { AckTally } from './ack-tally.js';
import type { FromWorker, ToWorker } from './ipc.js';

/** Seconds between two reports of a worker to its parent. */
const REPORT_EVERY_MS = 1000;

/** A worker's credential store: what its terminals learn goes up to the parent, which owns the state file. */
class ForwardingCredentials extends MemoryCredentials {
  private readonly changed = new Set<string>();

  constructor(
    entries: [string, Credentials][],
    private readonly forward: (set: [string, Credentials][], deleted: string[]) => void,
  ) {
    super(entries);
  }

  override set(phone: string, credentials: Credentials): void {
    super.set(phone, credentials);
    this.changed.add(phone);
  }

  override delete(phone: string): void {
    super.delete(phone);
    this.changed.add(phone);
  }

  async flush(): Promise<void> {
    if (this.changed.size === 0) return;
    const set: [string, Credentials][] = [];
    const deleted: string[] = [];
    for (const phone of this.changed) {
      const credentials = this.get(phone);
      if (credentials) set.push([phone, credentials]);
      else deleted.push(phone);
    }
    this.changed.clear();
    this.forward(set, deleted);
  }
}

/**
 * The body of a forked worker process: plays its slice of the fleet and reports to the parent
 * every second. Ctrl-C (or a SIGTERM to the process group) reaches the workers too; they ignore it
 * and wait for the parent's stop, so that the parent collects every worker's final numbers. A
 * worker whose parent dies stops by itself.
 */
export async function runWorker(): Promise<void> {
  const send = (message: FromWorker) => process.send?.(message);
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  const start = await new Promise<Extract<ToWorker, { type: 'start' }>>((resolve) => {
    process.once('message', (message: ToWorker) => {
      if (message.type === 'start') resolve(message);
    });
  });
  const truth: TruthRecord[] = [];
  const credentials = new ForwardingCredentials(start.credentials, (set, deleted) =>
    send({ type: 'credentials', set, deleted }),
  );
  const slice = start.options.slice;
  const tally = start.tallyAcks && slice ? new AckTally(slice.first, slice.count) : undefined;
  let fleet: Fleet;
  try {
    fleet = new Fleet({
      ...start.options,
      scenario: start.scenario,
      credentials,
      onTruth: (record) => truth.push(record),
      onAck: tally?.onAck,
    });
    await fleet.start();
  } catch (error) {
    send({ type: 'failed', message: (error as Error).message });
    process.disconnect();
    return;
  }
  send({ type: 'started' });
  const report = async () => {
    if (truth.length > 0) send({ type: 'truth', records: truth.splice(0) });
    await credentials.flush();
    send({ type: 'stats', snapshot: fleet.snapshot() });
  };
  const timer = setInterval(() => void report(), REPORT_EVERY_MS);
  const stop = async () => {
    clearInterval(timer);
    await fleet.stop();
    await report();
    if (tally) send({ type: 'acks', ...tally.slice() });
    // Disconnecting with messages still queued on the channel drops them (a 20,000-terminal fleet's
    // acks never reached the parent): disconnect once the last one is written.
    await new Promise<void>((resolve) => {
      if (process.send === undefined) resolve();
      else
        process.send({ type: 'stopped', snapshot: fleet.snapshot() } satisfies FromWorker, () => resolve());
    });
    if (process.connected) process.disconnect();
  };
  process.on('message', (message: ToWorker) => {
    if (message.type === 'stop') void stop();
  });
  // The parent died without saying stop: close the connections and go.
  process.once('disconnect', () => void fleet.stop().then(() => process.exit(0)));
}
