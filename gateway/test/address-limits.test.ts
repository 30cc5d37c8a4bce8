import { describe, expect, it } from 'vitest';
import { type AddressLimit, AddressLimits } from '../src/session/address-limits.js';

function limits(maxConnections: number, perMinute: number, maxQuiet?: number) {
  const refused: Array<[AddressLimit, string]> = [];
  const subject = new AddressLimits(
    maxConnections,
    perMinute,
    (limit, a) => refused.push([limit, a]),
    maxQuiet,
  );
  return { subject, refused };
}

describe('per-address limits', () => {
  it('caps connections per address and frees a place when one closes', () => {
    const { subject, refused } = limits(2, 0);
    expect(subject.open('a')).toBe(true);
    expect(subject.open('a')).toBe(true);
    expect(subject.open('a')).toBe(false);
    expect(subject.open('b')).toBe(true);
    expect(refused).toEqual([['connections', 'a']]);
    subject.close('a');
    expect(subject.open('a')).toBe(true);
  });

  it('allows a minute of registrations at once, then refills continuously', () => {
    const { subject, refused } = limits(0, 60, undefined);
    const t = 1_000_000;
    subject.open('a');
    for (let i = 0; i < 60; i++) expect(subject.allowRegistration('a', t)).toBe(true);
    expect(subject.allowRegistration('a', t)).toBe(false);
    expect(subject.allowRegistration('a', t + 999)).toBe(false);
    expect(subject.allowRegistration('a', t + 1000)).toBe(true); // one a second at 60 a minute
    expect(refused).toEqual([
      ['registrations', 'a'],
      ['registrations', 'a'],
    ]);
  });

  it('remembers a quiet address only while its bucket refills, so closing and reconnecting does not reset it', () => {
    const { subject } = limits(10, 60);
    const t = 1_000_000;
    subject.open('a');
    for (let i = 0; i < 60; i++) subject.allowRegistration('a', t);
    subject.close('a', t);
    subject.open('a');
    expect(subject.allowRegistration('a', t)).toBe(false);
    subject.close('a', t);
    subject.sweep(t + 59_999);
    expect(subject.size).toBe(1);
    subject.sweep(t + 60_000);
    expect(subject.size).toBe(0);
    // An address that never registered, or whose bucket is full again, is forgotten on its last close.
    subject.open('b');
    subject.close('b');
    expect(subject.size).toBe(0);
  });

  it('keeps memory bounded under a flood of distinct addresses', () => {
    const { subject } = limits(1000, 1000, 100);
    for (let i = 0; i < 100_000; i++) {
      const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      subject.open(address);
      subject.allowRegistration(address, 0);
      subject.close(address, 0);
    }
    expect(subject.size).toBe(100);
  });

  it('does nothing and remembers nothing when both limits are off', () => {
    const { subject } = limits(0, 0);
    for (let i = 0; i < 5000; i++) expect(subject.open('a') && subject.allowRegistration('a')).toBe(true);
    expect(subject.size).toBe(0);
  });
});
