import { describe, expect, it } from 'vitest';
import {
  type BodyOf,
  BodyWriter,
  codecByName,
  decodeBody,
  decodeFrame,
  type Edition,
  encodeMessage,
  type Header,
  isJt808Error,
  type Location,
  MessageId,
  type MessageName,
} from '../src/index.js';

// Worked examples built by hand from the field tables of JT/T 808-2011/2013/2019 (GBK and field
// bytes computed with python3, not with this codec). Bodies are written field by field; the
// full frames add a header, check code and escaping.

function header(name: MessageName, edition: Edition, bodyLength: number): Header {
  return {
    messageId: MessageId[name],
    edition: edition === '2019' ? '2019' : '2013',
    protocolVersion: edition === '2019' ? 1 : 0,
    bodyLength,
    encryption: 0,
    phone: edition === '2019' ? '00000000013912345678' : '013912345678',
    serial: 1,
  };
}

function decodeHex<N extends MessageName>(name: N, hex: string, edition: Edition = '2013'): BodyOf<N> {
  const bytes = Buffer.from(hex, 'hex');
  const message = decodeBody(header(name, edition, bytes.length), bytes);
  expect(message.name).toBe(name);
  return message.body as BodyOf<N>;
}

function encodeHex<N extends MessageName>(name: N, body: BodyOf<N>, edition: Edition = '2013'): string {
  const writer = new BodyWriter(16);
  codecByName(name)!.encode(writer, body, edition);
  return writer.toBuffer().toString('hex');
}

/** The reason of the Jt808Error `run` throws (fails the test if it throws anything else). */
function errorReason(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isJt808Error(error)) return error.reason;
    throw error;
  }
  throw new Error('expected a Jt808Error');
}

function stripFlags(hex: string): Buffer {
  return Buffer.from(hex.slice(2, -2), 'hex');
}

const hex = (...fields: string[]) => fields.join('');
const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));

/** 34.757975 N 113.665412 E, 110 m, 62.5 km/h, 90°, 2026-11-23 15:30:45 Beijing, ACC on + positioned + GPS + BeiDou. */
const BASIC = hex(
  '00000000', // alarm
  '000c0003', // status
  '02125d57', // latitude 34757975 millionths
  '06c66584', // longitude 113665412 millionths
  '006e', // altitude 110 m
  '0271', // speed 625 = 62.5 km/h
  '005a', // direction 90
  '261123153045', // time
);

describe('0x0003 logout', () => {
  const FRAME = '7e000300000139123456780001327e';

  it('decodes an empty body and re-encodes the frame byte for byte', () => {
    const message = decodeFrame(stripFlags(FRAME));
    expect(message.name).toBe('logout');
    if (message.name !== 'logout') return;
    expect(message.body).toEqual({});
    expect(encodeMessage({ name: 'logout', header: message.header, body: {} }).toString('hex')).toBe(FRAME);
  });
});

