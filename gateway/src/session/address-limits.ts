import { TokenBucket } from './token-bucket.js';

export type AddressLimit = 'connections' | 'registrations';

interface AddressEntry {
  connections: number;
  /** Created on the address's first registration: most addresses never register in a worker's life. */
  registrations: TokenBucket | undefined;
  /** When its last connection closed (entries of `quiet` only). */
  quietSince: number;
}

/**
 * Quiet addresses (no connection, registration bucket still refilling) one worker remembers at
 * most. Past it the longest-quiet is forgotten, which only forgives it the rest of its minute: a
 * flood of distinct addresses cannot grow the map, and 65,536 entries are a few megabytes.
 */
const MAX_QUIET = 65_536;

/**
 * Per source address, in one worker: the connections it may hold and the 0x0100 registrations it
 * may make a minute (a token bucket of the minute's allowance, refilled continuously). Memory stays
 * bounded: an address has an entry while it has a connection (at most the worker's connection
 * cap), and after that only while its bucket refills — at most a minute, at most MAX_QUIET of them.
 * An address with no connection and a full bucket has none.
 */
export class AddressLimits {
  private readonly connected = new Map<string, AddressEntry>();
  /** In the order they went quiet, so the sweep stops at the first one still refilling. */
  private readonly quiet = new Map<string, AddressEntry>();
  private readonly enabled: boolean;

  constructor(
    private readonly maxConnections: number,
    private readonly registrationsPerMinute: number,
    private readonly refused: (limit: AddressLimit, address: string) => void,
    private readonly maxQuiet = MAX_QUIET,
  ) {
    this.enabled = maxConnections > 0 || registrationsPerMinute > 0;
  }

  /** Addresses remembered (for tests of the memory bound). */
  get size(): number {
    return this.connected.size + this.quiet.size;
  }

  /** Counts a connection in; false when its address is at the cap (the caller closes it). */
  open(address: string): boolean {
    if (!this.enabled) return true;
    let entry = this.connected.get(address);
    if (entry === undefined) {
      entry = this.quiet.get(address) ?? { connections: 0, registrations: undefined, quietSince: 0 };
      this.quiet.delete(address);
      this.connected.set(address, entry);
    } else if (this.maxConnections > 0 && entry.connections >= this.maxConnections) {
      this.refused('connections', address);
      return false;
    }
    entry.connections++;
    return true;
  }

  /** Counts a connection out (one that `open` let in). */
  close(address: string, now = Date.now()): void {
    const entry = this.connected.get(address);
    if (entry === undefined || --entry.connections > 0) return;
    this.connected.delete(address);
    if (entry.registrations === undefined || entry.registrations.isFull(now)) return;
    entry.quietSince = now;
    this.quiet.set(address, entry);
    if (this.quiet.size > this.maxQuiet) this.quiet.delete(this.quiet.keys().next().value!);
  }

  /** Takes one registration from the address's allowance; false when it is used up. */
  allowRegistration(address: string, now = Date.now()): boolean {
    if (this.registrationsPerMinute === 0) return true;
    // Registrations arrive on connections `open` counted, so the entry exists.
    const entry = this.connected.get(address);
    if (entry === undefined) return true;
    entry.registrations ??= new TokenBucket(
      this.registrationsPerMinute / 60,
      this.registrationsPerMinute,
      now,
    );
    if (entry.registrations.tryTake(now)) return true;
    this.refused('registrations', address);
    return false;
  }

  /**
   * Forgets quiet addresses whose buckets are full again. An empty bucket is full a minute later at
   * any rate (it holds a minute's allowance), so every entry quiet for a minute goes, oldest first.
   */
  sweep(now: number): void {
    for (const [address, entry] of this.quiet) {
      if (now - entry.quietSince < 60_000) return;
      this.quiet.delete(address);
    }
  }
}
