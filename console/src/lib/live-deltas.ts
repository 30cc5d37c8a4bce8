/**
 * The live feed's deltas (docs/api.md "Live feed") and their parsing, apart from the connection
 * (live.ts) so that the map's fleet worker parses them without the page's code.
 */
export type LiveDelta =
  | { t: 'pos'; v: number; c: number; lat: number; lon: number; spd: number; dir: number; at: string }
  | { t: 'status'; v: number; c: number; s: string; r: string[]; at: string };

/** The deltas of a message; null when it is not an array of them (then it is skipped). */
export function parseDeltas(json: string): LiveDelta[] | null {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? (parsed as LiveDelta[]) : null;
  } catch {
    return null;
  }
}
