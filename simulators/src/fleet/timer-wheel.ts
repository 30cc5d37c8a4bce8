/** Bookkeeping fields a scheduled item carries so the wheel needs no side table. */
export interface Schedulable {
  /** When the item wants to run (the wheel's time unit, here simulated ms). */
  wakeAt: number;
  /** Slot holding the item's live entry, -1 when it has none. */
  wheelSlot: number;
  /** Generation of the live entry; entries of older generations are stale and skipped. */
  wheelGeneration: number;
}

/**
 * A hashed timer wheel: one array per time slot, one live entry per item. Rescheduling never
 * searches: it bumps the item's generation and the old entry is dropped when its slot comes up.
 * Items due beyond one revolution stay in their slot and are looked at once per revolution.
 * This replaces a timer per terminal with one loop for the whole fleet.
 */
export class TimerWheel<T extends Schedulable> {
  private readonly items: T[][];
  private readonly generations: number[][];
  private readonly mask: number;
  /** The absolute slot number drained last (it is drained again until time moves past it). */
  private cursor: number;

  constructor(
    private readonly slotSpan: number,
    slotCountPowerOfTwo: number,
    startAt: number,
  ) {
    if (slotCountPowerOfTwo & (slotCountPowerOfTwo - 1)) throw new Error('slot count must be a power of two');
    this.mask = slotCountPowerOfTwo - 1;
    this.items = Array.from({ length: slotCountPowerOfTwo }, () => []);
    this.generations = Array.from({ length: slotCountPowerOfTwo }, () => []);
    this.cursor = Math.floor(startAt / slotSpan);
  }

  /** (Re)schedules `item` at `at`; a time in the past means "at the next drain". */
  schedule(item: T, at: number): void {
    item.wakeAt = at;
    const slot = Math.max(Math.floor(at / this.slotSpan), this.cursor) & this.mask;
    // Already has a live entry in that slot: the entry re-reads wakeAt when the slot comes up.
    if (item.wheelSlot === slot) return;
    item.wheelSlot = slot;
    item.wheelGeneration++;
    this.items[slot]!.push(item);
    this.generations[slot]!.push(item.wheelGeneration);
  }

  cancel(item: T): void {
    item.wheelSlot = -1;
    item.wheelGeneration++;
    item.wakeAt = Number.POSITIVE_INFINITY;
  }

  /** Calls `visit` for every item due at or before `now`. Items scheduled during the drain for the
   * current slot wait for the next drain. */
  drain(now: number, visit: (item: T) => void): void {
    const last = Math.floor(now / this.slotSpan);
    // After a stall longer than a revolution every slot is due once; more passes would find nothing new.
    const first = Math.max(this.cursor, last - this.mask);
    for (let absolute = first; absolute <= last; absolute++) {
      const slot = absolute & this.mask;
      const items = this.items[slot]!;
      if (items.length === 0) continue;
      const generations = this.generations[slot]!;
      const keptItems: T[] = [];
      const keptGenerations: number[] = [];
      this.items[slot] = keptItems;
      this.generations[slot] = keptGenerations;
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        const generation = generations[i]!;
        if (item.wheelSlot !== slot || item.wheelGeneration !== generation) continue;
        if (item.wakeAt > now) {
          keptItems.push(item);
          keptGenerations.push(generation);
          continue;
        }
        item.wheelSlot = -1;
        visit(item);
      }
    }
    this.cursor = last;
  }
}
