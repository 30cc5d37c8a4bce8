import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BodyOf,
  decodeBody,
  decodeFrame,
  encodeBody,
  encodeRaw,
  type Header,
  isJt808Error,
  type Location,
  MessageId,
  type MessageName,
  ParameterId,
} from '../src/index.js';
import { locationArb } from './arbitraries.js';

// Sloppy bodies as terminals in the field send them, built by hand from JT/T 808-2013 tables 23-27
// and 12: the fields that matter are intact, what follows them is not. They decode, and say what
// they skipped; broken framing is still refused.

const hex = (...fields: string[]) => fields.join('');
const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));

/** 34.757975 N 113.665412 E, 110 m, 62.5 km/h, 90°, 2026-11-23 15:30:45 Beijing, ACC on + positioned + GPS + BeiDou. */
const BASIC = hex('00000000', '000c0003', '02125d57', '06c66584', '006e', '0271', '005a', '261123153045');
const SIGNAL = '30011f'; // item 0x30 signal strength 31

// 0x0200 from 013912345678, serial 7: BASIC, SIGNAL and five zero bytes of padding. Check code by
// python3 (XOR of header and body), not by this codec.
const PADDED_FRAME =
  '7e02000024013912345678000700000000000c000302125d5706c66584006e0271005a26112315304530011f0000000000387e';

function header(name: MessageName, bodyLength: number): Header {
  const messageId = MessageId[name];
  return {
    messageId,
    edition: '2013',
    protocolVersion: 0,
    bodyLength,
    encryption: 0,
    phone: '013912345678',
    serial: 7,
  };
}

function decodeHex<N extends MessageName>(name: N, body: string): BodyOf<N> {
  const data = bytes(body);
  const message = decodeBody(header(name, data.length), data);
  expect(message.name).toBe(name);
  return message.body as BodyOf<N>;
}

function expectBasicIntact(location: Location): void {
  expect(location.latitude).toBe(34.757975);
  expect(location.longitude).toBe(113.665412);
  expect(location.speed).toBe(62.5);
  expect(location.time?.toISOString()).toBe('2026-11-23T07:30:45.000Z');
}

/** The sloppy additional-area tails, each after SIGNAL, with the note it must leave. */
const TAILS = [
  { kind: 'zero padding (0x00 ids of length 0)', tail: '0000', reason: 'zero padding' },
  { kind: 'zero padding of odd length', tail: '000000', reason: 'zero padding' },
  {
    kind: 'an item longer than what is left',
    tail: '010400000f',
    reason: 'item 0x01 declares 4 bytes, 3 left',
  },
  { kind: 'an item header cut short', tail: '31', reason: 'item header cut short, 1 byte left' },
];

describe('0x0200 with a sloppy additional area', () => {
  it('decodes the padded frame from the wire, basic information and the item before the padding', () => {
    const message = decodeFrame(Buffer.from(PADDED_FRAME.slice(2, -2), 'hex'));
    if (message.name !== 'locationReport') throw new Error(`decoded as ${message.name}`);
    expectBasicIntact(message.body as Location);
    expect(message.body.extras).toEqual({
      signalStrength: 31,
      unparsed: { offset: 31, reason: 'zero padding', data: new Uint8Array(5) },
    });
  });

  for (const { kind, tail, reason } of TAILS) {
    it(`keeps the fix and notes ${kind}`, () => {
      const location = decodeHex('locationReport', hex(BASIC, SIGNAL, tail)) as Location;
      expectBasicIntact(location);
      expect(location.extras).toEqual({
        signalStrength: 31,
        unparsed: { offset: 31, reason, data: bytes(tail) },
      });
    });
  }

  it('does not take an id 0x00 item with data for padding', () => {
    const location = decodeHex('locationReport', hex(BASIC, '000100', SIGNAL));
    expect(location.extras).toEqual({ others: [{ id: 0, data: new Uint8Array(1) }], signalStrength: 31 });
  });

  it('still refuses a body shorter than the basic information', () => {
    expect(() => decodeHex('locationReport', BASIC.slice(0, 54))).toThrow(/location needs 28 bytes, has 27/);
  });

  it('re-encodes only what decoded: the skipped bytes are not sent again', () => {
    const location = decodeHex('locationReport', hex(BASIC, SIGNAL, '0000'));
    const body = encodeBody({
      name: 'locationReport',
      header: { phone: '13912345678', serial: 7 },
      body: location,
    });
    expect(Buffer.from(body).toString('hex')).toBe(hex(BASIC, SIGNAL));
  });
});

describe('0x0201 with a sloppy additional area', () => {
  for (const { kind, tail, reason } of TAILS) {
    it(`keeps the fix and notes ${kind}, offsets counted from the body`, () => {
      const body = decodeHex('locationQueryResponse', hex('1234', BASIC, SIGNAL, tail));
      expect(body.replySerial).toBe(0x1234);
      expectBasicIntact(body.location as Location);
      expect(body.location.extras.unparsed).toEqual({ offset: 33, reason, data: bytes(tail) });
    });
  }
});

