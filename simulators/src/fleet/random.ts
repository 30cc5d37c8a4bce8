/** murmur3's 32-bit finaliser: neighbouring inputs come out spread over the whole range. */
function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A number in [0, 1) fixed by (seed, salt, index): the same terminal gets the same draw in every
 * process and on every run, without any state. `salt` keeps unrelated draws (edition, fault
 * selection, …) independent of each other.
 */
export function hashUnit(seed: number, salt: number, index: number): number {
  return mix32(mix32(mix32(seed) ^ salt) ^ index) / 4_294_967_296;
}

/** Salts for the per-terminal hash draws. */
export const Salt = {
  edition: 0x3e1d,
  vehicle: 0x5ac7,
  faultSelection: 0x7f11,
  faultDetail: 0x9b23,
} as const;

/** mulberry32: a tiny seeded generator, one number of state per vehicle. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Uniform in [low, high). */
  between(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}