describe('0x0100 registration', () => {
  const BODY_2011 = hex(
    '0029', // province 41 (Henan)
    '0064', // city 100 (0100: Zhengzhou)
    '3730313131', // manufacturer '70111', BYTE[5]
    '5a582d3830380000', // model 'ZX-808', BYTE[8] NUL padded
    '41314232433344', // terminal id 'A1B2C3D', BYTE[7]
    '02', // plate colour yellow
    'd4a5413132333435', // '豫A12345' in GBK
  );
  const BODY_2013 = hex(
    '0029',
    '0064',
    '3730313131',
    '5a582d3830382d32303133000000000000000000', // model 'ZX-808-2013', BYTE[20]
    '41314232433344',
    '01', // plate colour blue
    'd4a5413132333435',
  );
  const BODY_2019 = hex(
    '002c', // province 44 (Guangdong)
    '012c', // city 300 (0300: Shenzhen)
    '4d414b4552303030303031', // manufacturer 'MAKER000001', BYTE[11]
    '5a582d3830382d3230313900000000000000000000000000000000000000', // model, BYTE[30]
    '413142324333443445354636000000000000000000000000000000000000', // terminal id, BYTE[30]
    '00', // plate colour 0: no plate, the VIN follows
    '4c5356414d343138374332313834383437', // VIN 'LSVAM4187C2184847'
  );
  const FRAME_2019 = hex(
    '7e0100405d01', // flag, 0x0100, attributes: 2019 flag + 93-byte body, protocol version 1
    '00000000013912345678000a', // phone BCD[10], serial 10
    BODY_2019,
    '777e', // check code, flag
  );

  it('reads a 25+8-byte body in the 2011 layout', () => {
    const body = decodeHex('registration', BODY_2011);
    expect(body).toEqual({
      edition: '2011',
      provinceId: 41,
      cityId: 100,
      manufacturerId: '70111',
      model: 'ZX-808',
      terminalId: 'A1B2C3D',
      plateColor: 2,
      plate: '豫A12345',
    });
    expect(encodeHex('registration', body)).toBe(BODY_2011);
  });

  it('reads a body of 37 or more bytes in the 2013 layout', () => {
    const body = decodeHex('registration', BODY_2013);
    expect(body).toEqual({
      edition: '2013',
      provinceId: 41,
      cityId: 100,
      manufacturerId: '70111',
      model: 'ZX-808-2013',
      terminalId: 'A1B2C3D',
      plateColor: 1,
      plate: '豫A12345',
    });
    expect(encodeHex('registration', body)).toBe(BODY_2013);
  });

  it('reads the 2019 layout from a 2019 frame and re-encodes the frame byte for byte', () => {
    const message = decodeFrame(stripFlags(FRAME_2019));
    expect(message.name).toBe('registration');
    if (message.name !== 'registration') return;
    expect(message.header.edition).toBe('2019');
    expect(message.body).toEqual({
      edition: '2019',
      provinceId: 44,
      cityId: 300,
      manufacturerId: 'MAKER000001',
      model: 'ZX-808-2019',
      terminalId: 'A1B2C3D4E5F6',
      plateColor: 0,
      plate: 'LSVAM4187C2184847',
    });
    const frame = encodeMessage({ name: 'registration', header: message.header, body: message.body });
    expect(frame.toString('hex')).toBe(FRAME_2019);
  });

  it('reads a 2011 body with a 12-byte plate as 2013 (the documented limit of the length rule)', () => {
    const body = decodeHex('registration', hex(BODY_2011.slice(0, -16), '4c5356414d34313837433231'));
    expect(body.edition).toBe('2013');
  });

  it('refuses a body whose edition disagrees with the frame edition', () => {
    const body = decodeHex('registration', BODY_2013);
    expect(errorReason(() => encodeHex('registration', body, '2019'))).toBe('bad-value');
    const body2019 = decodeHex('registration', BODY_2019, '2019');
    expect(errorReason(() => encodeHex('registration', body2019, '2013'))).toBe('bad-value');
  });

  it('refuses text longer than its fixed field', () => {
    const body = { ...decodeHex('registration', BODY_2011), model: 'ZX-808-2011' };
    expect(errorReason(() => encodeHex('registration', body))).toBe('bad-value');
  });
});

describe('0x0102 authentication', () => {
  const BODY_2013 = '415554482d396633633161'; // 'AUTH-9f3c1a', the whole body
  const BODY_2019 = hex(
    '0b', // code length 11
    '415554482d396633633161', // 'AUTH-9f3c1a'
    '383630313233343536373839303132', // IMEI '860123456789012', BYTE[15]
    '56312e322e330000000000000000000000000000', // software version 'V1.2.3', BYTE[20]
  );

  it('reads the whole 2013 body as the auth code', () => {
    const body = decodeHex('authentication', BODY_2013);
    expect(body).toStrictEqual({ authCode: 'AUTH-9f3c1a' });
    expect(encodeHex('authentication', body)).toBe(BODY_2013);
  });

  it('reads the 2019 code length, code, IMEI and software version', () => {
    const body = decodeHex('authentication', BODY_2019, '2019');
    expect(body).toEqual({ authCode: 'AUTH-9f3c1a', imei: '860123456789012', softwareVersion: 'V1.2.3' });
    expect(encodeHex('authentication', body, '2019')).toBe(BODY_2019);
  });

  it('writes empty IMEI and version fields when a 2019 body has none', () => {
    expect(encodeHex('authentication', { authCode: 'AB' }, '2019')).toBe(`024142${'00'.repeat(35)}`);
  });
});

