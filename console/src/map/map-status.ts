/**
 * The map's five vehicle states: the status engine's verdict with "online" split by motion. The
 * code of a state is its index here, the same codes as the platform's map snapshot
 * (platform/api/src/map/fleet-columns.ts, MAP_STATUS).
 */
export const MAP_STATUSES = ['never-seen', 'moving', 'parked', 'offline', 'faulty'] as const;
export type MapStatus = (typeof MAP_STATUSES)[number];

export const STATUS_CODE = {
  'never-seen': 0,
  moving: 1,
  parked: 2,
  offline: 3,
  faulty: 4,
} as const satisfies Record<MapStatus, number>;

/** Colours chosen to stay apart for the common colour-vision deficiencies. */
export const STATUS_COLORS: readonly string[] = ['#9e9e9e', '#1a9850', '#4575b4', '#3a3a3a', '#d73027'];

/** A vehicle at least this fast (km/h) is moving; the platform uses the same threshold (MOVING_KMH). */
export const MOVING_KMH = 5;

/** The map code of an engine status given whether the vehicle is moving. */
export function statusCodeOf(engineStatus: string, moving: boolean): number {
  switch (engineStatus) {
    case 'online':
      return moving ? STATUS_CODE.moving : STATUS_CODE.parked;
    case 'offline':
      return STATUS_CODE.offline;
    case 'faulty':
      return STATUS_CODE.faulty;
    default:
      return STATUS_CODE['never-seen'];
  }
}
