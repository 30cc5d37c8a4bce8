import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  type Edition,
  encodeMessage,
  encodeRaw,
  type HeaderInit,
  type KnownMessage,
  MessageId,
  type OutgoingMessage,
  RegistrationResult,
  TerminalCommand,
  TextFlag,
  TextType,
} from '../src/index.js';
import { editionArb, headerInitArb } from './arbitraries.js';
import { type DownlinkName, downlinkBodyArbs } from './downlink-arbitraries.js';

// Worked examples built by hand from the field tables of JT/T 808-2013 and 2019 (python3 computed
// the GBK bytes, check codes and escaping, not this codec). 2013 frames use phone 013912345678,
// 2019 frames protocol version 1 and phone 00000000013800138000. The comment under each frame
// spells out its body.

const stripFlags = (hex: string) => Buffer.from(hex.slice(2, -2), 'hex');
const jt808Error = (reason: string) => expect.objectContaining({ name: 'Jt808Error', reason });

function decodeHex(frame: string): KnownMessage {
  const message = decodeFrame(stripFlags(frame));
  if (message.name === 'unknown' || message.name === 'fragment' || message.name === 'encrypted') {
    throw new Error(`decoded as ${message.name}`);
  }
  return message;
}

/** Decodes a frame, checks its name and body, and checks that encoding it gives the frame back. */
function expectWorkedExample(frame: string, name: DownlinkName, body: unknown): void {
  const message = decodeHex(frame);
  expect(message.name).toBe(name);
  expect(message.body).toStrictEqual(body);
  const reencoded = encodeMessage({ name, header: message.header, body: message.body } as OutgoingMessage);
  expect(reencoded.toString('hex')).toBe(frame);
}

/** A raw body wrapped in a frame of `messageId` and decoded, for bodies the encoder will not write. */
function decodeRawBody(messageId: number, body: string, edition: Edition = '2013'): KnownMessage {
  const header: HeaderInit = { phone: '13912345678', serial: 1, edition };
  const frame = encodeRaw(messageId, header, Buffer.from(body, 'hex'));
  return decodeHex(frame.toString('hex'));
}

describe('worked examples', () => {
  it('0x8104 query parameters, 0x8107 query attributes, 0x8201 location query: empty bodies', () => {
    expectWorkedExample('7e810400000139123456780003b67e', 'queryParameters', {});
    expectWorkedExample('7e8107400001000000000138001380000004697e', 'queryAttributes', {});
    expectWorkedExample('7e820100000139123456780005b67e', 'locationQuery', {});
  });

  it('0x8105 terminal control with and without parameters', () => {
    // 02 connect to a server; "0;AUTH01;CMNET;;;121.40.1.2;7611;0;10"
    expectWorkedExample(
      '7e81050026013912345678000602303b4155544830313b434d4e45543b3b3b3132312e34302e312e323b373631313b303b3130d57e',
      'terminalControl',
      { command: TerminalCommand.ConnectToServer, parameters: '0;AUTH01;CMNET;;;121.40.1.2;7611;0;10' },
    );
    // 04 reset (2019), nothing after the command byte
    expectWorkedExample('7e8105400101000000000138001380000007046d7e', 'terminalControl', {
      command: TerminalCommand.Reset,
    });
  });

  it('0x8106 query specific parameters', () => {
    // 03 | 00000001 | 00000013 | 00000083
    expectWorkedExample(
      '7e8106000d013912345678000803000000010000001300000083207e',
      'querySpecificParameters',
      {
        ids: [0x0001, 0x0013, 0x0083],
      },
    );
  });

  it('0x8202 temporary tracking', () => {
    // 001e interval 30 s | 00000e10 validity 3600 s
    expectWorkedExample('7e820200060139123456780009001e00000e10bf7e', 'temporaryTracking', {
      interval: 30,
      validity: 3600,
    });
  });

  it('0x8202 stop without the validity field decodes as validity 0', () => {
    expect(decodeRawBody(0x8202, '0000').body).toStrictEqual({ interval: 0, validity: 0 });
  });

  it('0x8003 resend request: BYTE count in 2013, WORD count in 2019', () => {
    // 1234 original serial | 02 count | 0002 0005
    expectWorkedExample('7e80030007013912345678000a123402000200059d7e', 'resendRequest', {
      originalSerial: 0x1234,
      packetIds: [2, 5],
    });
    // 1234 original serial | 0002 count | 0002 0005
    expectWorkedExample('7e800340080100000000013800138000000a1234000200020005497e', 'resendRequest', {
      originalSerial: 0x1234,
      packetIds: [2, 5],
    });
  });

  it('0x8100 registration response with an auth code, and a refusal without one', () => {
    // 0007 reply serial | 00 success | "AUTH2024"
    expectWorkedExample('7e8100000b013912345678000b0007004155544832303234ba7e', 'registrationResponse', {
      replySerial: 7,
      result: RegistrationResult.Success,
      authCode: 'AUTH2024',
    });
    // 0007 reply serial | 03 terminal already registered (2019)
    expectWorkedExample('7e810040030100000000013800138000000c000703617e', 'registrationResponse', {
      replySerial: 7,
      result: RegistrationResult.TerminalAlreadyRegistered,
    });
  });

  it('0x8300 text message: 2013 without and 2019 with the text type byte', () => {
    // 0d emergency + display + TTS | 请注意安全 = c7eb d7a2 d2e2 b0b2 c8ab
    expectWorkedExample('7e8300000b013912345678000d0dc7ebd7a2d2e2b0b2c8abb07e', 'textMessage', {
      flags: TextFlag.Emergency | TextFlag.TerminalDisplay | TextFlag.Tts,
      text: '请注意安全',
    });
    // 0c display + TTS | 02 service | 请注意安全
    expectWorkedExample('7e8300400c0100000000013800138000000e0c02c7ebd7a2d2e2b0b2c8ab6c7e', 'textMessage', {
      flags: TextFlag.TerminalDisplay | TextFlag.Tts,
      textType: TextType.Service,
      text: '请注意安全',
    });
  });

  it('0x8300 for 2019 defaults the text type to notice; for 2013 it leaves it out', () => {
    const header = { phone: '13800138000', serial: 0x0e, edition: '2019' as const };
    const body = { flags: 0x0c, text: '请注意安全' };
    const frame = encodeMessage({ name: 'textMessage', header, body });
    expect(decodeHex(frame.toString('hex')).body).toStrictEqual({ ...body, textType: TextType.Notice });
    const legacy = encodeMessage({
      name: 'textMessage',
      header: { ...header, edition: '2013' },
      body: { ...body, textType: TextType.Service },
    });
    // 2013 header, phone 013800138000, serial 0x0e | 0c | 请注意安全
    expect(legacy.toString('hex')).toBe('7e8300000b013800138000000e0cc7ebd7a2d2e2b0b2c8ab287e');
  });

  it('0x8800 multimedia upload response: retransmit list, and a bare media id when all arrived', () => {
    // 00000101 media id | 02 count | 0003 0007
    expectWorkedExample('7e88000009013912345678000f000001010200030007b87e', 'multimediaUploadResponse', {
      mediaId: 0x101,
      retransmitIds: [3, 7],
    });
    // 00000101 media id, nothing else (2019)
    expectWorkedExample('7e880040040100000000013800138000001000000101777e', 'multimediaUploadResponse', {
      mediaId: 0x101,
      retransmitIds: [],
    });
  });

  it('0x8800 also accepts the media id followed by a zero count', () => {
    expect(decodeRawBody(0x8800, '0000010100').body).toStrictEqual({ mediaId: 0x101, retransmitIds: [] });
  });
});

