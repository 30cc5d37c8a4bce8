import { describe, expect, it } from 'vitest';
import { ephemeralPorts, sourcePortOf } from '../src/fleet/source-port.js';

describe('sourcePortOf', () => {
  const range = [32768, 60999] as const;

  it('gives the terminals sharing an address the range’s ports in turn, never one twice', () => {
    const addresses = 3;
    const seen = new Set<string>();
    for (let index = 0; index < 3000; index++) {
      const port = sourcePortOf(index, addresses, range)!;
      expect(port).toBeGreaterThanOrEqual(32768);
      seen.add(`${index % addresses}:${port}`);
    }
    expect(seen.size).toBe(3000);
    expect([0, 1, 2, 3].map((i) => sourcePortOf(i, addresses, range))).toEqual([32768, 32768, 32768, 32769]);
  });

  it('leaves the choice to the system past the range, and without addresses', () => {
    expect(sourcePortOf(28231, 1, range)).toBe(60999);
    expect(sourcePortOf(28232, 1, range)).toBeUndefined();
    expect(sourcePortOf(5, 0, range)).toBeUndefined();
  });

  it('reads the kernel’s range', () => {
    const [low, high] = ephemeralPorts();
    expect(low).toBeGreaterThan(0);
    expect(high).toBeGreaterThanOrEqual(low);
    expect(high).toBeLessThanOrEqual(65535);
  });
});
