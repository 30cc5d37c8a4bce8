/** A map view in the page address, `#/map/@lat,lon,zoom`: a view can be bookmarked and shared. */
export interface MapViewPoint {
  lat: number;
  lon: number;
  zoom: number;
}

export function parseMapView(segment: string | undefined): MapViewPoint | undefined {
  const match = /^@(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$/.exec(segment ?? '');
  if (!match) return undefined;
  const [lat, lon, zoom] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (Math.abs(lat) > 85 || Math.abs(lon) > 180 || zoom > 22) return undefined;
  return { lat, lon, zoom };
}

export function formatMapView(view: MapViewPoint): string {
  return `@${view.lat.toFixed(5)},${view.lon.toFixed(5)},${view.zoom.toFixed(2)}`;
}
