import { type Edition, encodeBody, type LocationFields, MAX_BODY_LENGTH } from '@jt808/protocol';

/** 0x0704 位置数据类型 1: 盲区补报, fixes recorded while the network was gone. */
export const BLIND_AREA_SUPPLEMENT = 1;
/** Items per 0x0704 that firmware commonly sends at most (the count is a WORD; the frame is the limit). */
export const MAX_BATCH_ITEMS = 50;
/** 0x0704 body before the items: count WORD and type BYTE. */
const BATCH_HEAD_BYTES = 3;

/**
 * Fixes a terminal recorded without a network, uploaded as 0x0704 type 1 batches once it is back,
 * one batch at a time: the next goes out only after the platform acknowledged the one before, as
 * firmware does (it deletes what the platform confirmed, and sends again what it did not).
 */
export class BlindAreaBuffer {
  private readonly fixes: LocationFields[] = [];
  /** Items of the batch awaiting 0x8001 (0: none out). */
  private inFlight = 0;

  get size(): number {
    return this.fixes.length;
  }

  record(fix: LocationFields): void {
    this.fixes.push(fix);
  }

  /** The next batch to send, or undefined while one is out or nothing is left. */
  nextBatch(edition: Edition): LocationFields[] | undefined {
    if (this.inFlight > 0 || this.fixes.length === 0) return undefined;
    const items = this.fixes.slice(0, itemsThatFit(this.fixes, edition));
    this.inFlight = items.length;
    return items;
  }

  /** The GNSS seconds of the batch out (for the no-loss tally), oldest first. */
  inFlightSeconds(): number[] {
    return this.fixes
      .slice(0, this.inFlight)
      .map((fix) => (fix.time ? Math.floor(fix.time.getTime() / 1000) : 0));
  }

  /** The platform acknowledged the batch out: those fixes are done. */
  confirmed(): void {
    this.fixes.splice(0, this.inFlight);
    this.inFlight = 0;
  }

  /** The batch out was refused, not answered in time, or its connection closed: it goes again. */
  unconfirmed(): void {
    this.inFlight = 0;
  }
}

/**
 * How many of the oldest fixes fit one frame's body (1,023 bytes) and MAX_BATCH_ITEMS. Items of one
 * terminal have the same layout, so the first one's size is measured and the rest are taken alike;
 * a tenth is left spare for extras that grow (a longer mileage, an alarm's extra item).
 */
function itemsThatFit(fixes: LocationFields[], edition: Edition): number {
  const one = encodeBody({
    name: 'locationBatch',
    header: { phone: '0', serial: 0, edition },
    body: { type: BLIND_AREA_SUPPLEMENT, items: [fixes[0]!] },
  }).length;
  const perItem = one - BATCH_HEAD_BYTES;
  const fit = Math.floor(((MAX_BODY_LENGTH - BATCH_HEAD_BYTES) * 0.9) / perItem);
  return Math.max(1, Math.min(MAX_BATCH_ITEMS, fit, fixes.length));
}
