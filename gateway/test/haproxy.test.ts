import { EventKind } from '@jt808/bus';
import { TerminalConnection } from '@jt808/simulators';
import { type Harness, startHarness } from '@jt808/test-support/gateway-harness';
import { haproxyMissing, startHaproxy } from '@jt808/test-support/haproxy';
import { freePort } from '@jt808/test-support/ports';
import { signIn } from '@jt808/test-support/terminal';
import { until } from '@jt808/test-support/wait';
import { afterEach, describe, expect, it } from 'vitest';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** What deploy/haproxy.cfg does for the terminals, pointed at gateways on this machine. */
function config(port: number, gateways: Harness[]): string {
  return `
defaults
    mode tcp
    timeout connect 2s
    timeout client 60s
    timeout server 60s
frontend terminals
    bind 127.0.0.1:${port}
    default_backend gateways
backend gateways
    balance leastconn
${gateways.map((g, i) => `    server gateway-${i + 1} 127.0.0.1:${g.port} send-proxy-v2`).join('\n')}
`;
}

describe.skipIf(haproxyMissing !== undefined)('terminals through a real HAProxy (send-proxy-v2)', () => {
  it('reach both gateways and are seen there with their own addresses, not the balancer', async () => {
    const gateways = [
      await startHarness({ config: { proxyProtocol: true } }),
      await startHarness({ config: { proxyProtocol: true } }),
    ];
    for (const gateway of gateways) cleanups.push(() => gateway.close());
    const port = await freePort();
    const haproxy = await startHaproxy(config(port, gateways), port);
    cleanups.push(() => haproxy.stop());
    for (let i = 0; i < 4; i++) {
      const terminal = new TerminalConnection({
        host: '127.0.0.1',
        port,
        phone: `01380000030${i}`,
        edition: '2013',
        localAddress: `127.0.0.${i + 2}`, // the gateway's sockets all come from 127.0.0.1, HAProxy's
        replyTimeoutMs: 5000,
      });
      cleanups.push(() => terminal.destroy());
      await signIn(terminal, `T00030${i}`, `豫H0030${i}`);
    }
    const seen = (gateway: Harness) =>
      gateway.committed
        .filter((d) => d.event.kind === EventKind.Authenticated)
        .map((d) => `${d.event.phone} ${d.event.remoteAddress!.replace(/:\d+$/, '')}`);
    await until(() => seen(gateways[0]!).length + seen(gateways[1]!).length === 4);
    expect(seen(gateways[0]!).length).toBeGreaterThan(0);
    expect(seen(gateways[1]!).length).toBeGreaterThan(0);
    expect([...seen(gateways[0]!), ...seen(gateways[1]!)].sort()).toEqual([
      '013800000300 127.0.0.2',
      '013800000301 127.0.0.3',
      '013800000302 127.0.0.4',
      '013800000303 127.0.0.5',
    ]);
  });
});
