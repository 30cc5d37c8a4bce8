import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, parseConfig } from '../src/config.js';

describe('gateway options behind a balancer', () => {
  it('reads --proxy-protocol from the flag or JT808_PROXY_PROTOCOL, off by default', () => {
    expect(parseConfig([], {})).toMatchObject({ proxyProtocol: false });
    expect(parseConfig(['--proxy-protocol'], {})).toMatchObject({ proxyProtocol: true });
    expect(parseConfig([], { JT808_PROXY_PROTOCOL: '1' })).toMatchObject({ proxyProtocol: true });
    expect(parseConfig([], { JT808_PROXY_PROTOCOL: '0' })).toMatchObject({ proxyProtocol: false });
    // A typo must not quietly leave it off behind a balancer that sends headers.
    expect(() => parseConfig([], { JT808_PROXY_PROTOCOL: 'on' })).toThrow(ConfigError);
  });

  it('publishes 0x0704 to the backfill lane unless --no-backfill-lane or JT808_BACKFILL_LANE=0', () => {
    expect(parseConfig([], {})).toMatchObject({ backfillLane: true });
    expect(parseConfig(['--no-backfill-lane'], {})).toMatchObject({ backfillLane: false });
    expect(parseConfig([], { JT808_BACKFILL_LANE: '0' })).toMatchObject({ backfillLane: false });
    expect(parseConfig([], { JT808_BACKFILL_LANE: '1' })).toMatchObject({ backfillLane: true });
    expect(() => parseConfig([], { JT808_BACKFILL_LANE: 'off' })).toThrow(ConfigError);
  });

  it('takes per-address limits, 0 turning one off', () => {
    expect(parseConfig([], {})).toMatchObject({
      maxConnectionsPerAddress: DEFAULTS.maxConnectionsPerAddress,
      registrationsPerAddressPerMinute: DEFAULTS.registrationsPerAddressPerMinute,
    });
    const off = ['--max-connections-per-address', '0', '--registrations-per-address-per-minute', '0'];
    expect(parseConfig(off, {})).toMatchObject({
      maxConnectionsPerAddress: 0,
      registrationsPerAddressPerMinute: 0,
    });
    expect(() => parseConfig(['--max-connections-per-address=-1'], {})).toThrow(ConfigError);
    expect(() => parseConfig(['--proxy-header-timeout', '0'], {})).toThrow(ConfigError);
  });
});
