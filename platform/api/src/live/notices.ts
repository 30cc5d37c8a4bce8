/**
 * What the database announces on the `jt808_live` channel (migration 0016's and 0024's triggers):
 * one line per change, up to 100 lines per notification, and a line "R" when the roster changed
 * (vehicles, their centers, which terminal is on which vehicle). Parsed here, in one place, for
 * the live feed.
 */
export const LIVE_CHANNEL = 'jt808_live';

export interface PositionNotice {
  phone: string;
  lat: number;
  lon: number;
  speed: number;
  direction: number;
  /** GNSS time of the fix (when it was stored, if the fix had none), ms. */
  atMs: number;
}

export interface TransitionNotice {
  phone: string;
  status: string;
  reasons: string[];
  atMs: number;
}

export interface Notices {
  positions: PositionNotice[];
  transitions: TransitionNotice[];
  rosterChanged: boolean;
}

/** The changes in one payload; a line that does not parse is skipped, not fatal. */
export function parseNotices(
  payload: string,
  into: Notices = { positions: [], transitions: [], rosterChanged: false },
): Notices {
  for (const line of payload.split('\n')) {
    const f = line.split('|');
    if (f[0] === 'P' && f.length === 7) {
      const position = {
        phone: f[1]!,
        lat: Number(f[2]),
        lon: Number(f[3]),
        speed: Number(f[4]),
        direction: Number(f[5]),
        atMs: Number(f[6]),
      };
      if (Number.isFinite(position.lat) && Number.isFinite(position.lon) && Number.isFinite(position.atMs))
        into.positions.push(position);
    } else if (f[0] === 'R' && f.length === 1) {
      into.rosterChanged = true;
    } else if (f[0] === 'S' && f.length === 5) {
      const atMs = Number(f[4]);
      if (Number.isFinite(atMs))
        into.transitions.push({ phone: f[1]!, status: f[2]!, reasons: f[3] ? f[3].split(',') : [], atMs });
    }
  }
  return into;
}