describe('0x0704 with a broken item', () => {
  it('keeps the items whose basic information is intact and notes the rest', () => {
    const body = decodeHex(
      'locationBatch',
      hex(
        '0003', // count
        '00', // normal batch
        '0021', // item 1: 33 bytes, its additional area padded
        BASIC,
        SIGNAL,
        '0000',
        '0010', // item 2: 16 bytes, short of the basic information
        BASIC.slice(0, 32),
        '0040', // item 3: declares 64 bytes, 31 are there
        BASIC,
        SIGNAL,
      ),
    );
    expect(body.items).toHaveLength(2);
    for (const item of body.items) expectBasicIntact(item as Location);
    expect(body.items[0]!.extras.unparsed).toEqual({
      offset: 36,
      reason: 'zero padding',
      data: bytes('0000'),
    });
    expect(body.items[1]!.extras).toEqual({ signalStrength: 31 });
    expect(body.unparsed).toEqual([
      {
        offset: 40,
        reason: 'location item 2 of 3 declares 16 bytes, short of its basic information',
        data: bytes(BASIC.slice(0, 32)),
      },
      { offset: 89, reason: 'location item 3 of 3 declares 64 bytes, 31 left', data: new Uint8Array() },
    ]);
  });
});

describe('0x0104 shorter than its count', () => {
  const HEARTBEAT = hex('00000001', '04', '0000003c'); // heartbeatInterval 60 s
  const GNSS_MODE = hex('00000090', '01', '03'); // gnssMode GPS + BeiDou

  it('keeps the parameters that are there and notes the missing ones', () => {
    const body = decodeHex('parametersResponse', hex('0021', '03', HEARTBEAT, GNSS_MODE));
    expect(body.replySerial).toBe(0x21);
    expect(body.parameters).toEqual([
      { id: ParameterId.heartbeatInterval, value: 60 },
      { id: ParameterId.gnssMode, value: 3 },
    ]);
    expect(body.unparsed).toEqual({
      offset: 18,
      reason: 'body ends after 2 of 3 parameters',
      data: new Uint8Array(),
    });
  });

  it('notes an item whose value runs past the body, and one whose header is cut short', () => {
    const long = decodeHex('parametersResponse', hex('0021', '02', HEARTBEAT, '00000013', '0a', '3132'));
    expect(long.parameters).toEqual([{ id: ParameterId.heartbeatInterval, value: 60 }]);
    expect(long.unparsed).toEqual({
      offset: 12,
      reason: 'parameter 0x0013 mainServerAddress (2 of 2) declares 10 bytes, 2 left',
      data: bytes('000000130a3132'),
    });
    const cut = decodeHex('parametersResponse', hex('0021', '02', HEARTBEAT, '000000'));
    expect(cut.unparsed?.reason).toBe('parameter 2 of 2: item header cut short, 3 bytes left');
  });

  it('still refuses a body without its reply serial and count', () => {
    expect(() => decodeHex('parametersResponse', '0021')).toThrow(/parameter count/);
  });
});

describe('the frame layer stays strict', () => {
  it('refuses a sloppy location with a bad check code', () => {
    const bad = Buffer.from(`${PADDED_FRAME.slice(2, -4)}39`, 'hex');
    expect(() => decodeFrame(bad)).toThrow(expect.objectContaining({ reason: 'bad-checksum' }));
  });

  it('refuses a sloppy location with a broken escape', () => {
    const frame = encodeRaw(0x0200, { phone: '13912345678', serial: 7 }, bytes(hex(BASIC, SIGNAL, '0000')));
    const broken = Buffer.concat([frame.subarray(1, 20), Buffer.from([0x7d, 0x05]), frame.subarray(20, -1)]);
    expect(() => decodeFrame(broken)).toThrow(expect.objectContaining({ reason: 'bad-escape' }));
  });
});

describe('property: a cut or padded additional area never fails a location', () => {
  const encoded = (location: Location | BodyOf<'locationReport'>) =>
    encodeBody({ name: 'locationReport', header: { phone: '13912345678', serial: 1 }, body: location });

  it('any prefix of at least 28 bytes decodes, with the basic information of the whole', () => {
    fc.assert(
      fc.property(locationArb(), fc.nat(), (location, cut) => {
        const body = encoded(location);
        const length = 28 + (cut % (body.length - 27));
        let decoded: Location;
        try {
          decoded = decodeHex(
            'locationReport',
            Buffer.from(body.subarray(0, length)).toString('hex'),
          ) as Location;
        } catch (error) {
          if (isJt808Error(error))
            throw new Error(`threw ${error.message} at ${length} of ${body.length} bytes`);
          throw error;
        }
        expect(decoded.latitude).toBe(location.latitude);
        expect(decoded.longitude).toBe(location.longitude);
        expect(decoded.time).toEqual(location.time);
        // The note starts at an item boundary at or before the cut and holds everything after it.
        const note = decoded.extras.unparsed;
        if (note !== undefined) expect(note.offset + note.data.length).toBe(length);
      }),
      { numRuns: 500 },
    );
  });

  it('any bytes after an intact location leave it decoded and the bytes noted or read as items', () => {
    fc.assert(
      fc.property(locationArb({ withExtras: false }), fc.uint8Array({ maxLength: 40 }), (location, tail) => {
        const body = Buffer.concat([encoded(location), tail]);
        expect(() => decodeHex('locationReport', body.toString('hex'))).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
