import type { Feature, Point } from 'geojson';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Center } from '../lib/api.js';
import type { Cluster, FleetView } from './aggregate.js';
import { type BasemapConfig, type BasemapData, basemapStyle } from './basemap-style.js';
import { FleetWorkerClient } from './fleet-worker-client.js';
import { STATUS_COLORS } from './map-status.js';
import type { MapViewPoint } from './map-view-hash.js';
import { type MarkerItem, MarkerLayer } from './marker-layer.js';
import type { DrawnPoint } from './point-diff.js';
import type { FleetFrame } from './worker-protocol.js';

/** Messages of deltas waiting to be drawn that are kept for the `fleet:burst` measure. */
const MAX_ARRIVALS = 64;

// maplibre-gl 6 is ESM only; a bundled app must say where its worker script went.
maplibregl.setWorkerUrl(workerUrl);

/** Henan, with a margin: where the map opens. */
export const HENAN_BOUNDS: [number, number, number, number] = [110.3, 31.3, 116.7, 36.4];

export interface FleetMapOptions {
  container: HTMLElement;
  config: BasemapConfig;
  data: BasemapData;
  /** Where to open; the whole province when not given. */
  view?: MapViewPoint | undefined;
  attribution: string;
  clusterTitle(count: number): string;
  /** The hover text of a single vehicle's marker, by its map status code. */
  vehicleTitle(status: number): string;
  onLoaded(count: number): void;
  onFrame(frame: FleetFrame): void;
  onMove(view: MapViewPoint): void;
  onVehicle(id: number): void;
  onError(message: string): void;
}

/**
 * The live fleet map: the basemap, every vehicle in scope as clusters (HTML markers with their
 * count and a ring of status shares) and single vehicles (small HTML markers while the view is
 * clustered, a circle layer when every vehicle in view is drawn one by one), kept current by the
 * live feed. The fleet lives in a worker (fleet.worker.ts, fleet-frame.ts); this side only draws
 * what it answers, and each frame changes only the markers and vehicles that changed.
 *
 * Timing marks for the benchmark and curious operators (the newest of each by
 * performance.getEntriesByName, every one by a PerformanceObserver): `fleet:loaded` (the worker
 * holds the snapshot), `fleet:map-loaded` (style and basemap ready), `fleet:deltas` when live
 * deltas arrive, `fleet:frame` when a frame is applied, `fleet:drawn` when the map has drawn it;
 * and a measure `fleet:burst` per message of deltas, from its arrival to the first drawn frame
 * that reflects it.
 */
export class FleetMap {
  readonly map: maplibregl.Map;
  private readonly client: FleetWorkerClient;
  private readonly clusters: MarkerLayer<Cluster & MarkerItem>;
  private readonly singles: MarkerLayer<DrawnPoint & MarkerItem>;
  private readonly staticMarkers: maplibregl.Marker[] = [];
  private filter: Pick<FleetView, 'centers' | 'statuses'> = { centers: [], statuses: [] };
  private destroyed = false;
  /** The style is loaded: the vehicle source exists. */
  private mapReady = false;
  /** When each message of deltas not yet drawn arrived, oldest first; the first is message `arrivedBase`. */
  private readonly arrivals: number[] = [];
  private arrivedBase = 0;
  /** A view is to be sent to the worker at the next animation frame. */
  private frameRequested = false;
  /** Messages of deltas the frames handed to the map so far reflect; drawn at the next idle. */
  private toDraw = 0;
  private awaitingIdle = false;

