/**
 * The balancer of a bench run, derived from the production configuration (deploy/haproxy.cfg) so
 * that what is measured is what a province deploys: the same timeouts, `balance leastconn`, health
 * checks on /healthz and send-proxy-v2. Only what names the surroundings changes: the bind address,
 * the servers (fixed addresses instead of Docker's DNS resolver) and maxconn, which this machine's
 * open-file limit bounds (HAProxy holds two descriptors per connection).
 */
export interface BalancerSetup {
  bind: string;
  /**
   * The gateways. A server with `track` names another server of the backend whose health check it
   * follows instead of running its own: several addresses of one gateway (one HAProxy reaches one
   * address and port from at most ~28,000 source ports) need one check, not one each.
   */
  servers: { name: string; address: string; port: number; track?: string }[];
  healthPort: number;
  maxconn: number;
}

export function balancerConfig(production: string, setup: BalancerSetup): string {
  const lines = production.split('\n');
  const out: string[] = [];
  let inResolvers = false;
  for (const line of lines) {
    if (/^resolvers\s/.test(line)) {
      inResolvers = true;
      continue;
    }
    if (inResolvers) {
      if (/^\S/.test(line)) inResolvers = false;
      else continue;
    }
    if (/^\s*server\s/.test(line)) continue;
    out.push(
      line
        .replace(/^(\s*)bind\s+:\d+/, `$1bind ${setup.bind}`)
        .replace(/^(\s*)maxconn\s+\d+/, `$1maxconn ${setup.maxconn}`)
        .replace(/\s+resolvers\s+\S+\s+init-addr\s+\S+/, ''),
    );
    if (/^\s*default-server\s/.test(line)) {
      const indent = /^(\s*)/.exec(line)![1];
      for (const s of setup.servers)
        out.push(
          s.track === undefined
            ? `${indent}server ${s.name} ${s.address}:${s.port} check port ${setup.healthPort} send-proxy-v2`
            : `${indent}server ${s.name} ${s.address}:${s.port} track ${s.track} send-proxy-v2`,
        );
    }
  }
  const text = out.join('\n');
  for (const needed of ['bind ', 'balance leastconn', 'send-proxy-v2', 'httpchk'])
    if (!text.includes(needed))
      throw new Error(`deploy/haproxy.cfg changed shape: no "${needed}" in the derived config`);
  return text;
}
