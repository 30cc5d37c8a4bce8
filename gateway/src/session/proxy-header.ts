import { isIPv4, isIPv6, type Socket } from 'node:net';

/** Where a connection comes from. */
export interface Peer {
  address: string;
  port: number;
}

/** The other end of the TCP connection itself: the terminal, unless a balancer is in between. */
export function socketPeer(socket: Socket): Peer {
  return { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
}

/**
 * A complete PROXY protocol header: its length in bytes, and the terminal's address it carries, or
 * undefined when the balancer says the connection is its own (v2 LOCAL: a health check) or it
 * cannot say (v1 UNKNOWN, v2 UNSPEC or UNIX families): then the socket's own address is the peer.
 */
export interface ProxyHeader {
  length: number;
  source: Peer | undefined;
}

/**
 * What the bytes so far are: a header, the start of one, or not a header at all. `missing`: the
 * connection does not start with either signature (a terminal connecting to the gateway directly,
 * a scanner); `malformed`: it does, but what follows breaks the specification.
 */
export type ProxyParse = ProxyHeader | 'incomplete' | 'missing' | 'malformed';

/** The v1 header is one line of at most 107 bytes, CRLF included (the specification's bound). */
const V1_MAX = 107;
const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
/**
 * Longest v2 header accepted. The format allows 64 KiB of TLVs after the addresses; HAProxy sends
 * none unless told to (proxy-v2-options), and a peer that announces more is not a balancer we set
 * up, so it is refused instead of buffered.
 */
const V2_MAX = 16 + 1024;
/** Address block sizes of the v2 families INET, INET6 and UNIX. */
const V2_INET = 12;
const V2_INET6 = 36;
const V2_UNIX = 216;
const PORT = /^(0|[1-9][0-9]{0,4})$/;

/**
 * Reads a PROXY protocol header (v1 text or v2 binary, https://www.haproxy.org/download/2.8/doc/proxy-protocol.txt)
 * from the first bytes of a connection. It allocates only for a complete header (the address
 * string), so calling it again on every chunk of a header split across segments costs nothing.
 */
export function parseProxyHeader(data: Uint8Array): ProxyParse {
  if (data.length === 0) return 'incomplete';
  if (data[0] === V1_PREFIX[0]) return parseV1(data);
  if (data[0] === V2_SIGNATURE[0]) return parseV2(data);
  return 'missing';
}

function parseV1(data: Uint8Array): ProxyParse {
  if (!startsWith(data, V1_PREFIX)) return 'missing';
  let end = 0;
  while (end < data.length && end < V1_MAX && data[end] !== 0x0a) end++;
  if (end === V1_MAX) return 'malformed';
  if (end === data.length) return 'incomplete';
  if (data[end - 1] !== 0x0d) return 'malformed';
  const fields = Buffer.from(data.buffer, data.byteOffset + V1_PREFIX.length, end - 1 - V1_PREFIX.length)
    .toString('latin1')
    .split(' ');
  const length = end + 1;
  // UNKNOWN: the balancer could not tell; the rest of the line is to be ignored.
  if (fields[0] === 'UNKNOWN') return { length, source: undefined };
  if (fields.length !== 5) return 'malformed';
  const [family, source = '', destination = '', sourcePort = '', destinationPort = ''] = fields;
  const valid = family === 'TCP4' ? isIPv4 : family === 'TCP6' ? isIPv6 : undefined;
  if (!valid?.(source) || !valid(destination)) return 'malformed';
  const port = portOf(sourcePort);
  if (port < 0 || portOf(destinationPort) < 0) return 'malformed';
  return { length, source: { address: unmapped(source), port } };
}

function parseV2(data: Uint8Array): ProxyParse {
  if (!startsWith(data, V2_SIGNATURE)) return 'missing';
  if (data.length < 16) return 'incomplete';
  const versionCommand = data[12]!;
  const familyTransport = data[13]!;
  const length = 16 + ((data[14]! << 8) | data[15]!);
  const command = versionCommand & 0x0f;
  if (versionCommand >> 4 !== 2 || command > 1 || (familyTransport & 0x0f) > 2) return 'malformed';
  if (length > V2_MAX) return 'malformed';
  if (data.length < length) return 'incomplete';
  const family = familyTransport >> 4;
  const addresses = length - 16;
  // LOCAL: the balancer's own connection (a health check); the address block is to be ignored.
  if (command === 0) return { length, source: undefined };
  switch (family) {
    case 0: // UNSPEC: the balancer could not tell
      return { length, source: undefined };
    case 1:
      if (addresses < V2_INET) return 'malformed';
      return {
        length,
        source: {
          address: `${data[16]}.${data[17]}.${data[18]}.${data[19]}`,
          port: (data[24]! << 8) | data[25]!,
        },
      };
    case 2:
      if (addresses < V2_INET6) return 'malformed';
      return { length, source: { address: formatIPv6(data, 16), port: (data[48]! << 8) | data[49]! } };
    case 3: // UNIX: no address a per-address limit could use
      return addresses < V2_UNIX ? 'malformed' : { length, source: undefined };
    default:
      return 'malformed';
  }
}

/** Compares the bytes there are against the start of `prefix`: a prefix of the signature is incomplete, not wrong. */
function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  const n = Math.min(data.length, prefix.length);
  for (let i = 0; i < n; i++) if (data[i] !== prefix[i]) return false;
  return true;
}

function portOf(text: string): number {
  if (!PORT.test(text)) return -1;
  const port = Number(text);
  return port <= 65535 ? port : -1;
}

/**
 * RFC 5952 text of the 16 bytes at `at`, as Node prints a socket's address, so the same terminal
 * has the same key in the per-address limits whichever way it arrived. An IPv4-mapped address is
 * the IPv4 address it maps.
 */
function formatIPv6(data: Uint8Array, at: number): string {
  let mapped = data[at + 10] === 0xff && data[at + 11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) mapped = data[at + i] === 0;
  if (mapped) return `${data[at + 12]}.${data[at + 13]}.${data[at + 14]}.${data[at + 15]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((data[at + i]! << 8) | data[at + i + 1]!);
  // The longest run of two or more zero groups (the first of equals) becomes "::".
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

/** "::ffff:1.2.3.4" from a v1 TCP6 line is the IPv4 address 1.2.3.4, as in formatIPv6. */
function unmapped(address: string): string {
  const tail = address.startsWith('::ffff:') ? address.slice(7) : '';
  return isIPv4(tail) ? tail : address;
}
