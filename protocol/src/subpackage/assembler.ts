import { Jt808Error } from '../errors.js';
import type { Edition, Header } from '../frame/header.js';
import { decodeBody, type FragmentMessage, type Jt808Message } from '../packet.js';

export interface SubPackageAssemblerOptions {
  /** A partial message is dropped this long after its first packet arrived. Default 60 s. */
  timeoutMs?: number;
  /**
   * Memory budget across all partial messages: body bytes held plus PACKET_SLOT_BYTES of
   * bookkeeping per expected packet. Default 4 MiB.
   */
  maxBytes?: number;
  /** Most partial messages held at once. Default 1024. */
  maxMessages?: number;
  /** Clock in milliseconds; injectable for tests. Default: a monotonic clock. */
  now?: () => number;
}

/** A whole sub-packaged message, not decoded: packet 1's header (bodyLength the whole body's) and the body. */
export interface ReassembledMessage {
  header: Header;
  body: Uint8Array;
}

/** A message that was dropped (timed out or evicted) or is still waiting, with what it lacks. */
export interface IncompleteMessage {
  phone: string;
  messageId: number;
  edition: Edition;
  /** Serial of packet 1: the 0x8003 resend request quotes it as the original serial. */
  firstSerial: number;
  total: number;
  /** 1-based packet indexes not received, ascending. */
  missing: number[];
}

/**
 * What each expected packet costs besides its body. Charging by the declared total (up to 65535)
 * bounds the packet table and the `missing` lists a peer can make us build, not only the bodies: a
 * stream of empty packets claiming huge totals would otherwise fill memory under a byte budget.
 */
export const PACKET_SLOT_BYTES = 64;

interface PartialMessage {
  total: number;
  firstSerial: number;
  /** Header of any packet received, for reports; packet 1's header once it has arrived. */
  header: Header;
  /** Bodies by 1-based index. A map, not an array of `total` slots, so memory follows what arrived. */
  parts: Map<number, Uint8Array>;
  /** Bytes charged against maxBytes: bodies plus PACKET_SLOT_BYTES × total. */
  charge: number;
  firstArrival: number;
  lastArrival: number;
}

/**
 * Reassembles sub-packaged messages (header sub-package fields set; `decodeFrame` yields them as
 * 'fragment') under a memory bound. One assembler can serve every terminal: messages are keyed by
 * phone, message id and the serial of packet 1.
 */
export class SubPackageAssembler {
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxMessages: number;
  private readonly now: () => number;
  /** Insertion order is first-arrival order, so the first entry is always the oldest. */
  private readonly partials = new Map<string, PartialMessage>();
  /** Reports of evicted messages, handed out by the next expire(). */
  private evicted: IncompleteMessage[] = [];
  /** Sum of `total` over `evicted`: the reports' missing lists are charged like held messages. */
  private evictedSlots = 0;
  private held = 0;

  constructor(options: SubPackageAssemblerOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
    this.maxMessages = options.maxMessages ?? 1024;
    this.now = options.now ?? (() => performance.now());
  }

  /** Bytes charged against maxBytes by the partial messages held (see PACKET_SLOT_BYTES). */
  get heldBytes(): number {
    return this.held;
  }

  /** Number of partial messages held. */
  get size(): number {
    return this.partials.size;
  }

  /**
   * Adds one packet; returns the whole message, decoded, once every packet 1..total is in. Repeated
   * packets are ignored. Throws Jt808Error: 'bad-value' when the packet's total contradicts earlier
   * packets of the message, 'oversize' when the message alone cannot fit in maxBytes (it is dropped),
   * or what decoding the whole body throws.
   */
  push(fragment: FragmentMessage): Jt808Message | undefined {
    const whole = this.pushRaw(fragment);
    return whole && decodeBody(whole.header, whole.body);
  }