  constructor(private readonly options: FleetMapOptions) {
    this.client = new FleetWorkerClient({
      loaded: (count) => {
        mark('fleet:loaded');
        options.onLoaded(count);
        this.requestFrame();
      },
      deltas: (atMs) => {
        // On the page's clock: when the worker received the message, however busy this thread was.
        this.arrivals.push(mark('fleet:deltas', atMs - performance.timeOrigin));
        // Nothing is drawn while the tab is hidden: those messages are not measured, not kept.
        if (this.arrivals.length > MAX_ARRIVALS) {
          this.arrivals.shift();
          this.arrivedBase++;
        }
        this.requestFrame();
      },
      frame: (frame) => this.apply(frame),
      error: (message) => options.onError(message),
    });
    // The fleet loads (and the worker starts listening to the live feed) while the map sets
    // itself up; frames start when both are ready.
    this.client.load('/api/map/fleet');
    this.map = new maplibregl.Map({
      container: options.container,
      style: basemapStyle(options.config, options.data),
      ...(options.view
        ? { center: [options.view.lon, options.view.lat] as [number, number], zoom: options.view.zoom }
        : { bounds: HENAN_BOUNDS }),
      attributionControl: { compact: true, customAttribution: options.attribution },
      dragRotate: false,
      pitchWithRotate: false,
    });
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    this.map.touchZoomRotate.disableRotation();
    this.addLabels();
    // Cluster markers: under a steady stream of positions every centroid moves every second while
    // what a cluster shows (count, status ring) rarely changes, so the ring is redrawn only then.
    this.clusters = new MarkerLayer(this.map, {
      className: 'fleet-cluster',
      draw: (element, cluster) => this.drawCluster(element, cluster),
      click: (_, marker) =>
        this.map.easeTo({ center: marker.getLngLat(), zoom: Math.min(this.map.getZoom() + 2, 18) }),
    });
    this.singles = new MarkerLayer(this.map, {
      className: 'fleet-vehicle',
      draw: (element, vehicle) => {
        element.style.background = STATUS_COLORS[vehicle.status] ?? STATUS_COLORS[0]!;
        element.dataset.vehicleId = String(vehicle.id);
        element.dataset.status = String(vehicle.status);
        element.title = options.vehicleTitle(vehicle.status);
      },
      click: (vehicle) => options.onVehicle(vehicle.id),
    });
    this.map.on('moveend', () => {
      this.requestFrame();
      const { lat, lng } = this.map.getCenter();
      options.onMove({ lat, lon: lng, zoom: this.map.getZoom() });
    });
    this.map.on('click', 'vehicles', (event) => {
      const id = event.features?.[0]?.id;
      if (id !== undefined) options.onVehicle(Number(id));
    });
    this.map.on('mouseenter', 'vehicles', () => {
      this.map.getCanvas().style.cursor = 'pointer';
    });
    this.map.on('mouseleave', 'vehicles', () => {
      this.map.getCanvas().style.cursor = '';
    });
    this.map.once('load', () => {
      mark('fleet:map-loaded');
      this.mapReady = true;
      this.requestFrame();
    });
  }

  /** Shows only these centers and map status codes (empty: all). */
  setFilter(centers: number[], statuses: number[]): void {
    this.filter = { centers: [...centers], statuses: [...statuses] };
    this.requestFrame();
  }

  destroy(): void {
    this.destroyed = true;
    this.client.terminate();
    this.map.remove();
  }

