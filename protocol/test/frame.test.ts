import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checksum,
  decodeFrame,
  decodeHeader,
  encodeHeader,
  encodeMessage,
  encodeRaw,
  escapedLength,
  escapeInto,
  unescapeFrame,
} from '../src/index.js';
import { reasonOf } from './reason-of.js';

const hex = (h: string) => Buffer.from(h.replace(/\s/g, ''), 'hex');

/** The frame as the splitter hands it over: flags stripped. */
const inner = (frame: Uint8Array) => frame.subarray(1, -1);

function escapeBytes(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(escapedLength(data));
  escapeInto(data, 0, data.length, out, 0);
  return out;
}

/** Recomputes the check code of an unescaped frame after a test edited its bytes. */
function withChecksum(data: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(data);
  copy[copy.length - 1] = checksum(copy, 0, copy.length - 1);
  return copy;
}

// 0x0F01 (an id the codec does not know), 2013 header, phone 013912345678, serial 0x7E7D, body
// 7E 7D 30 74: the last body byte is picked so the check code comes out 0x7E. So a flag and an
// escape byte sit in the header (serial), in the body and in the check code.
const ESCAPED_EVERYWHERE = '7e 0f01 0004 013912345678 7d027d01 7d027d013074 7d02 7e';
const UNESCAPED_EVERYWHERE = '0f01 0004 013912345678 7e7d 7e7d3074 7e';

