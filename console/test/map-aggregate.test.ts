import { encodeFleetColumns, FleetIndex, type FleetRow } from '@jt808/api';
import { describe, expect, it } from 'vitest';
import { aggregate, type FleetView } from '../src/map/aggregate.js';
import { readFleetColumns } from '../src/map/fleet-columns.js';
import { fleetFrame } from '../src/map/fleet-frame.js';
import { FleetStore, latToY, lonToX, xToLon, yToLat } from '../src/map/fleet-store.js';
import { STATUS_CODE } from '../src/map/map-status.js';
import { PointTracker } from '../src/map/point-diff.js';

const HENAN: FleetView['bbox'] = [110.3, 31.3, 116.7, 36.4];

/** A store straight from the platform's encoder, as the browser gets it. */
function storeOf(rows: FleetRow[]): FleetStore {
  const bytes = encodeFleetColumns(FleetIndex.fromRows(rows), 1_800_000_000_000);
  return FleetStore.fromColumns(readFleetColumns(bytes.buffer as ArrayBuffer));
}

function fleet(n: number): FleetRow[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    centerId: (i % 3) + 1,
    latitude: 32 + ((i * 7919) % 4000) / 1000,
    longitude: 111 + ((i * 104_729) % 5000) / 1000,
    status: (['moving', 'parked', 'offline', 'faulty', 'never-seen'] as const)[i % 5]!,
  }));
}

const view = (over: Partial<FleetView> = {}): FleetView => ({
  bbox: HENAN,
  zoom: 6,
  centers: [],
  statuses: [],
  ...over,
});

describe('map snapshot columns', () => {
  it("reads the platform's encoding without copying, and refuses what is not one", () => {
    const rows = fleet(10);
    rows[3] = { ...rows[3]!, latitude: null, longitude: null };
    const columns = readFleetColumns(encodeFleetColumns(FleetIndex.fromRows(rows), 5).buffer as ArrayBuffer);
    expect(columns.count).toBe(10);
    expect(columns.atMs).toBe(5);
    expect([...columns.ids]).toEqual(rows.map((r) => r.id));
    expect(columns.latitudes[0]).toBe(Math.round(rows[0]!.latitude! * 1e5));
    expect(columns.statuses[0]).toBe(STATUS_CODE.moving);
    expect(FleetStore.fromColumns(columns).x[3]).toBeNaN();
    expect(() => readFleetColumns(new ArrayBuffer(8))).toThrow(/too short/);
    expect(() => readFleetColumns(new ArrayBuffer(40))).toThrow(/not a fleet snapshot/);
    expect(() => FleetIndex.fromRows([{ ...rows[0]!, id: 2 ** 33 }])).toThrow(/uint32/);
  });

  it('projects to Web Mercator and back', () => {
    expect(xToLon(lonToX(113.65))).toBeCloseTo(113.65, 9);
    expect(yToLat(latToY(34.75))).toBeCloseTo(34.75, 9);
  });
});

describe('aggregate', () => {
  it('clusters a big fleet: cluster counts and single vehicles add up to everything in view', () => {
    const store = storeOf(fleet(20_000));
    const result = aggregate(store, view());
    expect(result.visible).toBe(20_000);
    expect(result.clusters.length).toBeGreaterThan(10);
    const clustered = result.clusters.reduce((sum, c) => sum + c.count, 0);
    expect(clustered + result.points.length).toBe(20_000);
    for (const cluster of result.clusters) {
      expect(cluster.byStatus.reduce((a, b) => a + b, 0)).toBe(cluster.count);
    }
    expect(result.totals).toEqual([4000, 4000, 4000, 4000, 4000]);
  });

  it('draws vehicles one by one when few are in view, and counts only those inside it', () => {
    const store = storeOf(fleet(20_000));
    const result = aggregate(store, view({ bbox: [113, 33, 113.3, 33.3], zoom: 11 }));
    expect(result.clusters).toEqual([]);
    expect(result.points.length).toBe(result.visible);
    for (const slot of result.points) {
      expect(xToLon(store.x[slot]!)).toBeGreaterThanOrEqual(113);
      expect(yToLat(store.y[slot]!)).toBeLessThanOrEqual(33.3 + 1e-9);
    }
  });

  it('filters by center and status; the legend totals ignore the status filter', () => {
    const store = storeOf(fleet(9_000));
    const result = aggregate(store, view({ centers: [2], statuses: [STATUS_CODE.faulty] }));
    expect(result.visible).toBe(600); // a third of the fifth that is faulty
    expect(result.totals.reduce((a, b) => a + b, 0)).toBe(3000);
    for (const slot of result.points) expect(store.centers[slot]).toBe(2);
  });

  it('keeps cluster keys while the view pans at one zoom level', () => {
    const store = storeOf(fleet(20_000));
    const a = aggregate(store, view({ zoom: 7.2 }));
    const b = aggregate(store, view({ zoom: 7.8, bbox: [110.4, 31.3, 116.8, 36.4] }));
    const keys = new Set(a.clusters.map((c) => c.key));
    expect(b.clusters.filter((c) => keys.has(c.key)).length).toBeGreaterThan(b.clusters.length / 2);
  });

  it('refuses an absurd viewport instead of allocating without bound', () => {
    expect(() => aggregate(storeOf(fleet(10)), view({ zoom: 20 }))).toThrow(RangeError);
  });
});

