import { seesEverything } from '@jt808/storage';
import type { LiveClient, LiveDelta } from './live-feed.js';

/** One second's deltas, whole and by center. */
export interface DeltaBatch {
  all: LiveDelta[];
  byCenter: Map<number, LiveDelta[]>;
}

export function batchOf(all: LiveDelta[]): DeltaBatch {
  const byCenter = new Map<number, LiveDelta[]>();
  for (const delta of all) {
    const list = byCenter.get(delta.c);
    if (list) list.push(delta);
    else byCenter.set(delta.c, [delta]);
  }
  return { all, byCenter };
}

const NONE: LiveDelta[] = [];

/**
 * The deltas `client` may see, within its viewport. A center's operator without a viewport gets
 * the batch's own array for the center (and a province-wide user the whole batch), so clients that
 * see the same get the same array and the feed serializes it once: at the fleet's rate a second's
 * batch is 13,333 deltas, and 300 operators each filtering and serializing all of it cost more than
 * the rest of the feed.
 */
export function visibleDeltas(client: LiveClient, batch: DeltaBatch): LiveDelta[] {
  const { user, bbox } = client;
  let candidates: LiveDelta[];
  if (user.role === 'service') {
    const vehicles = client.vehicles;
    candidates = vehicles ? batch.all.filter((delta) => vehicles.has(delta.v)) : NONE;
  } else if (seesEverything(user)) {
    candidates = batch.all;
  } else if (user.centerIds.length === 1) {
    candidates = batch.byCenter.get(user.centerIds[0]!) ?? NONE;
  } else {
    candidates = user.centerIds.flatMap((center) => batch.byCenter.get(center) ?? NONE);
  }
  if (!bbox) return candidates;
  const [minLon, minLat, maxLon, maxLat] = bbox;
  return candidates.filter(
    (delta) =>
      delta.t !== 'pos' ||
      (delta.lon >= minLon && delta.lon <= maxLon && delta.lat >= minLat && delta.lat <= maxLat),
  );
}
