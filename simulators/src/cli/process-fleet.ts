import { type ChildProcess, fork } from 'node:child_process';
import type { CredentialStore, Credentials } from '../fleet/credentials.js';
import { resolveSettings } from '../fleet/fleet-options.js';
import { phoneOf } from '../fleet/identity.js';
import type { Scenario } from '../scenario/scenario.js';
import type { TruthRecord } from '../scenario/truth.js';
import { mergeSnapshots, type StatsSnapshot } from '../stats/fleet-stats.js';
import type { AckTally } from './ack-tally.js';
import { type PlainFleetOptions, WORKER_FLAG } from './args.js';
import type { FromWorker, ToWorker } from './ipc.js';

/** Real ms a worker may take to start, and to stop. */
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

interface Worker {
  child: ChildProcess;
  snapshot: StatsSnapshot;
  stopped: Promise<void>;
}

/**
 * A fleet spread over forked worker processes, each playing a contiguous slice of the terminal
 * indexes (one process may hold at most 20,000 open files here). Workers share the fleet's clock
 * origin and source addresses; their statistics add up, their credentials and ground truth come
 * back to this process, which owns the state and truth files.
 */
export class ProcessFleet {
  private workers: Worker[] = [];
  /** Failures of the workers themselves (not of their terminals). */
  private readonly failures: Record<string, number> = {};

  constructor(
    private readonly options: PlainFleetOptions,
    private readonly scenario: Scenario | undefined,
    private readonly perProcess: number,
    /** The module that runs `runWorker` when started with WORKER_FLAG. */
    private readonly entry: string,
    private readonly sinks: {
      credentials?: CredentialStore;
      onTruth?: (record: TruthRecord) => void;
      acks?: AckTally;
    },
  ) {}

  get processes(): number {
    return this.workers.length;
  }

  async start(): Promise<void> {
    const settings = resolveSettings(this.options);
    const processes = Math.ceil(settings.count / this.perProcess);
    const base = Math.floor(settings.count / processes);
    let first = settings.first;
    const starts: Promise<void>[] = [];
    for (let i = 0; i < processes; i++) {
      const count = base + (i < settings.count % processes ? 1 : 0);
      const slice = { first, count };
      first += count;
      const options: PlainFleetOptions = {
        ...this.options,
        slice,
        // Decided once for the whole fleet, so that every worker spreads over the same addresses.
        sourceAddresses: settings.sourceAddresses,
        ramp: settings.ramp / processes,
        reconnectRamp: settings.reconnectRamp / processes,
      };
      starts.push(this.startWorker(options, this.savedCredentials(slice, settings.phoneBase)));
    }
    try {
      await Promise.all(starts);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  snapshot(): StatsSnapshot {
    const merged = mergeSnapshots(this.workers.map((worker) => worker.snapshot));
    for (const [kind, count] of Object.entries(this.failures))
      merged.errors[kind] = (merged.errors[kind] ?? 0) + count;
    return merged;
  }

  async stop(): Promise<void> {
    for (const worker of this.workers) {
      if (worker.child.connected) worker.child.send({ type: 'stop' } satisfies ToWorker);
      // A worker that does not finish in time is killed; its last report stands.
      setTimeout(() => worker.child.kill('SIGKILL'), STOP_TIMEOUT_MS).unref();
    }
    await Promise.all(this.workers.map((worker) => worker.stopped));
  }

  private savedCredentials(
    slice: { first: number; count: number },
    phoneBase: string,
  ): [string, Credentials][] {
    const saved: [string, Credentials][] = [];
    const store = this.sinks.credentials;
    if (store === undefined) return saved;
    for (let index = slice.first; index < slice.first + slice.count; index++) {
      const phone = phoneOf(index, phoneBase);
      const credentials = store.get(phone);
      if (credentials) saved.push([phone, credentials]);
    }
    return saved;
  }

  private startWorker(options: PlainFleetOptions, credentials: [string, Credentials][]): Promise<void> {
    const child = fork(this.entry, [WORKER_FLAG], { serialization: 'advanced', stdio: 'inherit' });
    let exited!: () => void;
    const worker: Worker = {
      child,
      snapshot: mergeSnapshots([]),
      stopped: new Promise<void>((resolve) => {
        exited = resolve;
      }),
    };
    this.workers.push(worker);
    let stopping = false;
    return new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => {
        reject(
          new Error(
            `worker for indexes ${options.slice!.first}+ did not start within ${START_TIMEOUT_MS} ms`,
          ),
        );
      }, START_TIMEOUT_MS);
      child.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'started':
            clearTimeout(timeout);
            resolve();
            return;
          case 'failed':
            clearTimeout(timeout);
            reject(new Error(message.message));
            return;
          case 'stats':
            worker.snapshot = message.snapshot;
            return;
          case 'stopped':
            stopping = true;
            worker.snapshot = message.snapshot;
            return;
          case 'credentials':
            for (const [phone, saved] of message.set) this.sinks.credentials?.set(phone, saved);
            for (const phone of message.deleted) this.sinks.credentials?.delete(phone);
            return;
          case 'truth':
            for (const record of message.records) this.sinks.onTruth?.(record);
            return;
          case 'acks':
            this.sinks.acks?.add(message);
            return;
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timeout);
        if (!stopping) {
          const kind = `worker-exit:${signal ?? code}`;
          this.failures[kind] = (this.failures[kind] ?? 0) + 1;
          // Its terminals are gone with it.
          worker.snapshot = {
            ...worker.snapshot,
            counters: { ...worker.snapshot.counters, connected: 0, authenticated: 0 },
          };
          reject(new Error(`worker for indexes ${options.slice!.first}+ exited (${signal ?? code})`));
        }
        exited();
      });
      child.send({
        type: 'start',
        options,
        scenario: this.scenario,
        credentials,
        tallyAcks: this.sinks.acks !== undefined,
      } satisfies ToWorker);
    });
  }
}
