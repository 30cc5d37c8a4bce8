import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeJson } from '../src/cli/encode-input.js';
import { framesInText, hexArgumentLines } from '../src/cli/hex-input.js';
import { JsonSequence } from '../src/cli/json-input.js';
import { formatJson } from '../src/cli/json-output.js';
import { presentMessage, presentValue } from '../src/cli/present.js';
import {
  type BodyOf,
  codecs,
  decodeFrame,
  type Edition,
  encodeMessage,
  type MessageName,
  type OutgoingMessage,
  ParameterId,
} from '../src/index.js';
import { byteArb, bytesArb, headerInitArb, locationArb, wordArb } from './arbitraries.js';
import { type DownlinkName, downlinkBodyArbs } from './downlink-arbitraries.js';

// The pieces behind `jt808`, in process: the spawned command is tested in cli.test.ts.

const EDITIONS: readonly Edition[] = ['2011', '2013', '2019'];

/** What `jt808 decode | jt808 encode` does to one frame, JSON text in between. */
function throughCli(frame: Buffer): string {
  const view = presentMessage(decodeFrame(frame.subarray(1, -1)));
  return encodeJson(JSON.parse(formatJson(view, true))).toString('hex');
}

const multimediaEvent = { mediaId: 81, mediaType: 0, format: 0, eventCode: 1, channel: 2 };

/** Bodies whose fields need converting back (bytes, times, hex words, parameters), as properties. */
function convertedBodyArbs(edition: Edition): { [N in MessageName]?: fc.Arbitrary<BodyOf<N>> } {
  const downlink: { [N in DownlinkName]: fc.Arbitrary<BodyOf<N>> } = downlinkBodyArbs(edition);
  return {
    ...downlink,
    terminalGeneralResponse: fc.record({ replySerial: wordArb, replyId: wordArb, result: byteArb }),
    platformGeneralResponse: fc.record({ replySerial: wordArb, replyId: wordArb, result: byteArb }),
    locationReport: locationArb(),
    locationQueryResponse: fc.record({ replySerial: wordArb, location: locationArb() }),
    locationBatch: fc.record({ type: byteArb, items: fc.array(locationArb(), { maxLength: 4 }) }),
    multimediaUpload: fc
      .tuple(locationArb({ withExtras: false }), bytesArb(300))
      .map(([location, data]) => ({ ...multimediaEvent, location, data })),
    dataUplink: fc.record({ type: byteArb, data: bytesArb(300) }),
  };
}

/** Bodies of plain numbers and text, which pass through unchanged: one example each. */
function plainBodies(edition: Edition): { [N in MessageName]?: BodyOf<N> } {
  const is2019 = edition === '2019';
  return {
    heartbeat: {},
    logout: {},
    registration: {
      edition,
      provinceId: 41,
      cityId: 100,
      manufacturerId: 'ACME',
      model: '0x1F',
      terminalId: 'T000001',
      plateColor: 2,
      plate: '豫A12345',
    },
    authentication: is2019
      ? { authCode: '0x7e7d', imei: '861234567890123', softwareVersion: 'v2.1' }
      : { authCode: '0x7e7d' },
    attributesResponse: {
      terminalType: 0x0086,
      manufacturerId: 'ACME',
      model: 'T808',
      terminalId: 'T000001',
      iccid: '89860000000000000001',
      hardwareVersion: 'H1',
      firmwareVersion: '2026-11-23T07:30:45.000Z',
      gnssAttributes: 3,
      commAttributes: 1,
    },
    upgradeResult: { upgradeType: 0, result: 1 },
    multimediaEvent,
  };
}

