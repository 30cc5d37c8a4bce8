import {
  type Edition,
  encodeMessage,
  type LocationFields,
  MessageId,
  type OutgoingMessage,
} from '@jt808/protocol';

/**
 * The inputs every codec benchmark runs on. They are generated with a seeded PRNG, so each run (and
 * each machine) measures the same bytes, and they are built before timing starts.
 */

/** mulberry32: tiny, fast and good enough to scatter field values. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function between(rand: () => number, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

/** Terminal phone numbers of a plausible fleet: 11-digit mobile numbers, BCD-padded to 12 digits. */
function phoneOf(terminal: number): string {
  return `0139${String(10_000_000 + terminal).padStart(8, '0')}`;
}

/**
 * A location as a moving vehicle in mainland China reports it: ACC on, positioned, GPS + BeiDou, no
 * alarm, and the four additional items nearly every terminal sends (mileage, fuel, signal strength,
 * satellites). Values are random within realistic ranges, so about one frame in eight happens to
 * contain a 0x7e or 0x7d byte and needs escaping, as on a real link.
 */
function vehicleLocation(rand: () => number, time: Date): LocationFields {
  return {
    alarm: 0,
    status: 0x000c0003,
    latitude: between(rand, 18_000_000, 53_000_000) / 1e6,
    longitude: between(rand, 73_000_000, 135_000_000) / 1e6,
    altitude: between(rand, 0, 3000),
    speed: between(rand, 0, 1200) / 10,
    direction: between(rand, 0, 359),
    time,
    extras: {
      mileage: between(rand, 0, 9_999_999) / 10,
      fuel: between(rand, 0, 6000) / 10,
      signalStrength: between(rand, 0, 31),
      satellites: between(rand, 4, 24),
    },
  };
}

const BASE_TIME = Date.UTC(2026, 10, 23, 7, 0, 0);

/** Strips the two 0x7e flags: what `FrameSplitter` hands to `onFrame`. */
function withoutFlags(frame: Buffer): Buffer {
  return frame.subarray(1, frame.length - 1);
}

/** `count` escaped 0x0200 frames (2013 header, four additional items), flags stripped. */
export function locationFrames(count: number, seed = 1): Buffer[] {
  const rand = seededRandom(seed);
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const time = new Date(BASE_TIME + i * 1000);
    const frame = encodeMessage({
      name: 'locationReport',
      header: { phone: phoneOf(i % 4000), serial: i & 0xffff },
      body: vehicleLocation(rand, time),
    });
    frames.push(withoutFlags(frame));
  }
  return frames;
}

export type PlatformResponse = Extract<OutgoingMessage, { name: 'platformGeneralResponse' }>;

/** `count` 0x8001 answers, as the gateway sends one for every location report and heartbeat. */
export function platformResponses(count: number, seed = 2): PlatformResponse[] {
  const rand = seededRandom(seed);
  const messages: PlatformResponse[] = [];
  for (let i = 0; i < count; i++) {
    messages.push({
      name: 'platformGeneralResponse',
      header: { phone: phoneOf(between(rand, 0, 399_999)), serial: i & 0xffff },
      body: {
        replySerial: between(rand, 0, 0xffff),
        replyId: rand() < 0.8 ? MessageId.locationReport : MessageId.heartbeat,
        result: 0,
      },
    });
  }
  return messages;
}

export interface TcpStream {
  /** The stream cut into 1-4 KiB chunks, each its own Buffer, as successive socket reads deliver it. */
  chunks: Buffer[];
  /** Total bytes on the wire, flags included. */
  bytes: number;
  frames: number;
  /** Frames that contain at least one escape sequence. */
  escapedFrames: number;
}

/**
 * About `targetBytes` of uplink traffic from 4,000 terminals: 80% location reports with extras, 20%
 * heartbeats, a fifth of the terminals on the 2019 header.
 */
export function tcpStream(targetBytes: number, seed = 3): TcpStream {
  const rand = seededRandom(seed);
  const frames: Buffer[] = [];
  const serials = new Uint16Array(4000);
  let bytes = 0;
  let escapedFrames = 0;
  while (bytes < targetBytes) {
    const terminal = between(rand, 0, serials.length - 1);
    const serial = serials[terminal]!;
    serials[terminal] = serial + 1;
    const edition: Edition = terminal % 5 === 0 ? '2019' : '2013';
    const header = { phone: phoneOf(terminal), serial, edition };
    const time = new Date(BASE_TIME + frames.length * 100);
    const frame =
      rand() < 0.8
        ? encodeMessage({ name: 'locationReport', header, body: vehicleLocation(rand, time) })
        : encodeMessage({ name: 'heartbeat', header, body: {} });
    if (frame.indexOf(0x7d) !== -1) escapedFrames++;
    frames.push(frame);
    bytes += frame.length;
  }
  return { chunks: cutIntoChunks(Buffer.concat(frames), rand), bytes, frames: frames.length, escapedFrames };
}

function cutIntoChunks(wire: Buffer, rand: () => number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let pos = 0; pos < wire.length; ) {
    const end = Math.min(wire.length, pos + between(rand, 1024, 4096));
    chunks.push(Buffer.from(wire.subarray(pos, end)));
    pos = end;
  }
  return chunks;
}