describe('0x0107 attributes response', () => {
  const BODY_2013 = hex(
    '0005', // terminal type: passenger (bit 0) + ordinary freight (bit 2)
    '3730313131', // manufacturer '70111'
    '5a582d3830382d32303133000000000000000000', // model 'ZX-808-2013', BYTE[20]
    '41314232433344', // terminal id 'A1B2C3D', BYTE[7]
    '89860117851012345678', // ICCID, BCD[10]
    '06', // hardware version length
    '48572d312e30', // 'HW-1.0'
    '08', // firmware version length
    '46572d322e332e34', // 'FW-2.3.4'
    '03', // GNSS: GPS + BeiDou
    '01', // comm: GPRS
  );
  const BODY_2019 = hex(
    '0005',
    '3730313131',
    '5a582d3830382d3230313900000000000000000000000000000000000000', // model, BYTE[30]
    '413142324333443445354636000000000000000000000000000000000000', // terminal id, BYTE[30]
    '89860117851012345678',
    '08', // hardware version length
    'd3b2bcfeb0e6b1be', // '硬件版本' in GBK
    '08',
    '46572d322e332e34',
    '03',
    '21', // comm: GPRS + TD-LTE
  );

  it('decodes and re-encodes the 2013 layout', () => {
    const body = decodeHex('attributesResponse', BODY_2013);
    expect(body).toEqual({
      terminalType: 5,
      manufacturerId: '70111',
      model: 'ZX-808-2013',
      terminalId: 'A1B2C3D',
      iccid: '89860117851012345678',
      hardwareVersion: 'HW-1.0',
      firmwareVersion: 'FW-2.3.4',
      gnssAttributes: 3,
      commAttributes: 1,
    });
    expect(encodeHex('attributesResponse', body)).toBe(BODY_2013);
  });

  it('decodes and re-encodes the 2019 layout', () => {
    const body = decodeHex('attributesResponse', BODY_2019, '2019');
    expect(body).toEqual({
      terminalType: 5,
      manufacturerId: '70111',
      model: 'ZX-808-2019',
      terminalId: 'A1B2C3D4E5F6',
      iccid: '89860117851012345678',
      hardwareVersion: '硬件版本',
      firmwareVersion: 'FW-2.3.4',
      gnssAttributes: 3,
      commAttributes: 0x21,
    });
    expect(encodeHex('attributesResponse', body, '2019')).toBe(BODY_2019);
  });
});

describe('0x0108 upgrade result', () => {
  it('decodes and re-encodes', () => {
    const BODY = hex('34', '02'); // GNSS module (52), cancelled
    const body = decodeHex('upgradeResult', BODY);
    expect(body).toEqual({ upgradeType: 52, result: 2 });
    expect(encodeHex('upgradeResult', body)).toBe(BODY);
  });
});

describe('0x0201 location query response', () => {
  const BODY = hex(
    '1234', // reply serial
    BASIC,
    '010400000f1a', // item 0x01 mileage 3866 = 386.6 km
    '31010c', // item 0x31 satellites 12
  );

  it('decodes the reply serial and the location with its additional items', () => {
    const body = decodeHex('locationQueryResponse', BODY);
    expect(body.replySerial).toBe(0x1234);
    const location = body.location as Location;
    expect(location.latitude).toBe(34.757975);
    expect(location.longitude).toBe(113.665412);
    expect(location.altitude).toBe(110);
    expect(location.speed).toBe(62.5);
    expect(location.direction).toBe(90);
    expect(location.time?.toISOString()).toBe('2026-11-23T07:30:45.000Z');
    expect(location.statusFlags).toEqual(['accOn', 'positioned', 'gps', 'beidou']);
    expect(location.extras).toEqual({ mileage: 386.6, satellites: 12 });
    expect(encodeHex('locationQueryResponse', body)).toBe(BODY);
  });
});

