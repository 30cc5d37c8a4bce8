/**
 * How a province's fleet is laid out on one machine (bench:province): how many HAProxy processes,
 * how many addresses the gateway is reached on, how many source addresses and fleet-sim groups.
 * Pure, so that the arithmetic is tested apart from the processes it starts.
 *
 * The limits it works around, all per machine here (bench/RESULTS.md, "The whole province on one box"):
 * - a process may open `openFiles` files: HAProxy holds two a terminal (its side and the gateway's),
 *   so one HAProxy process holds (openFiles − a margin) / 2 terminals, and several bind the one
 *   address with SO_REUSEPORT, the kernel spreading new connections over them;
 * - a connect() picks its source port among the ephemeral range, unique per source address and
 *   destination address and port. fleet-sim binds its source addresses explicitly (so that it can
 *   use many), and Linux then keeps those ports, mostly the odd ones of the range's lower half,
 *   from every connect() of the machine: HAProxy's connections to a gateway address get the rest,
 *   about three quarters of the range. The gateway therefore listens on 0.0.0.0 and HAProxy reaches
 *   it on several loopback addresses (`perServerLine` connections each), one server line each;
 * - fleet-sim connects from 127.0.0.x, `perAddress` terminals an address (more makes every
 *   connect() cost milliseconds of kernel time).
 */
export interface PlanInput {
  terminals: number;
  /** Open files one process may have. */
  openFiles: number;
  /** Terminals a fleet-sim source address carries. */
  perAddress: number;
  /** HAProxy→gateway connections one server line (one gateway address) carries. */
  perServerLine: number;
  /** Terminals per fleet-sim group (one fleet-sim command each: a share can be restarted apart). */
  perGroup: number;
  /** Room for a reconnection wave while old connections still time out (deploy/haproxy.cfg's 450,000 for 400,000). */
  headroom?: number;
}

export interface Plan {
  /** HAProxy processes, and the connections (maxconn) each takes. */
  balancers: number;
  perBalancer: number;
  /** Gateway addresses (127.0.1.1, …), one HAProxy server line each. */
  serverLines: string[];
  /** fleet-sim's --source-addresses (127.0.0.1 … 127.0.0.N). */
  sourceAddresses: number;
  /** The fleet-sim groups: first index and count. */
  groups: { first: number; count: number }[];
}

/** Descriptors a HAProxy process keeps for itself: listeners, health checks, logs. */
const BALANCER_MARGIN = 500;

export function planProvince(input: PlanInput): Plan {
  const { terminals, openFiles, perAddress, perServerLine, perGroup } = input;
  for (const [name, value] of Object.entries(input))
    if (!(Number.isInteger(value) || name === 'headroom') || !(value > 0))
      throw new RangeError(`${name}: a whole number above 0, got ${value}`);
  const headroom = input.headroom ?? 1.1;
  // Rounded first: 400,000 × 1.1 is 440,000.00000000006 in floating point.
  const connections = Math.ceil(Math.round(terminals * headroom * 1000) / 1000);
  const perBalancer = Math.floor((openFiles - BALANCER_MARGIN) / 2);
  if (perBalancer < 1) throw new RangeError(`openFiles: ${openFiles} leaves no room for connections`);
  const lines = Math.ceil(connections / perServerLine);
  const groups: { first: number; count: number }[] = [];
  for (let first = 0; first < terminals; first += perGroup)
    groups.push({ first, count: Math.min(perGroup, terminals - first) });
  return {
    balancers: Math.ceil(connections / perBalancer),
    perBalancer,
    serverLines: Array.from({ length: lines }, (_, i) => lineAddress(i)),
    sourceAddresses: Math.ceil(terminals / perAddress),
    groups,
  };
}

/** The i-th gateway address: 127.0.1.1 … 127.0.1.250, then 127.0.2.1 …, apart from fleet-sim's 127.0.0.x. */
export function lineAddress(i: number): string {
  return `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
}

/**
 * The groups that report every 30 s for a share of the fleet: the first groups whose terminals
 * add up to the share, rounded to whole groups (a group is restarted with the new cadence).
 */
export function groupsForShare(groups: { count: number }[], share: number): number {
  if (!(share >= 0 && share <= 1)) throw new RangeError(`share: 0 to 1, got ${share}`);
  const total = groups.reduce((sum, g) => sum + g.count, 0);
  let covered = 0;
  let n = 0;
  while (n < groups.length && covered < share * total - 0.5) covered += groups[n++]!.count;
  return n;
}

/**
 * The next number of groups to put on a 30 s cadence when searching for the largest that keeps the
 * ingest delay in bounds: halfway between the largest count that passed and the smallest that
 * failed (`groups + 1` while none has failed); undefined once they are neighbours.
 */
export function nextShareProbe(passing: number, failing: number): number | undefined {
  if (!(Number.isInteger(passing) && Number.isInteger(failing) && passing < failing))
    throw new RangeError(`passing ${passing} must be a whole number below failing ${failing}`);
  if (failing - passing <= 1) return undefined;
  return Math.ceil((passing + failing) / 2);
}
