import { encodeGbk } from '@jt808/protocol';
import { describe, expect, it } from 'vitest';
import { CITIES, homeCityOf, identityOf, phoneOf, plateOf, terminalIdOf, wirePhoneOf } from '../src/index.js';

const settings = { phoneBase: '013900000000', share2019: 0.3, seed: 7 };

describe('terminal identities', () => {
  it('derive phones from the base and the index', () => {
    expect(phoneOf(0, '013900000000')).toBe('013900000000');
    expect(phoneOf(399_999, '013900000000')).toBe('013900399999');
    expect(phoneOf(5, '1')).toBe('000000000006');
    expect(() => phoneOf(1, '999999999999')).toThrow(/more than 12 digits/);
    expect(wirePhoneOf('013900000001', '2019')).toBe('00000000013900000001');
    expect(wirePhoneOf('013900000001', '2013')).toBe('013900000001');
  });

  it('are the same on every call and in every process', () => {
    expect(identityOf(12_345, settings)).toEqual(identityOf(12_345, settings));
    expect(identityOf(12_345, settings)).toMatchObject({
      index: 12_345,
      phone: '013900012345',
      terminalId: 'FS009IX',
      plate: '豫R0C345',
    });
  });

  it('give every terminal of the largest fleet its own plate and terminal id', () => {
    const plates = new Set<string>();
    const ids = new Set<string>();
    for (let i = 0; i < 400_000; i++) {
      plates.add(plateOf(i));
      ids.add(terminalIdOf(i));
    }
    expect(plates.size).toBe(400_000);
    expect(ids.size).toBe(400_000);
    for (const i of [0, 1, 999, 1000, 33_999, 34_000, 399_999]) {
      const plate = plateOf(i);
      expect(plate).toMatch(/^豫[A-HJ-NP-U][0-9A-HJ-NP-Z]{2}\d{3}$/);
      expect(plate[1]).toBe(CITIES[homeCityOf(i)]!.plateLetter);
      expect(encodeGbk(plate)).toHaveLength(8);
      expect(terminalIdOf(i)).toMatch(/^[A-Z0-9]{7}$/);
    }
  });

  it('spread home cities over the province by vehicle numbers, from the index alone', () => {
    const perCity = new Array(CITIES.length).fill(0);
    for (let i = 0; i < 10_000; i++) perCity[homeCityOf(i)]++;
    expect(perCity).toEqual(CITIES.map((city) => city.vehicleShare * 100));
    // Neighbouring indexes get different cities, so even a small fleet covers the province.
    expect(new Set(Array.from({ length: 20 }, (_, i) => homeCityOf(i))).size).toBeGreaterThan(10);
    expect(identityOf(77, settings).homeCity).toBe(identityOf(77, { ...settings, seed: 8 }).homeCity);
  });

  it('mix editions in the configured share, per seed', () => {
    let count2019 = 0;
    for (let i = 0; i < 10_000; i++) {
      const identity = identityOf(i, settings);
      if (identity.edition === '2019') {
        count2019++;
        expect(identity.wirePhone).toHaveLength(20);
      }
    }
    expect(count2019 / 10_000).toBeCloseTo(0.3, 1);
    const otherSeed = Array.from({ length: 100 }, (_, i) => identityOf(i, { ...settings, seed: 8 }).edition);
    const sameSeed = Array.from({ length: 100 }, (_, i) => identityOf(i, settings).edition);
    expect(otherSeed).not.toEqual(sameSeed);
  });
});
