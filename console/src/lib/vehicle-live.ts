import type { VehicleDetail } from './api.js';
import type { LiveDelta } from './live.js';

/**
 * A vehicle's state with the live deltas that concern it applied: positions move it, status
 * transitions change its status and reasons. Returns the same object when nothing applies.
 */
export function applyDeltas<V extends Pick<VehicleDetail, 'id' | 'status' | 'reasons' | 'statusSince'>>(
  vehicle: V & Partial<VehicleDetail>,
  deltas: readonly LiveDelta[],
): V {
  let next = vehicle;
  for (const delta of deltas) {
    if (String(delta.v) !== String(vehicle.id)) continue;
    if (delta.t === 'status') {
      next = { ...next, status: delta.s as V['status'], reasons: delta.r, statusSince: delta.at };
    } else {
      next = {
        ...next,
        latitude: delta.lat,
        longitude: delta.lon,
        speed: delta.spd,
        direction: delta.dir,
        lastFixTime: delta.at,
        online: true,
      };
    }
  }
  return next;
}
