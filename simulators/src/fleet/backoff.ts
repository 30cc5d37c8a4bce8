/**
 * How long a terminal waits before connecting again, in simulated seconds: a random time within a
 * window that doubles with every attempt in a row that did not end signed in, up to a cap. Firmware
 * retries soon after a dropped link (it is usually back at once) but backs off while the platform
 * does not answer, so that a province's fleet coming back after a gateway restart does not keep
 * the gateways at the storm's peak; the jitter (uniform over the whole window) spreads the fleet.
 */
export const RECONNECT_S: readonly [number, number] = [5, 30];
/** The widest window: a terminal that keeps failing still tries every 5 minutes at most. */
export const RECONNECT_CAP_S = 300;

/** The window after `failures` attempts in a row that failed (0: the link dropped while signed in). */
export function reconnectWindow(failures: number): readonly [number, number] {
  if (failures <= 0) return RECONNECT_S;
  const high = Math.min(RECONNECT_S[1] * 2 ** Math.min(failures, 20), RECONNECT_CAP_S);
  return [RECONNECT_S[0], high];
}
