import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeSnapshot, encodeSnapshot } from '../src/live/snapshot.js';

const FleetSnapshot = protobuf
  .parse(readFileSync(new URL('../schema/live.proto', import.meta.url), 'utf8'))
  .root.lookupType('jt808.live.v1.FleetSnapshot');

describe('fleet snapshot wire format', () => {
  it('writes the columns packed, as the schema asks, and protobufjs reads them back', () => {
    const vehicles = [
      { id: 3, latitude: 34.75123, longitude: 113.62541, status: 'online' },
      { id: 4, latitude: null, longitude: null, status: 'never-seen' },
      { id: 900_000, latitude: -33.9, longitude: -151.2, status: 'faulty' },
      { id: 900_001, latitude: 89.99999, longitude: 179.99999, status: 'offline' },
    ];
    const atMs = 1_796_342_952_819;
    const columns = {
      atMs,
      vehicleIdDeltas: [3, 1, 899_996, 1],
      latitudeDeltas: [3_475_123, -3_475_123, -3_390_000, 12_389_999],
      longitudeDeltas: [11_362_541, -11_362_541, -15_120_000, 33_119_999],
      status: [1, 0, 3, 2],
    };
    const bytes = encodeSnapshot(vehicles, atMs);
    expect(FleetSnapshot.toObject(FleetSnapshot.decode(bytes), { longs: Number, arrays: true })).toEqual(
      columns,
    );
    // Packed: one tag and length per column, not a tag per value (protobufjs's own encoder writes
    // these proto3 fields unpacked, a third larger).
    expect(bytes[7]).toBe((2 << 3) | 2); // after at_ms: tag and 6 bytes
    expect(bytes.length).toBeLessThan(FleetSnapshot.encode(columns).finish().length);
    expect(decodeSnapshot(encodeSnapshot(vehicles, atMs)).vehicles.map((v) => v.id)).toEqual([
      3, 4, 900_000, 900_001,
    ]);
  });

  it('encodes an empty fleet and a zero time as proto3 does (nothing)', () => {
    expect(encodeSnapshot([], 0)).toHaveLength(0);
    expect(decodeSnapshot(encodeSnapshot([], 5))).toEqual({ atMs: 5, vehicles: [] });
  });
});