describe('decode then encode through JSON', () => {
  it('covers every message in the registry', () => {
    const covered = new Set([...Object.keys(convertedBodyArbs('2013')), ...Object.keys(plainBodies('2013'))]);
    expect(Object.keys(codecs).filter((name) => !covered.has(name))).toEqual([]);
  });

  for (const edition of EDITIONS) {
    for (const [name, bodyArb] of Object.entries(convertedBodyArbs(edition))) {
      it(`gives back the frame of any ${name} in ${edition}`, () => {
        fc.assert(
          fc.property(headerInitArb(edition), bodyArb as fc.Arbitrary<unknown>, (header, body) => {
            const frame = encodeMessage({ name, header, body } as OutgoingMessage);
            expect(throughCli(frame)).toBe(frame.toString('hex'));
          }),
          { numRuns: 200 },
        );
      });
    }

    it(`gives back the frames of plain-field messages in ${edition}`, () => {
      const header = { phone: '13912345678', serial: 9, edition };
      for (const [name, body] of Object.entries(plainBodies(edition))) {
        const frame = encodeMessage({ name, header, body } as OutgoingMessage);
        expect(throughCli(frame), name).toBe(frame.toString('hex'));
      }
    });
  }

  it('gives back unknown, encrypted and sub-packaged frames as raw bodies', () => {
    fc.assert(
      fc.property(
        headerInitArb('2019'),
        fc.integer({ min: 0, max: 0xffff }).filter((id) => !Object.values(codecs).some((c) => c.id === id)),
        bytesArb(200),
        (header, id, body) => {
          for (const extra of [{}, { encryption: 1 }, { subPackage: { total: 3, index: 2 } }]) {
            // Built by hand so the test does not lean on encodeRaw, which encode itself uses.
            const frame = frameOf(id, { ...header, ...extra }, body);
            expect(throughCli(frame)).toBe(frame.toString('hex'));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads the hand-written forms: names for parameters, 0x hex, ISO times with an offset', () => {
    const message = {
      name: 'setParameters',
      phone: '13912345678',
      body: {
        parameters: [
          { name: 'heartbeatInterval', value: 30 },
          { id: '0x0013', value: 'gw.example.com' },
          { id: ParameterId.tcpReplyTimeout, value: '0x0a' },
          { id: '0xf001', value: '01 02 03' },
        ],
      },
    };
    const decoded = decodeFrame(encodeJson(message).subarray(1, -1));
    expect(decoded.body).toEqual({
      parameters: [
        { id: 0x0001, value: 30 },
        { id: 0x0013, value: 'gw.example.com' },
        { id: 0x0002, value: 10 },
        { id: 0xf001, value: new Uint8Array([1, 2, 3]) },
      ],
    });
    const location = {
      name: 'locationReport',
      header: { phone: '13912345678' },
      body: {
        alarm: '0x1',
        status: 0,
        latitude: 31.2,
        longitude: 121.5,
        altitude: 4,
        speed: 0,
        direction: 0,
        time: '2026-11-23T15:30:45+08:00',
        extras: {},
      },
    };
    const report = decodeFrame(encodeJson(location).subarray(1, -1));
    expect(presentMessage(report).body).toMatchObject({
      alarm: '0x00000001',
      time: '2026-11-23T07:30:45.000Z',
    });
  });

  it('rejects a time without a zone rather than guessing one', () => {
    const location = { name: 'locationReport', phone: '1', body: { time: '2026-11-23 15:30:45' } };
    expect(() => encodeJson(location)).toThrow(/not ISO-8601 with a zone/);
  });
});

/** A frame around raw body bytes: header (tables 2-3), XOR check code, escaping, flags. */
function frameOf(
  id: number,
  header: {
    phone: string;
    serial: number;
    edition?: Edition;
    protocolVersion?: number;
    encryption?: number;
    subPackage?: { total: number; index: number };
  },
  body: Uint8Array,
): Buffer {
  const is2019 = header.edition === '2019';
  let attributes = body.length | ((header.encryption ?? 0) << 10);
  if (header.subPackage) attributes |= 1 << 13;
  if (is2019) attributes |= 1 << 14;
  const bytes = [id >> 8, id & 0xff, attributes >> 8, attributes & 0xff];
  if (is2019) bytes.push(header.protocolVersion ?? 1);
  bytes.push(...Buffer.from(header.phone.padStart(is2019 ? 20 : 12, '0'), 'hex'));
  bytes.push(header.serial >> 8, header.serial & 0xff);
  if (header.subPackage) {
    const { total, index } = header.subPackage;
    bytes.push(total >> 8, total & 0xff, index >> 8, index & 0xff);
  }
  bytes.push(...body);
  bytes.push(bytes.reduce((x, b) => x ^ b, 0));
  const escaped = bytes.flatMap((b) => (b === 0x7e ? [0x7d, 0x02] : b === 0x7d ? [0x7d, 0x01] : [b]));
  return Buffer.from([0x7e, ...escaped, 0x7e]);
}

describe('pasted hex', () => {
  // Escaped frames as the splitter yields them: never a 0x7e inside.
  const escapedFrameArb = fc
    .uint8Array({ minLength: 1, maxLength: 40 })
    .map((bytes) => bytes.map((b) => (b === 0x7e ? 0x7d : b)));
  const styleArb = fc.constantFrom(
    (hex: string[]) => hex.join(''),
    (hex: string[]) => hex.join(' '),
    (hex: string[]) => hex.join(':'),
    (hex: string[]) => hex.map((h) => `0x${h}`).join(', '),
  );

  it('finds the same frames whatever the separators, case, log prefix and trailing note', () => {
    fc.assert(
      fc.property(
        fc.array(escapedFrameArb, { minLength: 1, maxLength: 4 }),
        styleArb,
        fc.boolean(),
        fc.constantFrom('', '2026-11-23 10:00:01.123 INFO [conn 42] rx ', 'RX<-', '10:00:01 >> '),
        fc.constantFrom('', ' (30 bytes)', ' ok'),
        (frames, style, upper, prefix, suffix) => {
          const bytes = frames.flatMap((frame) => [0x7e, ...frame, 0x7e]);
          const hex = style([...bytes].map((b) => b.toString(16).padStart(2, '0')));
          const line = prefix + (upper ? hex.toUpperCase() : hex) + suffix;
          expect(framesInText(line).map((f) => Buffer.from(f).toString('hex'))).toEqual(
            frames.map((f) => Buffer.from(f).toString('hex')),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('takes a frame that lost one flag, or both', () => {
    const hex = (frames: Uint8Array[]) => frames.map((f) => Buffer.from(f).toString('hex'));
    expect(hex(framesInText('rx 7e00020000013912345678000133'))).toEqual(['00020000013912345678000133']);
    expect(hex(framesInText('000200000139123456780001337e'))).toEqual(['00020000013912345678000133']);
    expect(hex(framesInText('00 02 00 00 01 39 12 34 56 78 00 01 33'))).toEqual([
      '00020000013912345678000133',
    ]);
  });

  it('says so when a line has no hex bytes', () => {
    expect(() => framesInText('connection closed')).toThrow(expect.objectContaining({ reason: 'no-hex' }));
    expect(() => framesInText('7e 7e')).toThrow(expect.objectContaining({ reason: 'no-hex' }));
  });

  it('joins arguments only when the shell split one paste into bytes', () => {
    const frame = '7e000200000139123456780001337e';
    expect(hexArgumentLines([frame, frame])).toEqual([frame, frame]);
    expect(hexArgumentLines(['7E', '00', '02', 'FF'])).toEqual(['7E 00 02 FF']);
  });
});

describe('JSON input and output', () => {
  it('reads objects one per line or pretty-printed, whatever the strings hold', () => {
    const objectArb = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 5 });
    fc.assert(
      fc.property(fc.array(fc.tuple(objectArb, fc.boolean()), { maxLength: 5 }), (objects) => {
        const text = objects.map(([o, pretty]) => JSON.stringify(o, null, pretty ? 2 : undefined)).join('\n');
        const sequence = new JsonSequence();
        const pieces = [...text.split('\n').flatMap((line) => sequence.pushLine(line)), ...sequence.end()];
        expect(pieces).toEqual(objects.map(([o]) => ({ value: JSON.parse(JSON.stringify(o)) })));
      }),
      { numRuns: 500 },
    );
  });

  it('reports stray text, broken JSON and an unfinished object, and carries on', () => {
    const sequence = new JsonSequence();
    const pieces = [
      ...sequence.pushLine('hello {"a": "}{"} world'),
      ...sequence.pushLine('{oops}'),
      ...sequence.pushLine('{"b": ['),
      ...sequence.end(),
    ];
    expect(pieces.map((p) => ('error' in p ? `${p.error.reason}: ${p.text}` : p.value))).toEqual([
      'bad-json: hello',
      { a: '}{' },
      'bad-json: world',
      'bad-json: {oops}',
      'bad-json: {"b": [',
    ]);
  });

  it('keeps arrays of plain values and short objects of them on one line when pretty', () => {
    const long = 'x'.repeat(70);
    expect(formatJson({ a: [1, 'x'], b: [{ c: [] }], d: {}, e: { x: 1, y: null }, f: { long } }, true)).toBe(
      '{\n  "a": [1, "x"],\n  "b": [\n    {\n      "c": []\n    }\n  ],\n  "d": {},\n' +
        `  "e": {"x": 1, "y": null},\n  "f": {\n    "long": "${long}"\n  }\n}`,
    );
    expect(formatJson({ a: [1, 'x'] }, false)).toBe('{"a":[1,"x"]}');
  });

  it('shows views as hex, dates as ISO and getters of class instances', () => {
    class Reading {
      constructor(public raw: number) {}
      get doubled(): number {
        return this.raw * 2;
      }
    }
    const bytes = new Uint8Array([0, 0xab, 0xcd, 0]).subarray(1, 3);
    expect(
      presentValue({ bytes, at: new Date(0), bad: new Date(Number.NaN), r: new Reading(2), gone: undefined }),
    ).toEqual({
      bytes: 'abcd',
      at: '1970-01-01T00:00:00.000Z',
      bad: null,
      r: { raw: 2, doubled: 4 },
    });
  });
});
