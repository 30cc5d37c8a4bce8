import { kernel } from './proc.js';
import { sleep } from './processes.js';

/* What the runners that connect a simulated fleet (fleet-sim, blast.mjs) to a gateway share. */

/**
 * fleet-sim's --source-addresses for n connections, `perAddress` an address. Not the simulator's
 * default of 25,000 per address: libuv sets SO_REUSEADDR before bind(), so the kernel's port search
 * for bind(addr, 0) first scans only the odd ports of the lower half of ip_local_port_range (~7,000
 * here), and once those are taken every connect costs milliseconds of system time (see RESULTS.md).
 * A few thousand per address keeps it cheap.
 */
export function sourceAddresses(n: number, perAddress: number): number {
  return Math.min(254, Math.max(1, Math.ceil(n / perAddress)));
}

/**
 * Waits (at most 75 s) for the TIME_WAIT sockets of the previous phase to expire: they keep their
 * (address, port) pairs, which would make the next phase's connects slower than the first's.
 */
export async function quiesce(): Promise<void> {
  const deadline = performance.now() + 75_000;
  while (kernel().tcpTimeWait > 2000 && performance.now() < deadline) await sleep(2000);
}

/** The JSON summary a client (fleet-sim --json, blast.mjs) prints last, after any other output. */
export function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text.slice(text.indexOf('{')));
  } catch {
    return undefined;
  }
}
