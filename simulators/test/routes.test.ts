import { describe, expect, it } from 'vitest';
import { Random } from '../src/fleet/random.js';
import {
  bearingDeg,
  CITIES,
  cityPath,
  distanceM,
  headingDifference,
  insideHenan,
  type RoutePosition,
  routeBetween,
  Vehicle,
} from '../src/index.js';

const START = Date.parse('2026-11-23T00:00:00Z');

describe('routes between the cities of Henan', () => {
  it('run from city to city over the expressway links, inside the province', () => {
    for (let from = 0; from < CITIES.length; from++) {
      for (let to = 0; to < CITIES.length; to++) {
        if (from === to) continue;
        const route = routeBetween(from, to);
        const path = cityPath(from, to);
        expect(path[0]).toBe(from);
        expect(path.at(-1)).toBe(to);
        expect(route.point(0)).toEqual({
          latitude: CITIES[from]!.latitude,
          longitude: CITIES[from]!.longitude,
        });
        const end = route.point(route.pointCount - 1);
        expect(distanceM(end, CITIES[to]!)).toBeLessThan(1);
        for (let k = 0; k < route.pointCount; k++) expect(insideHenan(route.point(k))).toBe(true);
        // A road is longer than the straight line, but not absurdly so.
        const straight = distanceM(CITIES[from]!, CITIES[to]!);
        expect(route.length).toBeGreaterThanOrEqual(straight);
        expect(route.length).toBeLessThan(straight * 1.7);
      }
    }
  });

  it('gives every point of a segment the bearing of that segment as heading', () => {
    const route = routeBetween(0, 12); // Zhengzhou to Nanyang
    const out: RoutePosition = { latitude: 0, longitude: 0, heading: 0 };
    for (let distance = 0; distance < route.length - 50; distance += 997) {
      const segment = route.segmentAt(distance);
      const here = { ...route.positionAt(distance, segment, out) };
      const ahead = route.positionAt(distance + 40, segment, out);
      if (route.segmentAt(distance + 40, segment) !== segment) continue;
      expect(headingDifference(here.heading, bearingDeg(here, ahead))).toBeLessThan(0.5);
    }
  });

  it('is the same road both ways', () => {
    const there = routeBetween(2, 11);
    const back = routeBetween(11, 2);
    expect(back.length).toBeCloseTo(there.length, 3);
    expect(back.point(1)).toEqual(there.point(there.pointCount - 2));
  });
});

describe('vehicles', () => {
  /** Samples `count` vehicles every `stepS` simulated seconds for `hours`. */
  function drive(count: number, hours: number, stepS: number) {
    const samples: {
      t: number;
      lat: number;
      lon: number;
      heading: number;
      speed: number;
      acc: boolean;
      km: number;
    }[][] = [];
    for (let i = 0; i < count; i++) {
      const vehicle = new Vehicle(i % CITIES.length, new Random(1000 + i), START);
      const track = [];
      const out: RoutePosition = { latitude: 0, longitude: 0, heading: 0 };
      for (let t = START; t <= START + hours * 3_600_000; t += stepS * 1000) {
        vehicle.advanceTo(t);
        vehicle.position(out);
        track.push({
          t,
          lat: out.latitude,
          lon: out.longitude,
          heading: out.heading,
          speed: vehicle.speedKmh,
          acc: vehicle.accOn,
          km: vehicle.odometerKm,
        });
      }
      samples.push(track);
    }
    return samples;
  }

  const tracks = drive(36, 24, 5);

  it('stay inside Henan at 0 to 100 km/h, standing still with ACC off', () => {
    const wrong = tracks
      .flat()
      .filter(
        (s) =>
          !insideHenan({ latitude: s.lat, longitude: s.lon }) ||
          !(s.speed >= 0 && s.speed <= 100) ||
          (!s.acc && s.speed !== 0),
      );
    expect(wrong).toEqual([]);
  });

  it('head where they go: the heading is the bearing of the road segment they are on', () => {
    let checked = 0;
    let worst = 0;
    for (const track of tracks) {
      for (let k = 1; k < track.length; k++) {
        const a = track[k - 1]!;
        const b = track[k]!;
        // Same heading at both ends: both on one segment, so the move between is along it.
        if (a.speed < 10 || b.speed < 10 || a.heading !== b.heading) continue;
        const moved = { latitude: a.lat, longitude: a.lon };
        if (distanceM(moved, { latitude: b.lat, longitude: b.lon }) < 20) continue;
        const bearing = bearingDeg(moved, { latitude: b.lat, longitude: b.lon });
        worst = Math.max(worst, headingDifference(a.heading, bearing));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10_000);
    expect(worst).toBeLessThan(1);
  });

  it('accumulate mileage as they drive', () => {
    for (const track of tracks) {
      let travelled = 0;
      let backwards = 0;
      for (let k = 1; k < track.length; k++) {
        const a = track[k - 1]!;
        const b = track[k]!;
        if (b.km < a.km) backwards++;
        travelled += distanceM({ latitude: a.lat, longitude: a.lon }, { latitude: b.lat, longitude: b.lon });
      }
      expect(backwards).toBe(0);
      const odometer = track.at(-1)!.km - track[0]!.km;
      // Chords between samples cut corners slightly; the odometer follows the road.
      expect(travelled / 1000).toBeLessThanOrEqual(odometer * 1.001);
      expect(travelled / 1000).toBeGreaterThan(odometer * 0.97);
    }
  });

  it('alternate trips and parking, and accelerate, cruise and stop on the way', () => {
    let stopsWithAccOn = 0;
    let speedChanges = 0;
    for (const track of tracks) {
      expect(track.some((s) => !s.acc)).toBe(true);
      expect(track.some((s) => s.speed > 50)).toBe(true);
      for (let k = 1; k < track.length; k++) {
        if (track[k]!.acc && track[k]!.speed === 0 && track[k - 1]!.speed > 0) stopsWithAccOn++;
        if (Math.abs(track[k]!.speed - track[k - 1]!.speed) > 1) speedChanges++;
      }
    }
    expect(stopsWithAccOn).toBeGreaterThan(tracks.length);
    expect(speedChanges).toBeGreaterThan(tracks.length * 10);
  });

  it('move the same way for the same seed', () => {
    const again = drive(3, 6, 5);
    expect(again).toEqual(tracks.slice(0, 3).map((track) => track.slice(0, again[0]!.length)));
  });
});
