import * as maplibregl from 'maplibre-gl';

/** Something drawn as one HTML marker: its identity, place, and what it shows. */
export interface MarkerItem {
  /** Stable while the item is on screen: the same key keeps its element. */
  key: string;
  lon: number;
  lat: number;
  /** What the marker shows, as a string: the element is drawn again only when it changes. */
  look: string;
}

export interface MarkerLayerOptions<T extends MarkerItem> {
  /** The class of the marker's element (a button). */
  className: string;
  draw(element: HTMLElement, item: T): void;
  /** A click on the marker, with the item it shows now. */
  click(item: T, marker: maplibregl.Marker): void;
}

interface Entry<T> {
  marker: maplibregl.Marker;
  element: HTMLElement;
  item: T;
  /** Where the marker stands: the item's place when it was last moved. */
  placed: maplibregl.LngLat;
}

/**
 * A set of HTML markers kept in step with a list of items by key: new keys get a marker, gone
 * keys lose theirs, and a kept key's marker is moved only when its place changed by half a screen
 * pixel or more and drawn again only when its look changed. The page's DOM changes, the map's WebGL
 * canvas does not: under the live feed items change every second, and a WebGL redraw under
 * software compositing is a long task (bench/RESULTS.md, "Console map"). Smaller moves are not
 * made, as PointTracker does for the vehicle layer: a cluster of thousands of vehicles moves its
 * centroid by metres a second, a pixel at the province's zoom is about 2 km, and every marker
 * moved every second is a style, layout and paint of the page every second for nothing visible.
 * The moves add up until they show; a closer view places them all again.
 */
export class MarkerLayer<T extends MarkerItem> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly map: maplibregl.Map,
    private readonly options: MarkerLayerOptions<T>,
  ) {}

  update(items: readonly T[]): void {
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(item.key);
      const existing = this.entries.get(item.key);
      if (existing) {
        const before = existing.item;
        existing.item = item;
        if (this.visiblyMoved(existing.placed, item)) {
          existing.placed = new maplibregl.LngLat(item.lon, item.lat);
          existing.marker.setLngLat(existing.placed);
        }
        if (before.look !== item.look) this.options.draw(existing.element, item);
        continue;
      }
      const element = document.createElement('button');
      element.type = 'button';
      element.className = this.options.className;
      this.options.draw(element, item);
      const placed = new maplibregl.LngLat(item.lon, item.lat);
      const marker = new maplibregl.Marker({ element }).setLngLat(placed).addTo(this.map);
      const entry: Entry<T> = { marker, element, item, placed };
      element.addEventListener('click', (event) => {
        event.stopPropagation();
        this.options.click(entry.item, marker);
      });
      this.entries.set(item.key, entry);
    }
    for (const [key, { marker }] of this.entries) {
      if (seen.has(key)) continue;
      marker.remove();
      this.entries.delete(key);
    }
  }

  /** Whether `item` stands half a screen pixel or more from where its marker is, at the current view. */
  private visiblyMoved(placed: maplibregl.LngLat, item: T): boolean {
    if (placed.lng === item.lon && placed.lat === item.lat) return false;
    const from = this.map.project(placed);
    const to = this.map.project([item.lon, item.lat]);
    return Math.abs(from.x - to.x) >= 0.5 || Math.abs(from.y - to.y) >= 0.5;
  }
}