describe('round trips', () => {
  const names = Object.keys(downlinkBodyArbs('2013')) as DownlinkName[];

  it.each(names)('%s: decode(encode(x)) equals x in every edition', (name) => {
    const messageArb = editionArb.chain((edition) =>
      fc.record({
        header: headerInitArb(edition),
        body: downlinkBodyArbs(edition)[name] as fc.Arbitrary<unknown>,
      }),
    );
    fc.assert(
      fc.property(messageArb, ({ header, body }) => {
        const frame = encodeMessage({ name, header, body } as OutgoingMessage);
        const message = decodeHex(frame.toString('hex'));
        expect(message.header.messageId).toBe(MessageId[name]);
        expect(message.body).toEqual(body);
      }),
      { numRuns: 300 },
    );
  });
});

describe('bad input', () => {
  it('reports bodies cut short as truncated', () => {
    const cases: [number, string, Edition?][] = [
      [0x8003, '1234', '2013'],
      [0x8003, '1234' + '0002' + '0002', '2019'], // WORD count 2, one id
      [0x8003, '1234' + '03' + '0002' + '0005', '2013'],
      [0x8100, '0007'],
      [0x8105, ''],
      [0x8106, '02' + '00000001' + '0000'],
      [0x8202, '001e' + '0000'], // a non-zero interval needs its validity
      [0x8300, '0c', '2019'], // 2019 needs the text type byte
      [0x8300, ''],
      [0x8800, '000001'],
      [0x8800, '00000101' + '02' + '0003'],
      [0x0104, '0021'],
    ];
    for (const [id, body, edition] of cases) {
      expect(() => decodeRawBody(id, body, edition), `0x${id.toString(16)} ${body}`).toThrow(
        jt808Error('truncated'),
      );
    }
  });

  it('rejects values that do not fit their fields as bad-value', () => {
    const header = { phone: '13912345678', serial: 1 };
    const encode = (message: Omit<OutgoingMessage, 'header'>, edition: Edition = '2013') =>
      encodeMessage({ ...message, header: { ...header, edition } } as OutgoingMessage);
    const ids256 = Array.from({ length: 256 }, (_, i) => i);
    expect(() => encode({ name: 'resendRequest', body: { originalSerial: 1, packetIds: ids256 } })).toThrow(
      jt808Error('bad-value'),
    );
    expect(() =>
      encode({ name: 'resendRequest', body: { originalSerial: 1, packetIds: ids256 } }, '2019'),
    ).not.toThrow();
    expect(() =>
      encode({ name: 'registrationResponse', body: { replySerial: 1, result: 1, authCode: 'X' } }),
    ).toThrow(jt808Error('bad-value'));
    expect(() => encode({ name: 'temporaryTracking', body: { interval: 0x10000, validity: 0 } })).toThrow(
      jt808Error('bad-value'),
    );
    expect(() => encode({ name: 'terminalControl', body: { command: 256 } })).toThrow(
      jt808Error('bad-value'),
    );
    expect(() => encode({ name: 'querySpecificParameters', body: { ids: [-1] } })).toThrow(
      jt808Error('bad-value'),
    );
    expect(() =>
      encode({ name: 'multimediaUploadResponse', body: { mediaId: 1, retransmitIds: ids256 } }),
    ).toThrow(jt808Error('bad-value'));
    expect(() =>
      encode({ name: 'textMessage', body: { flags: 0, textType: 300, text: '' } }, '2019'),
    ).toThrow(jt808Error('bad-value'));
  });
});