describe('escaping', () => {
  it('escapes 0x7e and 0x7d in header, body and check code positions', () => {
    const frame = encodeRaw(0x0f01, { phone: '13912345678', serial: 0x7e7d }, hex('7e7d3074'));
    expect(frame.toString('hex')).toBe(ESCAPED_EVERYWHERE.replace(/\s/g, ''));
    expect(Buffer.from(unescapeFrame(inner(frame))).toString('hex')).toBe(
      UNESCAPED_EVERYWHERE.replace(/\s/g, ''),
    );
  });

  it('decodes the escaped example back to its header and body', () => {
    const message = decodeFrame(inner(hex(ESCAPED_EVERYWHERE)));
    expect(message.name).toBe('unknown');
    expect(message.header).toEqual({
      messageId: 0x0f01,
      edition: '2013',
      protocolVersion: 0,
      bodyLength: 4,
      encryption: 0,
      phone: '013912345678',
      serial: 0x7e7d,
    });
    expect(message.body).toEqual(new Uint8Array([0x7e, 0x7d, 0x30, 0x74]));
  });

  it('maps 7d 02 to 7e and 7d 01 to 7d, and returns escape-free input as the same view', () => {
    expect([...unescapeFrame(hex('30 7d02 7d01 31 7d02'))]).toEqual([0x30, 0x7e, 0x7d, 0x31, 0x7e]);
    const plain = hex('0102037e04');
    expect(unescapeFrame(plain)).toBe(plain);
  });

  it('refuses 0x7d followed by anything but 01/02, and 0x7d as the last byte', () => {
    for (const bad of ['30 7d03 31', '7d00', '30 7d7d01', '7d7e', '3031 7d']) {
      expect(
        reasonOf(() => unescapeFrame(hex(bad))),
        bad,
      ).toBe('bad-escape');
    }
    // decodeFrame reports it before looking at anything else.
    expect(reasonOf(() => decodeFrame(hex('0002 0000 013912345678 0001 7d03')))).toBe('bad-escape');
  });

  it('round-trips any bytes, and the escaped form never contains a flag', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const escaped = escapeBytes(data);
        expect(escaped.includes(0x7e)).toBe(false);
        expect(escaped.length).toBe(escapedLength(data));
        expect([...unescapeFrame(escaped)]).toEqual([...data]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('check code', () => {
  it('is the XOR of header and body', () => {
    expect(checksum(hex('0102 0304'))).toBe(0x01 ^ 0x02 ^ 0x03 ^ 0x04);
    expect(checksum(hex('ff ff 7e'), 1, 3)).toBe(0xff ^ 0x7e);
    expect(checksum(new Uint8Array(0))).toBe(0);
  });

  it('a wrong check code is reported as bad-checksum', () => {
    const data = Uint8Array.from(unescapeFrame(inner(hex(ESCAPED_EVERYWHERE))));
    data[data.length - 1]! ^= 1;
    expect(reasonOf(() => decodeFrame(escapeBytes(data)))).toBe('bad-checksum');
    // A body bit flipped, check code left alone.
    const flipped = Uint8Array.from(unescapeFrame(inner(hex(ESCAPED_EVERYWHERE))));
    flipped[15]! ^= 0x80;
    expect(reasonOf(() => decodeFrame(escapeBytes(flipped)))).toBe('bad-checksum');
  });
});

describe('headers', () => {
  it('reads a 2019 header: version flag, version byte, 10-byte phone', () => {
    const data = hex('0f01 4003 01 00000000013800138000 0102 aabbcc 38');
    expect(decodeHeader(data)).toEqual({
      messageId: 0x0f01,
      edition: '2019',
      protocolVersion: 1,
      bodyLength: 3,
      encryption: 0,
      phone: '00000000013800138000',
      serial: 0x0102,
    });
    const message = decodeFrame(data);
    expect(message.name).toBe('unknown');
    expect(message.body).toEqual(new Uint8Array([0xaa, 0xbb, 0xcc]));
  });

  it('writes the same 2019 header byte for byte', () => {
    const frame = encodeRaw(0x0f01, { edition: '2019', phone: '13800138000', serial: 0x0102 }, hex('aabbcc'));
    expect(frame.toString('hex')).toBe('7e0f01400301000000000138001380000102aabbcc387e');
  });

  it('reads the sub-package fields after the serial, in 2013 and 2019', () => {
    expect(decodeFrame(hex('0f01 2002 013912345678 0010 0002 0001 dd01 d3'))).toEqual({
      name: 'fragment',
      header: {
        messageId: 0x0f01,
        edition: '2013',
        protocolVersion: 0,
        bodyLength: 2,
        encryption: 0,
        phone: '013912345678',
        serial: 0x10,
        subPackage: { total: 2, index: 1 },
      },
      body: new Uint8Array([0xdd, 0x01]),
    });
    expect(decodeFrame(hex('0f01 6002 05 12345678901234567890 0203 0003 0002 dd01 b5'))).toEqual({
      name: 'fragment',
      header: {
        messageId: 0x0f01,
        edition: '2019',
        protocolVersion: 5,
        bodyLength: 2,
        encryption: 0,
        phone: '12345678901234567890',
        serial: 0x0203,
        subPackage: { total: 3, index: 2 },
      },
      body: new Uint8Array([0xdd, 0x01]),
    });
  });

  it('reports the encryption bits and keeps an encrypted body raw, even for a known id', () => {
    const message = decodeFrame(hex('0200 0403 013912345678 0011 010203 24'));
    expect(message.name).toBe('encrypted');
    expect(message.header.encryption).toBe(1);
    expect(message.body).toEqual(new Uint8Array([1, 2, 3]));
    // Encryption values other than RSA are reserved but reported as sent.
    const reserved = withChecksum(hex('0200 1403 013912345678 0011 010203 00'));
    expect(decodeFrame(reserved).header.encryption).toBe(0b101);
  });

  it('round-trips random headers of both layouts', () => {
    const headerInit = fc.record({
      edition: fc.constantFrom('2013' as const, '2019' as const),
      protocolVersion: fc.integer({ min: 0, max: 255 }),
      phone: fc.stringMatching(/^\d{1,12}$/),
      serial: fc.integer({ min: 0, max: 0xffff }),
      subPackage: fc.option(
        fc
          .integer({ min: 1, max: 0xffff })
          .chain((total) =>
            fc.record({ total: fc.constant(total), index: fc.integer({ min: 1, max: total }) }),
          ),
        { nil: undefined },
      ),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        headerInit,
        fc.uint8Array({ maxLength: 64 }),
        (messageId, init, body) => {
          const message = decodeFrame(inner(encodeRaw(messageId, { ...init, encryption: 1 }, body)));
          const phoneDigits = init.edition === '2019' ? 20 : 12;
          expect(message.header).toEqual({
            messageId,
            edition: init.edition,
            protocolVersion: init.edition === '2019' ? init.protocolVersion : 0,
            bodyLength: body.length,
            encryption: 1,
            phone: init.phone.padStart(phoneDigits, '0'),
            serial: init.serial,
            ...(init.subPackage ? { subPackage: init.subPackage } : {}),
          });
          expect(message.body).toEqual(body);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses header values that do not fit instead of wrapping them', () => {
    const out = new Uint8Array(32);
    const init = { phone: '1', serial: 1 };
    expect(reasonOf(() => encodeHeader(0x10000, init, 0, out, 0))).toBe('bad-value');
    expect(reasonOf(() => encodeHeader(1, { ...init, serial: 0x10000 }, 0, out, 0))).toBe('bad-value');
    expect(reasonOf(() => encodeHeader(1, init, 1024, out, 0))).toBe('bad-value');
    expect(reasonOf(() => encodeHeader(1, { ...init, encryption: 8 }, 0, out, 0))).toBe('bad-value');
    expect(reasonOf(() => encodeHeader(1, { ...init, phone: '1234567890123' }, 0, out, 0))).toBe('bad-value');
    expect(
      reasonOf(() => encodeHeader(1, { ...init, edition: '2019', protocolVersion: 256 }, 0, out, 0)),
    ).toBe('bad-value');
    for (const subPackage of [
      { total: 0, index: 0 },
      { total: 2, index: 3 },
      { total: 0x10000, index: 1 },
    ]) {
      expect(reasonOf(() => encodeHeader(1, { ...init, subPackage }, 0, out, 0))).toBe('bad-value');
    }
  });
});

describe('decode errors', () => {
  /** Why decodeFrame refuses the frame `h` (hex), its checksum made right. */
  const frameError = (h: string) => reasonOf(() => decodeFrame(withChecksum(hex(h))));

  it('truncated: shorter than any header, or than the header its flags announce', () => {
    expect(reasonOf(() => decodeFrame(new Uint8Array(0)))).toBe('truncated');
    expect(frameError('0002 0000 013912345678 00 00')).toBe('truncated');
    // The 2019 flag makes the header 17 bytes; 13 bytes cannot hold it.
    expect(frameError('0002 4000 013912345678 0001 00')).toBe('truncated');
    // The sub-package flag adds 4 bytes to a 2013 header.
    expect(frameError('0002 2000 013912345678 0001 0001 00')).toBe('truncated');
  });

  it('body-length-mismatch: the attributes declare more or fewer body bytes than arrived', () => {
    expect(frameError('0001 0005 013912345678 0001 00010002 00')).toBe('body-length-mismatch');
    expect(frameError('0001 0003 013912345678 0001 0001000200 00')).toBe('body-length-mismatch');
  });

  it('bad-bcd: a phone digit nibble above 9', () => {
    expect(frameError('0002 0000 01391234567a 0001 00')).toBe('bad-bcd');
    expect(frameError('0002 0000 f13912345678 0001 00')).toBe('bad-bcd');
  });

  it('bad-value: sub-package index 0 or above the total', () => {
    expect(frameError('0f01 2000 013912345678 0001 0002 0000 00')).toBe('bad-value');
    expect(frameError('0f01 2000 013912345678 0001 0002 0003 00')).toBe('bad-value');
    expect(frameError('0f01 2000 013912345678 0001 0000 0000 00')).toBe('bad-value');
  });

  it('truncated: a known message whose body is too short for its fields', () => {
    // 0x0001 terminal general response needs 5 bytes.
    expect(frameError('0001 0003 013912345678 0001 000100 00')).toBe('truncated');
  });
});

describe('messages', () => {
  it('an id the codec does not know comes out as unknown, header and raw body intact', () => {
    const message = decodeFrame(inner(encodeRaw(0x0f01, { phone: '13912345678', serial: 9 }, hex('0102'))));
    expect(message).toEqual({
      name: 'unknown',
      header: {
        messageId: 0x0f01,
        edition: '2013',
        protocolVersion: 0,
        bodyLength: 2,
        encryption: 0,
        phone: '013912345678',
        serial: 9,
      },
      body: new Uint8Array([1, 2]),
    });
  });

  it('a known message decodes to its fields', () => {
    const frame = encodeMessage({
      name: 'terminalGeneralResponse',
      header: { phone: '13912345678', serial: 0x7e },
      body: { replySerial: 0x7d7e, replyId: 0x8103, result: 1 },
    });
    // Serial 0x007E and reply serial 0x7D7E come out escaped; check code 0xCA.
    expect(frame).toEqual(hex('7e 0001 0005 013912345678 007d02 7d017d02 8103 01 ca 7e'));
    const message = decodeFrame(inner(frame));
    expect(message.name).toBe('terminalGeneralResponse');
    expect(message.body).toEqual({ replySerial: 0x7d7e, replyId: 0x8103, result: 1 });
  });

  it('kept bodies are copies: reusing the receive buffer does not change them', () => {
    const received = Buffer.from(encodeRaw(0x0f01, { phone: '1', serial: 1 }, hex('0102')).subarray(1, -1));
    const message = decodeFrame(received);
    received.fill(0);
    expect(message.body).toEqual(new Uint8Array([1, 2]));
  });
});
