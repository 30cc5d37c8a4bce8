/**
 * NAIVE BASELINES — NOT THE CODEC, NEVER IMPORT OUTSIDE bench/.
 *
 * Straightforward implementations of the same jobs, written the way a first-time author would:
 * byte-by-byte loops pushing into arrays, Buffer.concat, hex strings and parseInt, DataView and a
 * fresh object per item. They are the yardstick the codec benchmarks divide by. Each benchmark checks
 * that its baseline produces the same values as @jt808/protocol on the benchmark input before timing,
 * so the comparison is like for like; they do not validate input the way the codec does and handle
 * only what the benchmarks feed them (no sub-packages, no encryption, throw plain Errors).
 */

const FLAG = 0x7e;
const ESCAPE = 0x7d;

/** Naive 0x7e splitter: glues the leftover to each chunk and walks it byte by byte into an array. */
export class NaiveSplitter {
  private leftover = Buffer.alloc(0);
  private synced = false;

  constructor(private readonly onFrame: (escaped: Buffer) => void) {}

  push(chunk: Buffer): void {
    const data = Buffer.concat([this.leftover, chunk]);
    let current: number[] = [];
    for (const byte of data) {
      if (byte === FLAG) {
        if (this.synced && current.length > 0) this.onFrame(Buffer.from(current));
        current = [];
        this.synced = true;
      } else {
        current.push(byte);
      }
    }
    this.leftover = this.synced ? Buffer.from(current) : Buffer.alloc(0);
  }
}

/** Naive unescape: every byte pushed into an array, then copied into a Buffer. */
export function naiveUnescape(escaped: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < escaped.length; i++) {
    if (escaped[i] === ESCAPE) {
      const next = escaped[i + 1];
      if (next === 0x02) out.push(FLAG);
      else if (next === 0x01) out.push(ESCAPE);
      else throw new Error('bad escape');
      i++;
    } else {
      out.push(escaped[i]!);
    }
  }
  return Buffer.from(out);
}

export function naiveChecksum(data: Buffer): number {
  return data.reduce((x, byte) => x ^ byte, 0);
}

export interface NaiveHeader {
  messageId: number;
  edition: '2013' | '2019';
  protocolVersion: number;
  bodyLength: number;
  encryption: number;
  phone: string;
  serial: number;
}

export interface NaiveLocation {
  alarm: number;
  status: number;
  latitude: number;
  longitude: number;
  altitude: number;
  speed: number;
  direction: number;
  time: Date | null;
  extras: {
    mileage?: number;
    fuel?: number;
    signalStrength?: number;
    satellites?: number;
    others?: { id: number; data: Uint8Array }[];
  };
}

/** Naive 0x0200 decoder: unescape, checksum, header from a hex string, body through a DataView. */
export function naiveDecodeLocationFrame(escaped: Buffer): { header: NaiveHeader; body: NaiveLocation } {
  const data = naiveUnescape(escaped);
  const checkCode = data[data.length - 1];
  const withoutCheckCode = data.subarray(0, data.length - 1);
  if (naiveChecksum(withoutCheckCode) !== checkCode) throw new Error('bad checksum');

  const hex = withoutCheckCode.toString('hex');
  const messageId = parseInt(hex.substring(0, 4), 16);
  const attributes = parseInt(hex.substring(4, 8), 16);
  if (messageId !== 0x0200) throw new Error('not a location report');
  if (attributes & 0x2000) throw new Error('sub-packages not supported');
  const is2019 = (attributes & 0x4000) !== 0;
  const phoneStart = is2019 ? 10 : 8;
  const phoneDigits = is2019 ? 20 : 12;
  const header: NaiveHeader = {
    messageId,
    edition: is2019 ? '2019' : '2013',
    protocolVersion: is2019 ? parseInt(hex.substring(8, 10), 16) : 0,
    bodyLength: attributes & 0x3ff,
    encryption: (attributes >> 10) & 0x7,
    phone: hex.substring(phoneStart, phoneStart + phoneDigits),
    serial: parseInt(hex.substring(phoneStart + phoneDigits, phoneStart + phoneDigits + 4), 16),
  };

  const bodyStart = is2019 ? 17 : 12;
  const view = new DataView(data.buffer, data.byteOffset + bodyStart, header.bodyLength);
  const status = view.getUint32(4);
  const timeHex = hex.substring(bodyStart * 2 + 44, bodyStart * 2 + 56);
  const time = new Date(
    `20${timeHex.substring(0, 2)}-${timeHex.substring(2, 4)}-${timeHex.substring(4, 6)}T` +
      `${timeHex.substring(6, 8)}:${timeHex.substring(8, 10)}:${timeHex.substring(10, 12)}+08:00`,
  );
  const body: NaiveLocation = {
    alarm: view.getUint32(0),
    status,
    latitude: (status & 0x4 ? -1 : 1) * (view.getUint32(8) / 1000000),
    longitude: (status & 0x8 ? -1 : 1) * (view.getUint32(12) / 1000000),
    altitude: view.getInt16(16),
    speed: view.getUint16(18) / 10,
    direction: view.getUint16(20),
    time: Number.isNaN(time.getTime()) ? null : time,
    extras: {},
  };

  const items: { id: number; length: number; value: DataView }[] = [];
  for (let p = 28; p < header.bodyLength; ) {
    const id = view.getUint8(p);
    const length = view.getUint8(p + 1);
    items.push({ id, length, value: new DataView(view.buffer, view.byteOffset + p + 2, length) });
    p += 2 + length;
  }
  for (const item of items) {
    if (item.id === 0x01) body.extras.mileage = item.value.getUint32(0) / 10;
    else if (item.id === 0x02) body.extras.fuel = item.value.getUint16(0) / 10;
    else if (item.id === 0x30) body.extras.signalStrength = item.value.getUint8(0);
    else if (item.id === 0x31) body.extras.satellites = item.value.getUint8(0);
    else {
      body.extras.others = body.extras.others ?? [];
      body.extras.others.push({
        id: item.id,
        data: new Uint8Array(item.value.buffer, item.value.byteOffset, item.length).slice(),
      });
    }
  }
  return { header, body };
}

/** Naive 0x8001 encoder (2013 header): one Buffer per part, Buffer.concat, escaping via an array. */
export function naiveEncodePlatformGeneralResponse(
  header: { phone: string; serial: number },
  body: { replySerial: number; replyId: number; result: number },
): Buffer {
  const bodyBytes = Buffer.alloc(5);
  bodyBytes.writeUInt16BE(body.replySerial, 0);
  bodyBytes.writeUInt16BE(body.replyId, 2);
  bodyBytes.writeUInt8(body.result, 4);

  const headerBytes = Buffer.alloc(12);
  headerBytes.writeUInt16BE(0x8001, 0);
  headerBytes.writeUInt16BE(bodyBytes.length, 2);
  Buffer.from(header.phone.padStart(12, '0'), 'hex').copy(headerBytes, 4);
  headerBytes.writeUInt16BE(header.serial, 10);

  const unescaped = Buffer.concat([headerBytes, bodyBytes]);
  const withCheckCode = Buffer.concat([unescaped, Buffer.from([naiveChecksum(unescaped)])]);
  const escaped: number[] = [];
  for (const byte of withCheckCode) {
    if (byte === FLAG) escaped.push(ESCAPE, 0x02);
    else if (byte === ESCAPE) escaped.push(ESCAPE, 0x01);
    else escaped.push(byte);
  }
  return Buffer.concat([Buffer.from([FLAG]), Buffer.from(escaped), Buffer.from([FLAG])]);
}
