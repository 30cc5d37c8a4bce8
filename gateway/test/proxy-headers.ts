/**
 * PROXY protocol headers as a balancer writes them, built from the specification
 * (https://www.haproxy.org/download/2.8/doc/proxy-protocol.txt) independently of the gateway's parser.
 */

/** A v1 line for a terminal at `address`:`port` (the destination is the gateway's). */
export function proxyV1(family: 'TCP4' | 'TCP6', address: string, port: number): Buffer {
  const destination = family === 'TCP4' ? '10.0.0.1' : 'fd00::1';
  return Buffer.from(`PROXY ${family} ${address} ${destination} ${port} 6808\r\n`, 'latin1');
}

export interface V2Options {
  command?: 'proxy' | 'local';
  family: 'unspec' | 'inet' | 'inet6' | 'unix';
  address?: string;
  port?: number;
  /** Bytes of a NOOP TLV after the addresses (HAProxy may pad with one). */
  tlvs?: number;
}

const SIGNATURE = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];
const FAMILY = { unspec: 0x00, inet: 0x11, inet6: 0x21, unix: 0x31 } as const;

export function proxyV2({ command = 'proxy', family, address = '', port = 0, tlvs = 0 }: V2Options): Buffer {
  let addresses: Buffer;
  if (family === 'inet') {
    addresses = Buffer.alloc(12);
    Buffer.from(address.split('.').map(Number)).copy(addresses, 0);
    Buffer.from([10, 0, 0, 1]).copy(addresses, 4);
    addresses.writeUInt16BE(port, 8);
    addresses.writeUInt16BE(6808, 10);
  } else if (family === 'inet6') {
    addresses = Buffer.alloc(36);
    ipv6Bytes(address).copy(addresses, 0);
    ipv6Bytes('fd00::1').copy(addresses, 16);
    addresses.writeUInt16BE(port, 32);
    addresses.writeUInt16BE(6808, 34);
  } else if (family === 'unix') {
    addresses = Buffer.alloc(216);
    addresses.write('/run/terminal.sock', 'latin1');
  } else {
    addresses = Buffer.alloc(0);
  }
  const tlv =
    tlvs > 0
      ? Buffer.concat([Buffer.from([0x04, tlvs >> 8, tlvs & 0xff]), Buffer.alloc(tlvs)])
      : Buffer.alloc(0);
  const head = Buffer.from([...SIGNATURE, command === 'proxy' ? 0x21 : 0x20, FAMILY[family], 0, 0]);
  head.writeUInt16BE(addresses.length + tlv.length, 14);
  return Buffer.concat([head, addresses, tlv]);
}

/** The 16 bytes of an IPv6 address in any textual form, "::" and a trailing dotted quad included. */
function ipv6Bytes(text: string): Buffer {
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  const hex = quad
    ? text.slice(0, quad.index) +
      `${((+quad[1]! << 8) | +quad[2]!).toString(16)}:${((+quad[3]! << 8) | +quad[4]!).toString(16)}`
    : text;
  const [left = '', right] = hex.split('::');
  const head = left ? left.split(':') : [];
  const tail = right ? right.split(':') : [];
  const groups = [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail];
  const bytes = Buffer.alloc(16);
  for (const [i, group] of groups.entries()) bytes.writeUInt16BE(Number.parseInt(group, 16), i * 2);
  return bytes;
}
