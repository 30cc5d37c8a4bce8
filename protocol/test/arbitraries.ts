import fc from 'fast-check';
import type { Edition, HeaderInit, LocationExtras, LocationFields, RawItem } from '../src/index.js';

/**
 * Reusable fast-check arbitraries for codec round-trip properties. Every value they produce is one
 * the codec reads back unchanged: numbers on the wire's grid, text that survives GBK, no trailing
 * padding in fixed-width fields, location signs consistent with the status word.
 */

export const editionArb: fc.Arbitrary<Edition> = fc.constantFrom('2011', '2013', '2019');

export const byteArb = fc.integer({ min: 0, max: 0xff });
export const wordArb = fc.integer({ min: 0, max: 0xffff });
export const dwordArb = fc.integer({ min: 0, max: 0xffffffff });

/** A digit string of exactly `length` digits (BCD fields decode to their full width). */
export function digitsArb(length: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length });
}

/** A terminal phone number as a decoded header holds it: 12 digits, or 20 in 2019. */
export function phoneArb(edition: Edition): fc.Arbitrary<string> {
  return digitsArb(edition === '2019' ? 20 : 12);
}

/** Header fields to send a message with in `edition`. */
export function headerInitArb(edition: Edition): fc.Arbitrary<HeaderInit> {
  return fc.record({
    edition: fc.constant(edition),
    phone: phoneArb(edition),
    serial: wordArb,
    protocolVersion: edition === '2019' ? fc.integer({ min: 1, max: 0xff }) : fc.constant(0),
  });
}

/** Characters that survive a GBK round trip: printable ASCII without space, and common Chinese. */
const GBK_CHARS = [
  ...Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)),
  ...'京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领警学挂港澳',
  ...'终端型号硬件固件版本软件制造商车辆标识鉴权码中华人民共和国',
];

function gbkBytes(char: string): number {
  return char.charCodeAt(0) < 0x80 ? 1 : 2;
}

/**
 * GBK text of at most `maxBytes` encoded bytes. It never ends in a space or NUL, so it also fits
 * fixed-width fields, whose padding the decoder trims.
 */
export function gbkTextArb(maxBytes: number): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...GBK_CHARS), { maxLength: maxBytes }).map((chars) => {
    let bytes = 0;
    let text = '';
    for (const char of chars) {
      bytes += gbkBytes(char);
      if (bytes > maxBytes) break;
      text += char;
    }
    return text;
  });
}

export function bytesArb(maxLength: number): fc.Arbitrary<Uint8Array> {
  return fc.uint8Array({ maxLength });
}

/** A GNSS time at whole seconds inside BCD's 2000..2099 (Beijing time), or null for "no time". */
export const gnssTimeArb: fc.Arbitrary<Date | null> = fc.option(
  fc
    .integer({ min: Date.UTC(2000, 0, 1) / 1000 - 8 * 3600, max: Date.UTC(2100, 0, 1) / 1000 - 8 * 3600 - 1 })
    .map((seconds) => new Date(seconds * 1000)),
  { nil: null },
);

/** Additional item ids the codec decodes into named fields; raw items must use other ids. */
const KNOWN_ITEM_IDS = new Set([0x01, 0x02, 0x03, 0x04, 0x11, 0x12, 0x13, 0x25, 0x2a, 0x2b, 0x30, 0x31]);

// Nor 0x00: the standard defines no such item, and a trailing empty one reads as zero padding.
const rawItemArb: fc.Arbitrary<RawItem> = fc.record({
  id: byteArb.filter((id) => id !== 0 && !KNOWN_ITEM_IDS.has(id)),
  data: bytesArb(16),
});

/** Tenths on a WORD or DWORD grid, the way mileage, fuel and speeds travel. */
function tenthsArb(max: number): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max }).map((raw) => raw / 10);
}

export const locationExtrasArb: fc.Arbitrary<LocationExtras> = fc.record(
  {
    mileage: tenthsArb(0xffffffff),
    fuel: tenthsArb(0xffff),
    recorderSpeed: tenthsArb(0xffff),
    alarmEventId: wordArb,
    overspeedAlarm: fc.oneof(
      fc.constant({ locationType: 0 }),
      fc.record({ locationType: fc.integer({ min: 1, max: 0xff }), areaId: dwordArb }),
    ),
    areaAlarm: fc.record({ locationType: byteArb, areaId: dwordArb, direction: byteArb }),
    routeTimeAlarm: fc.record({ routeId: dwordArb, drivingTime: wordArb, result: byteArb }),
    extendedSignals: dwordArb,
    ioStatus: wordArb,
    analog: fc.record({ ad0: wordArb, ad1: wordArb }),
    signalStrength: byteArb,
    satellites: byteArb,
    // Absent rather than empty: an empty list writes nothing and decodes as absent.
    others: fc.array(rawItemArb, { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: [] },
);

const SOUTH = 1 << 2;
const WEST = 1 << 3;

/**
 * A location whose latitude/longitude signs agree with the status word's south/west bits (the
 * encoder derives those bits from the signs). `withExtras: false` gives the basic information only,
 * as 0x0801 carries it.
 */
export function locationArb({ withExtras = true } = {}): fc.Arbitrary<LocationFields> {
  return fc
    .record({
      alarm: dwordArb,
      status: dwordArb,
      latitudeRaw: fc.integer({ min: 0, max: 90_000_000 }),
      longitudeRaw: fc.integer({ min: 0, max: 180_000_000 }),
      altitude: fc.integer({ min: -0x8000, max: 0x7fff }),
      speed: tenthsArb(0xffff),
      direction: fc.integer({ min: 0, max: 359 }),
      time: gnssTimeArb,
      extras: withExtras ? locationExtrasArb : fc.constant({}),
    })
    .map(({ latitudeRaw, longitudeRaw, ...rest }) => ({
      ...rest,
      latitude: rest.status & SOUTH ? -latitudeRaw / 1e6 : latitudeRaw / 1e6,
      longitude: rest.status & WEST ? -longitudeRaw / 1e6 : longitudeRaw / 1e6,
    }));
}
