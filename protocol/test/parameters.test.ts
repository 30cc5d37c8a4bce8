import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BodyReader,
  BodyWriter,
  decodeFrame,
  encodeMessage,
  encodeRaw,
  type Parameter,
  ParameterId,
  parameterByName,
  TERMINAL_PARAMETERS,
} from '../src/index.js';
import { readParameterList, writeParameterList } from '../src/params/parameter-list.js';
import { parameterArb } from './downlink-arbitraries.js';

// Frames built by hand from JT/T 808-2013 table 12 and 2019 table 12 (python3 computed the GBK bytes,
// check codes and escaping, not this codec). A parameter item is DWORD id, BYTE length, value.

/** 0x8103 (2013), phone 013912345678, serial 0x21, 7 items. */
const SET_PARAMETERS =
  '7e8103004101391234567800210700000001040000001e000000130a3132312e34302e312e3200000081020029' +
  '0000008308d4a54131323334350000008401020000f001027d027d0100000055020078b47e';
// 07                                   count
// 00000001 04 0000001e                 heartbeatInterval 30 s
// 00000013 0a "121.40.1.2"             mainServerAddress
// 00000081 02 0029                     provinceId 41
// 00000083 08 d4a5 "A12345"            plate 豫A12345 (豫 = GBK d4a5)
// 00000084 01 02                       plateColor 2 (yellow)
// 0000f001 02 7e7d                     user-defined id, escaped on the wire as 7d02 7d01
// 00000055 02 0078                     maxSpeed is a DWORD, so a 2-byte value stays raw

/** 0x0104 (2019), phone 00000000013800138000, serial 0x102, answering serial 0x21, 5 items. */
const PARAMETERS_RESPONSE =
  '7e010440480100000000013800138000010200210500000001040000003c00000013233132312e34302e312e32' +
  '3a373631313b6770732e6578616d706c652e636e3a37363131000000320416320a1e00000090010300000023001e7e';
// 0021 05                              reply serial, count
// 00000001 04 0000003c                 heartbeatInterval 60 s
// 00000013 23 "121.40.1.2:7611;gps.example.cn:7611"   2019 host:port list
// 00000032 04 16320a1e                 illegalDrivingPeriod 22:50-10:30 (BYTE[4], kept raw)
// 00000090 01 03                       gnssMode GPS + BeiDou
// 00000023 00                          secondaryServerApn, empty

const stripFlags = (hex: string) => Buffer.from(hex.slice(2, -2), 'hex');
const jt808Error = (reason: string) => expect.objectContaining({ name: 'Jt808Error', reason });

describe('terminal parameter table', () => {
  it('names the ids of JT/T 808-2013 table 12 and the 2019 additions', () => {
    const expected: [number, string, string][] = [
      [0x0001, 'heartbeatInterval', 'DWORD'],
      [0x0002, 'tcpReplyTimeout', 'DWORD'],
      [0x0003, 'tcpRetransmissions', 'DWORD'],
      [0x0010, 'mainServerApn', 'STRING'],
      [0x0013, 'mainServerAddress', 'STRING'],
      [0x0018, 'serverTcpPort', 'DWORD'],
      [0x0020, 'locationReportStrategy', 'DWORD'],
      [0x0023, 'secondaryServerApn', 'STRING'],
      [0x0027, 'sleepReportInterval', 'DWORD'],
      [0x0029, 'defaultReportInterval', 'DWORD'],
      [0x0031, 'geofenceRadius', 'WORD'],
      [0x0032, 'illegalDrivingPeriod', 'BYTES'],
      [0x0055, 'maxSpeed', 'DWORD'],
      [0x005b, 'overspeedWarningDelta', 'WORD'],
      [0x0080, 'odometer', 'DWORD'],
      [0x0081, 'provinceId', 'WORD'],
      [0x0082, 'cityId', 'WORD'],
      [0x0083, 'plate', 'STRING'],
      [0x0084, 'plateColor', 'BYTE'],
      [0x0090, 'gnssMode', 'BYTE'],
      [0x0101, 'can1UploadInterval', 'WORD'],
      [0x0110, 'canIdSampling', 'BYTES'],
    ];
    for (const [id, name, type] of expected) {
      expect(TERMINAL_PARAMETERS.get(id)).toMatchObject({ name, type });
    }
    expect(TERMINAL_PARAMETERS.get(0x0001)?.zh).toContain('心跳');
    expect(TERMINAL_PARAMETERS.get(0x0001)?.unit).toBe('s');
    expect(TERMINAL_PARAMETERS.has(0xf001)).toBe(false);
  });

  it('looks parameters up by name, both ways', () => {
    expect(ParameterId.plate).toBe(0x0083);
    expect(ParameterId.heartbeatInterval).toBe(0x0001);
    expect(parameterByName('mainServerAddress')).toMatchObject({ id: 0x0013, type: 'STRING' });
    expect(parameterByName('noSuchParameter')).toBeUndefined();
    expect(parameterByName('toString')).toBeUndefined();
    const names = [...TERMINAL_PARAMETERS.values()].map((info) => info.name);
    expect(new Set(names).size).toBe(names.length);
    for (const [id, info] of TERMINAL_PARAMETERS) expect(parameterByName(info.name)?.id).toBe(id);
  });
});