describe('0x0704 location batch', () => {
  const ITEM_1 = hex(
    '00000000', // alarm
    '00000003', // status: ACC on, positioned
    '02125d57', // 34.757975 N
    '06c66584', // 113.665412 E
    '006e', // 110 m
    '0000', // 0 km/h
    '0000', // 0°
    '261123150000', // 2026-11-23 15:00:00 Beijing
  );
  const ITEM_2 = hex(
    '00000001', // alarm: emergency
    '0000000f', // status: ACC on, positioned, south, west
    '0157faf8', // 22.543096 S
    '06cc6289', // 114.057865 W
    'fffb', // -5 m
    '04d2', // 123.4 km/h
    '0167', // 359°
    '261123153045',
    '30011a', // item 0x30 signal strength 26
  );
  const BODY = hex(
    '0002', // two items
    '01', // blind-area re-upload
    '001c', // item 1: 28 bytes
    ITEM_1,
    '001f', // item 2: 31 bytes
    ITEM_2,
  );

  it('decodes every item with its own length and re-encodes byte for byte', () => {
    const body = decodeHex('locationBatch', BODY);
    expect(body.type).toBe(1);
    expect(body.items).toHaveLength(2);
    const [first, second] = body.items as Location[];
    expect(first!.time?.toISOString()).toBe('2026-11-23T07:00:00.000Z');
    expect(first!.extras).toEqual({});
    expect(second!.alarmFlags).toEqual(['emergency']);
    expect(second!.latitude).toBe(-22.543096);
    expect(second!.longitude).toBe(-114.057865);
    expect(second!.altitude).toBe(-5);
    expect(second!.speed).toBe(123.4);
    expect(second!.direction).toBe(359);
    expect(second!.extras).toEqual({ signalStrength: 26 });
    expect(encodeHex('locationBatch', body)).toBe(BODY);
  });

  it('decodes an empty batch', () => {
    expect(decodeHex('locationBatch', '000000')).toEqual({ type: 0, items: [] });
  });

  it('keeps the items present when the count promises more, and notes the missing ones', () => {
    const body = decodeHex('locationBatch', hex('0003', BODY.slice(4)));
    expect(body.items).toHaveLength(2);
    expect(body.unparsed).toEqual([
      { offset: 66, reason: 'body ends before location item 3 of 3', data: new Uint8Array() },
    ]);
  });

  it('keeps an item whose length runs past the body when its basic information is there', () => {
    const body = decodeHex('locationBatch', hex('000100', '0020', ITEM_2));
    expect((body.items[0] as Location).extras).toEqual({ signalStrength: 26 });
    expect(body.unparsed).toEqual([
      { offset: 36, reason: 'location item 1 of 1 declares 32 bytes, 31 left', data: new Uint8Array() },
    ]);
  });

  it('keeps an item length from letting its additional items spill into the next item', () => {
    // Item 2 sent as 30 bytes cuts its 3-byte signal item short.
    const body = decodeHex(
      'locationBatch',
      hex('000300', '001c', ITEM_1, '001e', ITEM_2.slice(0, 60), '001c', ITEM_1),
    );
    expect(body.items).toHaveLength(3);
    expect(body.items[1]!.extras).toEqual({
      unparsed: { offset: 63, reason: 'item 0x30 declares 1 byte, 0 left', data: bytes('3001') },
    });
    expect(body.items[2]!.extras).toEqual({});
    expect(body.unparsed).toBeUndefined();
  });

  it('skips an item shorter than its basic information and reads the ones after it', () => {
    const body = decodeHex(
      'locationBatch',
      hex('000300', '001c', ITEM_1, '0004', 'deadbeef', '001f', ITEM_2),
    );
    expect(body.items.map((item) => item.alarm)).toEqual([0, 1]);
    expect(body.unparsed).toEqual([
      {
        offset: 35,
        reason: 'location item 2 of 3 declares 4 bytes, short of its basic information',
        data: bytes('deadbeef'),
      },
    ]);
  });

  it('notes bytes after the declared items', () => {
    const body = decodeHex('locationBatch', hex('0001', BODY.slice(4)));
    expect(body.items).toHaveLength(1);
    expect(body.unparsed).toEqual([
      {
        offset: 33,
        reason: '33 bytes follow the 1 location items the body declares',
        data: bytes(BODY.slice(66)),
      },
    ]);
  });

  it('throws truncated when no item has its basic information', () => {
    expect(errorReason(() => decodeHex('locationBatch', hex('000100', '001c', ITEM_1.slice(0, 54))))).toBe(
      'truncated',
    );
  });
});

describe('0x0800 multimedia event', () => {
  it('decodes and re-encodes', () => {
    const BODY = hex(
      '0000007b', // media id 123
      '02', // video
      '04', // WMV
      '07', // event: distance-triggered capture
      '03', // channel 3
    );
    const body = decodeHex('multimediaEvent', BODY);
    expect(body).toEqual({ mediaId: 123, mediaType: 2, format: 4, eventCode: 7, channel: 3 });
    expect(encodeHex('multimediaEvent', body)).toBe(BODY);
  });
});

