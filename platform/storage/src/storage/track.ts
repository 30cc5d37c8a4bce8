import type { Queryable } from '../db/pool.js';

export interface TrackPoint {
  gpsTime: Date;
  latitude: number;
  longitude: number;
  speed: number | null;
  direction: number | null;
  alarm: string;
  quality: number;
}

/**
 * One terminal's fixes in [from, to), thinned evenly to at most maxPoints: of the fixes 0..last,
 * the j-th kept is round(j × last / (maxPoints − 1)), so the first and the last are kept and the
 * gaps between kept fixes differ by one at most. A fix i is kept when it is that for
 * j = round(i × (maxPoints − 1) / last), the only candidate (the step is over one); integer
 * arithmetic, round(a / b) = (2a + b) / (2b). (The former every-k-th-fix filter, k = ceil(total /
 * maxPoints), could return maxPoints + 1 fixes: 100 fixes at 10 points gave 11.)
 *
 * maxPoints is at least 2 (the route's schema says so): one point cannot hold a first and a last.
 *
 * Every column read is in the covering index (storage/positions-table.ts, trackIndex), so this is an
 * index-only scan of the terminal's adjacent entries.
 */
export const TRACK_SQL = `WITH fixes AS (
   SELECT gps_time, latitude, longitude, speed, direction, alarm::text AS alarm, quality,
          row_number() OVER (ORDER BY gps_time) - 1 AS i, count(*) OVER () - 1 AS last
     FROM positions WHERE phone = $1 AND gps_time >= $2 AND gps_time < $3)
 SELECT gps_time AS "gpsTime", latitude, longitude, speed, direction, alarm, quality FROM fixes
  WHERE CASE WHEN last < $4 THEN true
             ELSE i = (2 * ((2 * i * ($4 - 1) + last) / (2 * last)) * last + $4 - 1) / (2 * ($4 - 1)) END
  ORDER BY gps_time`;

export async function readTrack(
  db: Queryable,
  phone: string,
  from: string,
  to: string,
  maxPoints: number,
): Promise<TrackPoint[]> {
  return (await db.query<TrackPoint>(TRACK_SQL, [phone, from, to, maxPoints])).rows;
}
