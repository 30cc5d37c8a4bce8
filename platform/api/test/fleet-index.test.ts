import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LiveDelta } from '../src/live/live-feed.js';
import { MAP_STATUS, type MapStatus } from '../src/map/fleet-columns.js';
import { FleetIndex } from '../src/map/fleet-index.js';

const STATUS_NAMES = Object.keys(MAP_STATUS) as MapStatus[];

/** The counts by a pass over every slot: what countsByCenter must equal. */
function counted(index: FleetIndex): Map<number, Record<MapStatus, number>> {
  const counts = new Map<number, Record<MapStatus, number>>();
  for (let slot = 0; slot < index.count; slot++) {
    const center = index.centers[slot]!;
    const of = counts.get(center) ?? { 'never-seen': 0, moving: 0, parked: 0, offline: 0, faulty: 0 };
    of[STATUS_NAMES[index.statuses[slot]!]!]++;
    counts.set(center, of);
  }
  return counts;
}

const deltaArb: fc.Arbitrary<LiveDelta> = fc.oneof(
  fc.record({
    t: fc.constant('pos' as const),
    v: fc.integer({ min: 1, max: 30 }),
    c: fc.integer({ min: 1, max: 4 }),
    lat: fc.double({ min: 30, max: 36, noNaN: true }),
    lon: fc.double({ min: 110, max: 116, noNaN: true }),
    spd: fc.integer({ min: 0, max: 90 }),
    dir: fc.integer({ min: 0, max: 359 }),
    at: fc.constant('2026-12-07T00:00:00Z'),
  }),
  fc.record({
    t: fc.constant('status' as const),
    v: fc.integer({ min: 1, max: 30 }),
    c: fc.integer({ min: 1, max: 4 }),
    s: fc.constantFrom('online', 'offline', 'faulty', 'never-seen'),
    r: fc.constant<string[]>([]),
    at: fc.constant('2026-12-07T00:00:00Z'),
  }),
);

describe('the fleet index', () => {
  it('keeps its per-center counts equal to a count of its slots through any deltas', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<MapStatus>(...STATUS_NAMES), { maxLength: 20 }),
        fc.array(fc.array(deltaArb, { maxLength: 30 }), { maxLength: 10 }),
        (loaded, batches) => {
          const index = FleetIndex.fromRows(
            loaded.map((status, i) => ({
              id: 2 * i + 1,
              centerId: 1 + (i % 3),
              latitude: 34,
              longitude: 113,
              status,
            })),
          );
          expect(index.countsByCenter()).toEqual(counted(index));
          for (const deltas of batches) {
            index.apply(deltas);
            expect(index.countsByCenter()).toEqual(counted(index));
          }
        },
      ),
    );
  });
});
