import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHaproxyConfig, haproxyMissing } from '@jt808/test-support/haproxy';
import { describe, expect, it } from 'vitest';
import { balancerConfig } from '../bench/netns/balancer.js';
import { groupsForShare, lineAddress, nextShareProbe, planProvince } from '../bench/province/plan.js';

/** bench:province's layout of 400,000 terminals on one machine (bench/province/plan.ts). */
const province = {
  terminals: 400_000,
  openFiles: 20_000,
  perAddress: 4000,
  perServerLine: 10_000,
  perGroup: 50_000,
};

describe('the province on one machine', () => {
  it('takes as many HAProxy processes as two descriptors a terminal need, with the production headroom', () => {
    const plan = planProvince(province);
    // (20,000 − 500) / 2 = 9,750 terminals a process; 440,000 connections with 10 % headroom.
    expect(plan.perBalancer).toBe(9750);
    expect(plan.balancers).toBe(46);
    expect(plan.balancers * plan.perBalancer).toBeGreaterThanOrEqual(440_000);
  });

  it('reaches the gateway on enough addresses that no address runs out of source ports', () => {
    const plan = planProvince(province);
    expect(plan.serverLines).toHaveLength(44);
    expect(plan.serverLines.slice(0, 2)).toEqual(['127.0.1.1', '127.0.1.2']);
    expect(new Set(plan.serverLines).size).toBe(44);
    // None of them is one of fleet-sim's source addresses (127.0.0.x).
    expect(plan.serverLines.every((a) => !a.startsWith('127.0.0.'))).toBe(true);
    expect(lineAddress(249)).toBe('127.0.1.250');
    expect(lineAddress(250)).toBe('127.0.2.1');
  });

  it('connects 4,000 terminals from each source address and splits the fleet into groups that cover it once', () => {
    const plan = planProvince({ ...province, terminals: 123_457 });
    expect(plan.sourceAddresses).toBe(31);
    expect(plan.groups).toEqual([
      { first: 0, count: 50_000 },
      { first: 50_000, count: 50_000 },
      { first: 100_000, count: 23_457 },
    ]);
  });

  it('refuses a layout it cannot make', () => {
    expect(() => planProvince({ ...province, terminals: 0 })).toThrow(/terminals/);
    expect(() => planProvince({ ...province, perGroup: 1.5 })).toThrow(/perGroup/);
    expect(() => planProvince({ ...province, openFiles: 400 })).toThrow(/openFiles/);
  });

  it('makes a 30 s share of whole groups, the smallest that covers it', () => {
    const groups = planProvince(province).groups;
    expect(groupsForShare(groups, 0)).toBe(0);
    expect(groupsForShare(groups, 0.125)).toBe(1);
    expect(groupsForShare(groups, 0.2)).toBe(2);
    expect(groupsForShare(groups, 0.5)).toBe(4);
    expect(groupsForShare(groups, 1)).toBe(8);
    expect(() => groupsForShare(groups, 1.5)).toThrow(/share/);
  });
});

describe('the search for the largest share at 30 s', () => {
  it('halves the range between what passed and what failed, in whole groups', () => {
    // Eight groups, the first probe at half of them.
    expect(nextShareProbe(0, 9)).toBe(5);
    // 5 passed: between 5 and 9 (none failed yet) → 7; 7 failed → 6.
    expect(nextShareProbe(5, 9)).toBe(7);
    expect(nextShareProbe(5, 7)).toBe(6);
    // 4 failed first: between 0 and 4 → 2.
    expect(nextShareProbe(0, 4)).toBe(2);
    expect(nextShareProbe(6, 7)).toBeUndefined();
    expect(nextShareProbe(8, 9)).toBeUndefined();
    expect(() => nextShareProbe(5, 5)).toThrow(/below/);
  });
});

describe('the balancer of bench:province', () => {
  it.skipIf(haproxyMissing !== undefined)(
    'checks one address of the gateway and has the others follow it, in a configuration HAProxy accepts',
    () => {
      const production = readFileSync(new URL('../deploy/haproxy.cfg', import.meta.url), 'utf8');
      const lines = planProvince({ ...province, terminals: 25_000 }).serverLines;
      const derived = balancerConfig(production, {
        bind: '127.0.0.1:26808',
        servers: lines.map((address, i) => ({
          name: `gw-${i + 1}`,
          address,
          port: 26808,
          track: i === 0 ? undefined : 'gateways/gw-1',
        })),
        healthPort: 29808,
        maxconn: 9750,
      });
      const servers = derived.split('\n').filter((l) => l.trim().startsWith('server '));
      expect(servers.map((l) => l.trim())).toEqual([
        'server gw-1 127.0.1.1:26808 check port 29808 send-proxy-v2',
        'server gw-2 127.0.1.2:26808 track gateways/gw-1 send-proxy-v2',
        'server gw-3 127.0.1.3:26808 track gateways/gw-1 send-proxy-v2',
      ]);
      const file = join(mkdtempSync(join(tmpdir(), 'jt808-province-lb-')), 'haproxy.cfg');
      writeFileSync(file, derived);
      const { status, output } = checkHaproxyConfig(file);
      expect(status, output).toBe(0);
    },
  );
});