  /**
   * Asks the worker for the current view at the next animation frame: whatever asks meanwhile
   * (every message of deltas, the end of a move, a filter) makes one request, and so at most one
   * frame per animation frame comes back to apply.
   */
  private requestFrame(): void {
    if (this.destroyed || !this.mapReady || this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      if (this.destroyed) return;
      const bounds = this.map.getBounds();
      this.client.frame({
        bbox: [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()],
        zoom: this.map.getZoom(),
        ...this.filter,
      });
    });
  }

  private apply(frame: FleetFrame): void {
    if (this.destroyed) return;
    const { add, update, remove } = frame.points;
    const changed = add.length + update.length + remove.length > 0;
    // Drawn once the map is idle again; when the map is settled and this frame changed nothing it
    // draws, at the next animation frame, which paints the cluster markers (HTML, updated below).
    const drawn = () => this.drawnAtIdle(frame.batches);
    const settled = !changed && this.map.loaded();
    if (changed) {
      const source = this.map.getSource<maplibregl.GeoJSONSource>('vehicles')!;
      void source
        .updateData({
          remove,
          add: add.map(toFeature),
          update: update.map((p) => ({
            id: p.id,
            newGeometry: { type: 'Point', coordinates: [p.lon, p.lat] },
            addOrUpdateProperties: [{ key: 's', value: p.status }],
          })),
        })
        .then(drawn);
    } else if (!settled) {
      drawn();
    }
    this.clusters.update(frame.clusters.map((c) => ({ ...c, look: `${c.count}:${c.byStatus.join(',')}` })));
    this.singles.update(frame.singles.map((v) => ({ ...v, key: String(v.id), look: String(v.status) })));
    mark('fleet:frame');
    if (settled) requestAnimationFrame(() => this.drawn(frame.batches));
    // For tests and tools: how many frames were drawn and how many vehicles are drawn one by one.
    const { dataset } = this.options.container;
    dataset.frames = String(Number(dataset.frames ?? 0) + 1);
    dataset.drawn = String(frame.drawn);
    dataset.workerMs = frame.workerMs.toFixed(1);
    this.options.onFrame(frame);
  }

  /** One wait for the map's next idle, however many frames come meanwhile: listeners do not pile up. */
  private drawnAtIdle(batches: number): void {
    this.toDraw = Math.max(this.toDraw, batches);
    if (this.awaitingIdle) return;
    this.awaitingIdle = true;
    this.map.once('idle', () => {
      this.awaitingIdle = false;
      this.drawn(this.toDraw);
    });
  }

  /**
   * A frame is on screen that reflects the first `batches` messages of deltas: `fleet:drawn`, and
   * a `fleet:burst` measure (arrival → drawn) for each of those messages not measured yet.
   */
  private drawn(batches: number): void {
    const at = mark('fleet:drawn');
    for (; this.arrivedBase < batches && this.arrivals.length > 0; this.arrivedBase++) {
      performance.measure('fleet:burst', { start: this.arrivals.shift()!, end: at });
    }
    performance.clearMeasures('fleet:burst');
  }

  private drawCluster(element: HTMLElement, cluster: Cluster): void {
    const size = Math.round(30 + 9 * Math.log10(cluster.count));
    let start = 0;
    const stops = cluster.byStatus.map((n, code) => {
      const end = start + (360 * n) / cluster.count;
      const stop = `${STATUS_COLORS[code]} ${start.toFixed(1)}deg ${end.toFixed(1)}deg`;
      start = end;
      return stop;
    });
    element.style.width = `${size}px`;
    element.style.height = `${size}px`;
    element.style.background = `radial-gradient(circle, #fff 0 58%, transparent 59%), conic-gradient(${stops.join(', ')})`;
    element.dataset.count = String(cluster.count);
    element.dataset.byStatus = cluster.byStatus.join(',');
    element.title = this.options.clusterTitle(cluster.count);
    element.textContent =
      cluster.count >= 10_000 ? `${Math.round(cluster.count / 1000)}k` : String(cluster.count);
  }

  /** Prefecture names as HTML markers: text without any glyph server. */
  private addLabels(): void {
    for (const feature of this.options.data.prefectures.features) {
      const { name, labelLon, labelLat } = feature.properties as {
        name: string;
        labelLon: number;
        labelLat: number;
      };
      const element = document.createElement('div');
      element.className = 'fleet-city';
      element.textContent = name;
      this.staticMarkers.push(
        new maplibregl.Marker({ element }).setLngLat([labelLon, labelLat]).addTo(this.map),
      );
    }
  }

  /** The monitoring centers as small markers (name on hover); they may come after the map. */
  showCenters(centers: Center[]): void {
    for (const center of centers) {
      if (center.latitude === null || center.longitude === null) continue;
      const element = document.createElement('div');
      element.className = 'fleet-center';
      element.title = center.name;
      element.dataset.centerId = String(center.id);
      this.staticMarkers.push(
        new maplibregl.Marker({ element }).setLngLat([center.longitude, center.latitude]).addTo(this.map),
      );
    }
  }
}

/**
 * Sets a timing mark and drops the previous ones of that name (a PerformanceObserver still sees
 * each): set every second, they would otherwise pile up in the page for as long as it is open.
 */
function mark(name: string, startTime?: number): number {
  performance.clearMarks(name);
  return performance.mark(name, startTime === undefined ? undefined : { startTime }).startTime;
}

function toFeature(point: DrawnPoint): Feature<Point> {
  return {
    type: 'Feature',
    id: point.id,
    geometry: { type: 'Point', coordinates: [point.lon, point.lat] },
    properties: { s: point.status },
  };
}
