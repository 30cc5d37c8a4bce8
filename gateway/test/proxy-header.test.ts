import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseProxyHeader } from '../src/session/proxy-header.js';
import { proxyV1, proxyV2 } from './proxy-headers.js';

const frame = Buffer.from('7e000200000138000001000a7e', 'hex');

/** Every strict prefix of a header is the start of one, never a verdict. */
function expectIncompleteUntilWhole(header: Buffer): void {
  for (let n = 0; n < header.length; n++)
    expect(parseProxyHeader(header.subarray(0, n)), `${n} bytes`).toBe('incomplete');
}

describe('PROXY protocol v1', () => {
  it('reads the source of TCP4 and TCP6 lines and leaves what follows alone', () => {
    const header = proxyV1('TCP4', '203.0.113.7', 51234);
    expect(parseProxyHeader(Buffer.concat([header, frame]))).toEqual({
      length: header.length,
      source: { address: '203.0.113.7', port: 51234 },
    });
    expect(parseProxyHeader(proxyV1('TCP6', '2001:db8::7', 0))).toMatchObject({
      source: { address: '2001:db8::7', port: 0 },
    });
    // An IPv4-mapped address is the IPv4 terminal it stands for, as with v2.
    expect(parseProxyHeader(proxyV1('TCP6', '::ffff:198.51.100.4', 65535))).toMatchObject({
      source: { address: '198.51.100.4', port: 65535 },
    });
    expectIncompleteUntilWhole(header);
  });

  it('takes UNKNOWN as "use the connection\'s own address", whatever follows on the line', () => {
    for (const line of ['PROXY UNKNOWN\r\n', 'PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n'])
      expect(parseProxyHeader(Buffer.from(line))).toEqual({ length: line.length, source: undefined });
  });

  it.each([
    ['an address that is not one', 'PROXY TCP4 203.0.113.256 10.0.0.1 1 2\r\n'],
    ['IPv6 under TCP4', 'PROXY TCP4 ::1 ::1 1 2\r\n'],
    ['an unknown family', 'PROXY UDP4 10.0.0.1 10.0.0.2 1 2\r\n'],
    ['a port past 65535', 'PROXY TCP4 10.0.0.1 10.0.0.2 65536 2\r\n'],
    ['a port with a leading zero', 'PROXY TCP4 10.0.0.1 10.0.0.2 01 2\r\n'],
    ['a port with a sign', 'PROXY TCP4 10.0.0.1 10.0.0.2 +1 2\r\n'],
    ['a field missing', 'PROXY TCP4 10.0.0.1 10.0.0.2 1\r\n'],
    ['a double space', 'PROXY TCP4  10.0.0.1 10.0.0.2 1 2\r\n'],
    ['LF without CR', 'PROXY TCP4 10.0.0.1 10.0.0.2 1 2\n'],
    ['no family at all', 'PROXY \r\n'],
    ['no line end within 107 bytes', `PROXY UNKNOWN ${'x'.repeat(93)}`],
  ])('refuses %s', (_, line) => {
    expect(parseProxyHeader(Buffer.from(line))).toBe('malformed');
  });

  it('says "missing" as soon as the bytes cannot start a header', () => {
    expect(parseProxyHeader(frame)).toBe('missing');
    expect(parseProxyHeader(Buffer.from('GET / HTTP/1.1\r\n'))).toBe('missing');
    expect(parseProxyHeader(Buffer.from('PROX\r\n'))).toBe('missing');
    expect(parseProxyHeader(Buffer.from('proxy TCP4 '))).toBe('missing');
  });
});

