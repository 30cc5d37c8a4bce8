import type { Queryable } from '../db/pool.js';

export interface TrackPoint {
  gps_time: Date;
  latitude: number;
  longitude: number;
  speed: number | null;
  direction: number | null;
  alarm: string;
  quality: number;
}

/**
 * One terminal's fixes in [from, to), thinned evenly to at most maxPoints: every k-th fix
 * (k = ceil(total / maxPoints)), the first and the last always kept. Every column read is in the
 * covering index (storage/positions-table.ts, trackIndex), so this is an index-only scan of the
 * terminal's adjacent entries; the window over them costs ~1 ms for a day's 2,880 fixes.
 */
export const TRACK_SQL = `WITH fixes AS (
   SELECT gps_time, latitude, longitude, speed, direction, alarm::text AS alarm, quality,
          row_number() OVER (ORDER BY gps_time) AS n, count(*) OVER () AS total
     FROM positions WHERE phone = $1 AND gps_time >= $2 AND gps_time < $3)
 SELECT gps_time, latitude, longitude, speed, direction, alarm, quality FROM fixes
  WHERE total <= $4 OR n = 1 OR n = total OR n % ceil(total::numeric / $4)::int = 0
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
