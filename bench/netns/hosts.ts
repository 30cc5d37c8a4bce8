import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Proc, type StartOptions, start } from '../processes.js';

/**
 * The hosts of bench/netns/hosts.sh as the runner sees them: a network namespace and its address
 * each. Addresses and names must match the script's.
 */
export interface Host {
  name: string;
  /** The network namespace; undefined for the root namespace (the balancer and the terminals). */
  ns: string | undefined;
  address: string;
}

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'hosts.sh');

export const BALANCER: Host = { name: 'balancer', ns: undefined, address: '10.88.0.1' };
export const CORE: Host = { name: 'core', ns: 'jt808-core', address: '10.88.0.2' };
export const gatewayHost = (i: number): Host => ({
  name: `gw${i}`,
  ns: `jt808-gw${i}`,
  address: `10.88.0.${10 + i}`,
});

export function hostsUp(gateways: number): void {
  execFileSync('bash', [SCRIPT, 'up', String(gateways)], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export function hostsDown(): void {
  execFileSync('bash', [SCRIPT, 'down'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * start() on `host`: through `ip netns exec`, which enters the namespace and then runs the command
 * itself (same pid, same process group, so stop() and the kill -9 of a host work as on the root
 * namespace). A uid/gid (PostgreSQL refuses root) is taken by setpriv inside the namespace, since
 * entering one needs root.
 */
export function startOn(host: Host): typeof start {
  if (host.ns === undefined) return start;
  const ns = host.ns;
  return (
    name: string,
    command: string,
    args: string[],
    logDir: string,
    options: StartOptions = {},
  ): Proc => {
    const { uid, gid, env } = options;
    const asUser =
      uid === undefined ? [] : ['setpriv', `--reuid=${uid}`, `--regid=${gid ?? uid}`, '--clear-groups'];
    return start(name, 'ip', ['netns', 'exec', ns, ...asUser, command, ...args], logDir, { env });
  };
}