describe('PROXY protocol v2', () => {
  it('reads INET and INET6 sources, skipping TLVs, and leaves what follows alone', () => {
    const v4 = proxyV2({ family: 'inet', address: '203.0.113.7', port: 51234, tlvs: 7 });
    expect(parseProxyHeader(Buffer.concat([v4, frame]))).toEqual({
      length: v4.length,
      source: { address: '203.0.113.7', port: 51234 },
    });
    expectIncompleteUntilWhole(v4);
    const v6 = proxyV2({ family: 'inet6', address: '2001:db8::1:0:0:1', port: 443 });
    expect(parseProxyHeader(v6)).toEqual({
      length: 16 + 36,
      source: { address: '2001:db8::1:0:0:1', port: 443 },
    });
    expect(parseProxyHeader(proxyV2({ family: 'inet6', address: '::ffff:10.1.2.3', port: 1 }))).toMatchObject(
      {
        source: { address: '10.1.2.3' },
      },
    );
  });

  it('prints IPv6 sources as Node prints a socket address (RFC 5952)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
          minLength: 8,
          maxLength: 8,
        }),
        (groups) => {
          const address = groups.map((g) => g.toString(16)).join(':');
          const expected = new URL(`http://[${address}]/`).hostname.slice(1, -1);
          fc.pre(!expected.startsWith('::ffff:')); // mapped IPv4: its own test above
          const parsed = parseProxyHeader(proxyV2({ family: 'inet6', address, port: 1 }));
          expect(parsed).toMatchObject({ source: { address: expected } });
        },
      ),
    );
  });

  it('takes LOCAL (a health check), UNSPEC and UNIX as "use the connection\'s own address"', () => {
    const local = proxyV2({ command: 'local', family: 'inet', address: '203.0.113.7', port: 1 });
    expect(parseProxyHeader(local)).toEqual({ length: 28, source: undefined });
    const bareLocal = proxyV2({ command: 'local', family: 'unspec' });
    expect(parseProxyHeader(bareLocal)).toEqual({ length: 16, source: undefined });
    expect(parseProxyHeader(proxyV2({ family: 'unspec' }))).toEqual({ length: 16, source: undefined });
    expect(parseProxyHeader(proxyV2({ family: 'unix' }))).toEqual({ length: 16 + 216, source: undefined });
  });

  it('refuses a wrong version, command, family or transport, short addresses and oversize headers', () => {
    const good = proxyV2({ family: 'inet', address: '10.0.0.1', port: 1 });
    const with_ = (at: number, value: number) => {
      const copy = Buffer.from(good);
      copy[at] = value;
      return copy;
    };
    expect(parseProxyHeader(with_(12, 0x11))).toBe('malformed'); // version 1
    expect(parseProxyHeader(with_(12, 0x22))).toBe('malformed'); // command 2
    expect(parseProxyHeader(with_(13, 0x41))).toBe('malformed'); // family 4
    expect(parseProxyHeader(with_(13, 0x13))).toBe('malformed'); // transport 3
    expect(parseProxyHeader(with_(15, 11))).toBe('malformed'); // INET needs 12 address bytes
    expect(parseProxyHeader(with_(14, 0xff))).toBe('malformed'); // 65 KB announced
  });

  it('says "missing" when the signature breaks off', () => {
    const broken = proxyV2({ family: 'unspec' });
    broken[11] = 0x0b;
    expect(parseProxyHeader(broken)).toBe('missing');
    expect(parseProxyHeader(broken.subarray(0, 12))).toBe('missing');
  });
});

describe('PROXY protocol parsing of anything', () => {
  it('never throws, never claims more bytes than it got, and decides a byte string once for all its extensions', () => {
    const starts = fc.constantFrom(
      Buffer.alloc(0),
      Buffer.from('PROXY '),
      Buffer.from('PROXY TCP4 '),
      proxyV2({ family: 'inet', address: '10.0.0.1', port: 1 }).subarray(0, 12),
      proxyV2({ family: 'inet', address: '10.0.0.1', port: 1 }).subarray(0, 16),
    );
    fc.assert(
      fc.property(
        starts,
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 50 }),
        (start, a, b) => {
          const data = Buffer.concat([start, a]);
          const verdict = parseProxyHeader(data);
          if (typeof verdict === 'object') {
            expect(verdict.length).toBeLessThanOrEqual(data.length);
            expect(verdict.length).toBeGreaterThanOrEqual(15);
          }
          // More bytes never change a verdict; they may only complete a start.
          if (verdict !== 'incomplete') expect(parseProxyHeader(Buffer.concat([data, b]))).toEqual(verdict);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
