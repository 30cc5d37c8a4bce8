import { describe, expect, it } from 'vitest';
import { readBcdTime } from '../src/location/time.js';

const bcd = (value: number) => ((value / 10) << 4) | (value % 10);

describe('BCD location time', () => {
  // readBcdTime computes the instant by arithmetic rather than Date.UTC (for speed); this pins it to
  // Date.UTC on every calendar day the BCD year can express, at both ends of the day.
  it('matches Date.UTC minus 8 h on every day of 2000-2099', () => {
    const day = new Date(Date.UTC(2000, 0, 1));
    let days = 0;
    while (day.getUTCFullYear() < 2100) {
      const [y, m, d] = [day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()];
      for (const [hh, mm, ss] of [
        [0, 0, 0],
        [23, 59, 59],
      ] as const) {
        const wire = Uint8Array.of(bcd(y - 2000), bcd(m + 1), bcd(d), bcd(hh), bcd(mm), bcd(ss));
        expect(readBcdTime(wire, 0)?.getTime()).toBe(Date.UTC(y, m, d, hh, mm, ss) - 8 * 3600_000);
      }
      day.setUTCDate(d + 1);
      days++;
    }
    expect(days).toBe(36_525);
  });

  it('gives null for days the month does not have', () => {
    expect(readBcdTime(Uint8Array.of(0x00, 0x02, 0x29, 0, 0, 0), 0)).not.toBeNull(); // 2000 is a leap year
    expect(readBcdTime(Uint8Array.of(0x25, 0x02, 0x29, 0, 0, 0), 0)).toBeNull();
    expect(readBcdTime(Uint8Array.of(0x26, 0x04, 0x31, 0, 0, 0), 0)).toBeNull();
    expect(readBcdTime(Uint8Array.of(0x26, 0x13, 0x01, 0, 0, 0), 0)).toBeNull();
  });
});