  /**
   * As push, but returns the whole message undecoded: packet 1's header and the bodies joined, the
   * bytes as the terminal sent them. For a caller that passes the body on (the gateway publishes it
   * to the bus) and would otherwise encode the decoded message again to get it back.
   */
  pushRaw(fragment: FragmentMessage): ReassembledMessage | undefined {
    const { header, body } = fragment;
    const sub = header.subPackage;
    if (sub === undefined) throw new Jt808Error('bad-value', 'packet has no sub-package fields', body);
    // Packets of one message carry consecutive serials, so every packet names the serial of
    // packet 1. A terminal that repeated one serial for all packets would have its packets land
    // under different keys; they would expire incomplete rather than be mixed up.
    // A duplicate arriving after its message completed starts a new partial, which expires.
    const firstSerial = (header.serial - (sub.index - 1)) & 0xffff;
    const key = `${header.phone}/${header.messageId}/${firstSerial}`;
    let partial = this.partials.get(key);
    if (partial !== undefined) {
      if (partial.total !== sub.total) {
        throw new Jt808Error(
          'bad-value',
          `packet ${sub.index} says ${sub.total} packets, packet 1's message has ${partial.total}`,
          body,
        );
      }
      if (partial.parts.has(sub.index)) return undefined;
    }
    const charge = (partial?.charge ?? PACKET_SLOT_BYTES * sub.total) + body.length;
    if (charge > this.maxBytes) {
      if (partial !== undefined) this.remove(key, partial);
      throw new Jt808Error(
        'oversize',
        `sub-packaged message of ${sub.total} packets needs over ${this.maxBytes} bytes`,
        body,
      );
    }
    this.makeRoom(key, charge - (partial?.charge ?? 0), partial === undefined);
    const now = this.now();
    if (partial === undefined) {
      partial = {
        total: sub.total,
        firstSerial,
        header,
        parts: new Map(),
        charge: 0,
        firstArrival: now,
        lastArrival: now,
      };
      this.partials.set(key, partial);
    }
    if (sub.index === 1) partial.header = header;
    partial.parts.set(sub.index, body);
    partial.lastArrival = now;
    this.held += charge - partial.charge;
    partial.charge = charge;
    if (partial.parts.size < partial.total) return undefined;
    this.remove(key, partial);
    return assemble(partial);
  }

  /**
   * Removes and returns messages whose first packet came over timeoutMs ago, preceded by those
   * evicted for room since the last call.
   */
  expire(): IncompleteMessage[] {
    const expired = this.evicted;
    this.evicted = [];
    this.evictedSlots = 0;
    const now = this.now();
    for (const [key, partial] of this.partials) {
      if (now - partial.firstArrival > this.timeoutMs) {
        this.remove(key, partial);
        expired.push(report(partial));
      }
    }
    return expired;
  }

  /** Lists (keeps) messages whose latest packet came over olderThanMs ago: candidates for 0x8003. */
  pending(olderThanMs: number): IncompleteMessage[] {
    const now = this.now();
    const stalled: IncompleteMessage[] = [];
    for (const partial of this.partials.values()) {
      if (now - partial.lastArrival > olderThanMs) stalled.push(report(partial));
    }
    return stalled;
  }

  /** Evicts the oldest other messages until `extra` more bytes (and maybe one more message) fit. */
  private makeRoom(keep: string, extra: number, addsMessage: boolean): void {
    for (const [key, partial] of this.partials) {
      const fits =
        this.held + extra <= this.maxBytes && (!addsMessage || this.partials.size < this.maxMessages);
      if (fits) return;
      if (key === keep) continue;
      this.remove(key, partial);
      this.keepEvictionReport(report(partial));
    }
  }

  /**
   * Reports are bounded like the messages they describe, so a peer forcing evictions between two
   * expire() calls cannot grow them without limit; past the bound the oldest reports are dropped.
   */
  private keepEvictionReport(evicted: IncompleteMessage): void {
    this.evicted.push(evicted);
    this.evictedSlots += evicted.total;
    while (this.evicted.length > this.maxMessages || this.evictedSlots * PACKET_SLOT_BYTES > this.maxBytes) {
      this.evictedSlots -= this.evicted.shift()!.total;
    }
  }

  private remove(key: string, partial: PartialMessage): void {
    this.partials.delete(key);
    this.held -= partial.charge;
  }
}

/** Concatenates the bodies in index order under packet 1's header, without its sub-package fields. */
function assemble(partial: PartialMessage): ReassembledMessage {
  let length = 0;
  for (const part of partial.parts.values()) length += part.length;
  const body = new Uint8Array(length);
  let offset = 0;
  for (let index = 1; index <= partial.total; index++) {
    const part = partial.parts.get(index)!;
    body.set(part, offset);
    offset += part.length;
  }
  // The reassembled body may exceed the 1023 bytes one header can declare; decodeBody does not care.
  const { subPackage: _, ...header } = partial.header;
  return { header: { ...header, bodyLength: length }, body };
}

function report(partial: PartialMessage): IncompleteMessage {
  const missing: number[] = [];
  for (let index = 1; index <= partial.total; index++) {
    if (!partial.parts.has(index)) missing.push(index);
  }
  const { phone, messageId, edition } = partial.header;
  return { phone, messageId, edition, firstSerial: partial.firstSerial, total: partial.total, missing };
}