describe('0x0801 multimedia upload', () => {
  // media id 123, image, JPEG, timed capture, channel 2, BASIC, then 8 bytes of "JPEG" holding
  // 0x7e and 0x7d, which the frame escapes.
  const FRAME = hex(
    '7e0801002c013912345678000b', // flag, header: 0x0801, 44-byte body, 013912345678, serial 11
    '0000007b00000102', // media id, type, format, event, channel
    BASIC,
    'ffd8ffe07d027d01ffd9', // the media bytes, escaped
    '7c7e', // check code, flag
  );

  it('decodes the event fields, the basic location and the raw media bytes', () => {
    const message = decodeFrame(stripFlags(FRAME));
    expect(message.name).toBe('multimediaUpload');
    if (message.name !== 'multimediaUpload') return;
    const { location, data, ...event } = message.body;
    expect(event).toEqual({ mediaId: 123, mediaType: 0, format: 0, eventCode: 1, channel: 2 });
    expect(location.latitude).toBe(34.757975);
    expect(location.time?.toISOString()).toBe('2026-11-23T07:30:45.000Z');
    expect(location.extras).toEqual({});
    expect(Buffer.from(data).toString('hex')).toBe('ffd8ffe07e7dffd9');
    const frame = encodeMessage({ name: 'multimediaUpload', header: message.header, body: message.body });
    expect(frame.toString('hex')).toBe(FRAME);
  });

  it('does not read additional items: bytes after the basic information are media data', () => {
    const body = decodeHex('multimediaUpload', hex('0000007b00000102', BASIC, '30011a'));
    expect(body.location.extras).toEqual({});
    expect(Buffer.from(body.data).toString('hex')).toBe('30011a');
  });

  it('copies the media bytes out of the receive buffer', () => {
    const bytes = Buffer.from(hex('0000007b00000102', BASIC, 'abcd'), 'hex');
    const message = decodeBody(header('multimediaUpload', '2013', bytes.length), bytes);
    bytes.fill(0);
    if (message.name !== 'multimediaUpload') throw new Error('expected a multimedia upload');
    expect(Buffer.from(message.body.data).toString('hex')).toBe('abcd');
  });
});

describe('0x0900 data uplink', () => {
  it('decodes the type and the pass-through bytes', () => {
    const BODY = hex('41', 'aabbcc7e'); // serial port 1
    const body = decodeHex('dataUplink', BODY);
    expect(body.type).toBe(0x41);
    expect(Buffer.from(body.data).toString('hex')).toBe('aabbcc7e');
    expect(encodeHex('dataUplink', body)).toBe(BODY);
  });

  it('decodes a type with no data', () => {
    expect(Buffer.from(decodeHex('dataUplink', 'f0').data)).toHaveLength(0);
  });
});

describe('truncated bodies', () => {
  // A complete body per message; the given prefixes of it must fail as truncated.
  const cases: { name: MessageName; edition: Edition; body: string; shortest: number }[] = [
    // Every prefix up to the fixed part: the plate (or auth code) runs to the end of the body.
    { name: 'registration', edition: '2013', body: hex('0029', '0064', '00'.repeat(33)), shortest: 25 },
    { name: 'registration', edition: '2019', body: hex('002c', '012c', '00'.repeat(72)), shortest: 76 },
    {
      name: 'authentication',
      edition: '2019',
      body: hex('0b', '415554482d396633633161', '00'.repeat(35)),
      shortest: 47,
    },
    {
      name: 'attributesResponse',
      edition: '2013',
      body: hex('0005', '00'.repeat(32), '89860117851012345678', '0141', '0142', '0301'),
      shortest: 50,
    },
    { name: 'upgradeResult', edition: '2013', body: '0000', shortest: 2 },
    { name: 'locationQueryResponse', edition: '2013', body: hex('1234', BASIC), shortest: 30 },
    { name: 'locationBatch', edition: '2013', body: hex('0001', '00', '001c', BASIC), shortest: 33 },
    { name: 'multimediaEvent', edition: '2013', body: '0000007b00000102', shortest: 8 },
    { name: 'multimediaUpload', edition: '2013', body: hex('0000007b00000102', BASIC), shortest: 36 },
    { name: 'dataUplink', edition: '2013', body: '41', shortest: 1 },
  ];

  for (const { name, edition, body, shortest } of cases) {
    it(`${name} (${edition}) throws truncated for every body shorter than ${shortest} bytes`, () => {
      expect(() => decodeHex(name, body, edition)).not.toThrow();
      for (let length = 0; length < shortest; length++) {
        expect(errorReason(() => decodeHex(name, body.slice(0, 2 * length), edition))).toBe('truncated');
      }
    });
  }
});