describe('0x8103 set parameters', () => {
  it('decodes the worked example item by item', () => {
    const message = decodeFrame(stripFlags(SET_PARAMETERS));
    if (message.name !== 'setParameters') throw new Error(`decoded as ${message.name}`);
    expect(message.header.serial).toBe(0x21);
    expect(message.body.parameters).toEqual([
      { id: 0x0001, value: 30 },
      { id: 0x0013, value: '121.40.1.2' },
      { id: 0x0081, value: 41 },
      { id: 0x0083, value: '豫A12345' },
      { id: 0x0084, value: 2 },
      { id: 0xf001, value: new Uint8Array([0x7e, 0x7d]) },
      { id: 0x0055, value: new Uint8Array([0x00, 0x78]) },
    ]);
  });

  it('re-encodes the worked example byte for byte', () => {
    const message = decodeFrame(stripFlags(SET_PARAMETERS));
    if (message.name !== 'setParameters') throw new Error(`decoded as ${message.name}`);
    const frame = encodeMessage({ name: 'setParameters', header: message.header, body: message.body });
    expect(frame.toString('hex')).toBe(SET_PARAMETERS);
  });
});

describe('0x0104 parameters response', () => {
  it('decodes the worked example item by item (2019)', () => {
    const message = decodeFrame(stripFlags(PARAMETERS_RESPONSE));
    if (message.name !== 'parametersResponse') throw new Error(`decoded as ${message.name}`);
    expect(message.header.edition).toBe('2019');
    expect(message.body.replySerial).toBe(0x21);
    expect(message.body.parameters).toEqual([
      { id: ParameterId.heartbeatInterval, value: 60 },
      { id: ParameterId.mainServerAddress, value: '121.40.1.2:7611;gps.example.cn:7611' },
      { id: ParameterId.illegalDrivingPeriod, value: new Uint8Array([22, 50, 10, 30]) },
      { id: ParameterId.gnssMode, value: 3 },
      { id: ParameterId.secondaryServerApn, value: '' },
    ]);
  });

  it('re-encodes the worked example byte for byte', () => {
    const message = decodeFrame(stripFlags(PARAMETERS_RESPONSE));
    if (message.name !== 'parametersResponse') throw new Error(`decoded as ${message.name}`);
    const frame = encodeMessage({ name: 'parametersResponse', header: message.header, body: message.body });
    expect(frame.toString('hex')).toBe(PARAMETERS_RESPONSE);
  });

  it('copies raw values out of the receive buffer', () => {
    // This frame needs no unescaping, so the decoder reads straight from `received`.
    const received = stripFlags(PARAMETERS_RESPONSE);
    const message = decodeFrame(received);
    if (message.name !== 'parametersResponse') throw new Error(`decoded as ${message.name}`);
    received.fill(0);
    expect(message.body.parameters[2]?.value).toEqual(new Uint8Array([22, 50, 10, 30]));
  });
});

describe('parameter list encoding', () => {
  const encode = (parameters: Parameter[]) => {
    const w = new BodyWriter(16);
    writeParameterList(w, parameters);
    return w.toBuffer();
  };

  it('round-trips any list: decode(encode(x)) equals x', () => {
    fc.assert(
      fc.property(fc.array(parameterArb, { maxLength: 20 }), (parameters) => {
        const r = new BodyReader(encode(parameters));
        expect(readParameterList(r)).toEqual(parameters);
        expect(r.remaining).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts raw bytes for any id, sent as they are', () => {
    expect(encode([{ id: 0x0001, value: new Uint8Array([1, 2, 3, 4]) }]).toString('hex')).toBe(
      '01' + '00000001' + '04' + '01020304',
    );
  });

  it('rejects a value whose JS type does not fit the id', () => {
    expect(() => encode([{ id: 0x0001, value: '30' }])).toThrow(jt808Error('bad-value'));
    expect(() => encode([{ id: 0x0083, value: 41 }])).toThrow(jt808Error('bad-value'));
    expect(() => encode([{ id: 0x0032, value: 22 }])).toThrow(jt808Error('bad-value'));
    expect(() => encode([{ id: 0xf001, value: 1 }])).toThrow(jt808Error('bad-value'));
    expect(() => encode([{ id: 0xf001, value: 'text' }])).toThrow(jt808Error('bad-value'));
  });

  it('rejects numbers outside their type and values longer than the length byte', () => {
    expect(() => encode([{ id: 0x0081, value: 0x10000 }])).toThrow(jt808Error('bad-value'));
    expect(() => encode([{ id: 0x0084, value: -1 }])).toThrow(jt808Error('bad-value'));
    expect(() => encode([{ id: 0x0001, value: 1.5 }])).toThrow(jt808Error('bad-value'));
    expect(() => encode([{ id: 0x0083, value: '豫'.repeat(128) }])).toThrow(jt808Error('bad-value'));
    expect(() => encode([{ id: 0xf001, value: new Uint8Array(256) }])).toThrow(jt808Error('bad-value'));
    expect(() => encode([{ id: 0x1_0000_0000, value: 1 }])).toThrow(jt808Error('bad-value'));
    const tooMany = Array.from({ length: 256 }, () => ({ id: 0x0001, value: 1 }));
    expect(() => encode(tooMany)).toThrow(jt808Error('bad-value'));
  });

  it('reports a cut-short item as truncated', () => {
    const header = { phone: '013912345678', serial: 1 };
    const decode = (body: string) =>
      decodeFrame(encodeRaw(0x8103, header, Buffer.from(body, 'hex')).subarray(1, -1));
    expect(() => decode('01' + '00000001' + '04' + '0000')).toThrow(jt808Error('truncated'));
    expect(() => decode('01' + '000000')).toThrow(jt808Error('truncated'));
    expect(() => decode('02' + '00000084' + '01' + '02')).toThrow(jt808Error('truncated'));
    expect(() => decode('')).toThrow(jt808Error('truncated'));
  });
});
