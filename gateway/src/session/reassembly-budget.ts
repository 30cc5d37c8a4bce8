import type { SubPackageAssembler } from '@jt808/protocol';

/**
 * The memory one worker lets all its sessions' partial sub-packaged messages hold together. Each
 * session's assembler has its own bound (a few MiB); thousands of sessions each filling theirs
 * would still fill the heap, so a fragment that would take the worker past this budget is dropped
 * (the terminal is asked for it again by 0x8003 once the budget has room, or sends it again).
 */
export class ReassemblyBudget {
  private used = 0;

  constructor(readonly maxBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  /** Whether `bytes` more fit. */
  admits(bytes: number): boolean {
    return this.used + bytes <= this.maxBytes;
  }

  /** Runs a change on one assembler (push, expire) and charges what it held more or less after it. */
  charge<T>(assembler: SubPackageAssembler, change: () => T): T {
    const before = assembler.heldBytes;
    try {
      return change();
    } finally {
      this.used += assembler.heldBytes - before;
    }
  }

  /** A session closed: what its assembler held is free again. */
  release(assembler: SubPackageAssembler): void {
    this.used -= assembler.heldBytes;
  }
}
