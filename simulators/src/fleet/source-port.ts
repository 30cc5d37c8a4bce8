import { readFileSync } from 'node:fs';

/** The kernel's ephemeral port range (Linux's default where /proc does not say). */
export function ephemeralPorts(): readonly [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const range = [Number(low), Number(high)] as const;
    if (Number.isInteger(range[0]) && Number.isInteger(range[1]) && range[0] <= range[1]) return range;
  } catch {
    // not Linux: the default below
  }
  return [32768, 60999];
}

/**
 * The source port terminal `index` connects from when terminals bind their source addresses
 * round-robin over `addresses`: the terminals sharing an address take the range's ports in turn,
 * one each, so that no two terminals of the fleet (whatever process plays them) want the same
 * address and port. Undefined past the range's end: the system chooses.
 *
 * Why choose at all: binding an address with port 0 makes Linux search the range for a free port
 * under its bind-table lock, and with thousands bound on that address every search walks most of
 * them (1.3 ms of the simulator's CPU per connection at 9,000 an address). Binding a given port is
 * one lookup. The ports taken are the ones the system would have handed out: the same range.
 */
export function sourcePortOf(
  index: number,
  addresses: number,
  [low, high]: readonly [number, number],
): number | undefined {
  if (addresses < 1) return undefined;
  const port = low + Math.floor(index / addresses);
  return port <= high ? port : undefined;
}
