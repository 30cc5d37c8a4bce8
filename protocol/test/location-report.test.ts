import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeMessage, type Location } from '../src/index.js';

// Built by hand from JT/T 808-2013 tables 3, 23-27 (a 2013 header, 44-byte 0x0200 body):
// alarm 0x21 (emergency + GNSS antenna open), status 0x000C0003 (ACC on, positioned, GPS, BeiDou),
// 34.757975 N 113.665412 E, 110 m, 62.5 km/h, 90°, 2026-11-23 15:30:45 Beijing time,
// mileage 386.6 km, signal 31, 12 satellites, and an unknown item 0xEE whose bytes need escaping.
const FRAME =
  '7e0200002c013912345678000700000021000c000302125d5706c66584006e0271005a261123153045' +
  '010400000f1a30011f31010cee027d027d01d27e';

function stripFlags(hex: string): Buffer {
  return Buffer.from(hex.slice(2, -2), 'hex');
}

describe('0x0200 location report', () => {
  it('decodes the worked example field by field', () => {
    const message = decodeFrame(stripFlags(FRAME));
    expect(message.name).toBe('locationReport');
    if (message.name !== 'locationReport') return;
    expect(message.header).toEqual({
      messageId: 0x0200,
      edition: '2013',
      protocolVersion: 0,
      bodyLength: 44,
      encryption: 0,
      phone: '013912345678',
      serial: 7,
    });
    const body = message.body as Location;
    expect(body.latitude).toBe(34.757975);
    expect(body.longitude).toBe(113.665412);
    expect(body.altitude).toBe(110);
    expect(body.speed).toBe(62.5);
    expect(body.direction).toBe(90);
    expect(body.time?.toISOString()).toBe('2026-11-23T07:30:45.000Z');
    expect(body.alarmFlags).toEqual(['emergency', 'gnssAntennaOpen']);
    expect(body.statusFlags).toEqual(['accOn', 'positioned', 'gps', 'beidou']);
    expect(body.load).toBe('empty');
    expect(body.extras.mileage).toBe(386.6);
    expect(body.extras.signalStrength).toBe(31);
    expect(body.extras.satellites).toBe(12);
    expect(body.extras.others).toEqual([{ id: 0xee, data: new Uint8Array([0x7e, 0x7d]) }]);
  });

  it('re-encodes the worked example byte for byte', () => {
    const message = decodeFrame(stripFlags(FRAME));
    if (message.name !== 'locationReport') throw new Error('expected a location report');
    const frame = encodeMessage({ name: 'locationReport', header: message.header, body: message.body });
    expect(frame.toString('hex')).toBe(FRAME);
  });

  it('signs latitude and longitude from the south and west status bits', () => {
    const frame = encodeMessage({
      name: 'locationReport',
      header: { phone: '13800138000', serial: 1, edition: '2019' },
      body: {
        alarm: 0,
        status: 0,
        latitude: -33.8688,
        longitude: -70.6693,
        altitude: -154,
        speed: 0,
        direction: 0,
        time: new Date('2024-02-29T16:00:00Z'),
        extras: {},
      },
    });
    const message = decodeFrame(frame.subarray(1, -1));
    if (message.name !== 'locationReport') throw new Error('expected a location report');
    expect(message.header.edition).toBe('2019');
    expect(message.header.phone).toBe('00000000013800138000');
    expect(message.body.status & 0b1100).toBe(0b1100);
    expect(message.body.latitude).toBe(-33.8688);
    expect(message.body.longitude).toBe(-70.6693);
    expect(message.body.altitude).toBe(-154);
    expect(message.body.time?.toISOString()).toBe('2024-02-29T16:00:00.000Z');
  });
});