describe('the frame the page draws', () => {
  it('draws the lone vehicles of a clustered view as markers, never in the WebGL layer', () => {
    // A vehicle alone in its cell at the province's zoom (the fleet ends at 116°E).
    const rows = [
      ...fleet(20_000),
      { id: 50_000, centerId: 1, latitude: 35.9, longitude: 116.5, status: 'faulty' as const },
    ];
    const store = storeOf(rows);
    const tracker = new PointTracker();
    const lone = { id: 50_000, lon: expect.closeTo(116.5, 5), lat: expect.closeTo(35.9, 5) };

    // Close to it: every vehicle in view is drawn in the layer, no marker.
    const close = fleetFrame(store, tracker, view({ bbox: [116.4, 35.8, 116.6, 36], zoom: 11 }));
    expect(close.clusters).toEqual([]);
    expect(close.singles).toEqual([]);
    expect(close.points.add).toEqual([{ ...lone, status: STATUS_CODE.faulty }]);
    expect(close.drawn).toBe(1);

    // The province is clustered: the lone vehicle becomes a marker and leaves the layer.
    const province = fleetFrame(store, tracker, view());
    expect(province.clusters.length).toBeGreaterThan(0);
    expect(province.singles).toContainEqual({ ...lone, status: STATUS_CODE.faulty });
    expect(province.singles).toHaveLength(province.drawn);
    const clustered = province.clusters.reduce((sum, c) => sum + c.count, 0);
    expect(clustered + province.drawn).toBe(rows.length);
    expect(province.points).toEqual({ add: [], update: [], remove: [50_000] });

    // The live feed moves it and brings it back online: its marker follows, the layer stays untouched.
    store.apply([
      { t: 'pos', v: 50_000, c: 1, lat: 35.95, lon: 116.55, spd: 40 },
      { t: 'status', v: 50_000, c: 1, s: 'online' },
    ]);
    const next = fleetFrame(store, tracker, view());
    expect(next.points).toEqual({ add: [], update: [], remove: [] });
    expect(next.singles).toContainEqual({
      id: 50_000,
      lon: expect.closeTo(116.55, 5),
      lat: expect.closeTo(35.95, 5),
      status: STATUS_CODE.moving,
    });
  });
});

describe('live deltas and the single-vehicle diff', () => {
  it('applies positions and statuses to the vehicle only, and sends only what changed', () => {
    const store = storeOf(fleet(100));
    const tracker = new PointTracker();
    const everything = view({ zoom: 6 });
    const first = tracker.diff(store, aggregate(store, everything).points, everything.zoom);
    expect(first.add).toHaveLength(100);

    const slot = store.slotOf(1)!;
    expect(store.statuses[slot]).toBe(STATUS_CODE.moving);
    store.apply([{ t: 'pos', v: 1, c: 1, lat: 34, lon: 113, spd: 0 }]);
    expect(store.statuses[slot]).toBe(STATUS_CODE.parked);
    store.apply([{ t: 'status', v: 2, c: 2, s: 'faulty' }]);
    expect(store.statuses[store.slotOf(2)!]).toBe(STATUS_CODE.faulty);
    // A fix does not bring a faulty vehicle back online; its verdict does, moving by its last speed.
    store.apply([{ t: 'pos', v: 2, c: 2, lat: 34, lon: 113, spd: 60 }]);
    expect(store.statuses[store.slotOf(2)!]).toBe(STATUS_CODE.faulty);
    store.apply([{ t: 'status', v: 2, c: 2, s: 'online' }]);
    expect(store.statuses[store.slotOf(2)!]).toBe(STATUS_CODE.moving);

    const second = tracker.diff(store, aggregate(store, everything).points, everything.zoom);
    expect(second.add).toEqual([]);
    expect(second.remove).toEqual([]);
    expect(second.update.map((p) => p.id).sort()).toEqual([1, 2]);
    expect(second.update.find((p) => p.id === 1)).toMatchObject({ status: STATUS_CODE.parked });
    expect(second.update.find((p) => p.id === 1)!.lat).toBeCloseTo(34, 9);

    // A vehicle new to the roster gets a slot; one that leaves the view is removed.
    store.apply([{ t: 'pos', v: 5000, c: 1, lat: 33, lon: 112, spd: 0 }]);
    store.apply([{ t: 'pos', v: 3, c: 1, lat: 40, lon: 120, spd: 0 }]);
    const third = tracker.diff(store, aggregate(store, everything).points, everything.zoom);
    expect(third.add.map((p) => p.id)).toEqual([5000]);
    expect(third.remove).toEqual([3]);
    expect(store.count).toBe(101);

    // A move of less than half a pixel is not drawn (at zoom 6 a pixel is ~0.011 degrees of
    // longitude); such moves add up until they show, and a closer view draws them.
    const nudge = (lon: number) => store.apply([{ t: 'pos', v: 5000, c: 1, lat: 33, lon, spd: 0 }]);
    nudge(112.003);
    expect(tracker.diff(store, aggregate(store, everything).points, 6).update).toEqual([]);
    nudge(112.008);
    expect(tracker.diff(store, aggregate(store, everything).points, 6).update.map((p) => p.id)).toEqual([
      5000,
    ]);
    nudge(112.011);
    expect(tracker.diff(store, aggregate(store, everything).points, 6).update).toEqual([]);
    expect(tracker.diff(store, aggregate(store, everything).points, 12).update.map((p) => p.id)).toEqual([
      5000,
    ]);
  });

  it('grows past its first capacity', () => {
    const store = new FleetStore(2);
    store.apply(
      Array.from({ length: 10 }, (_, i) => ({
        t: 'pos' as const,
        v: i + 1,
        c: 1,
        lat: 34,
        lon: 113,
        spd: 0,
        dir: 0,
        at: '',
      })),
    );
    expect(store.count).toBe(10);
    expect(store.slotOf(10)).toBe(9);
  });
});
