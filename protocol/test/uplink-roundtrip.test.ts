import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BodyOf,
  decodeFrame,
  type Edition,
  encodeMessage,
  type MessageName,
  type OutgoingMessage,
} from '../src/index.js';
import {
  byteArb,
  bytesArb,
  digitsArb,
  dwordArb,
  gbkTextArb,
  headerInitArb,
  locationArb,
  wordArb,
} from './arbitraries.js';

const EDITIONS: readonly Edition[] = ['2011', '2013', '2019'];

/** Property: a body sent in a frame of `edition` decodes back to the same body. */
function roundTrips<N extends MessageName>(
  name: N,
  edition: Edition,
  bodyArb: fc.Arbitrary<BodyOf<N>>,
): void {
  it(`${name} survives encode and decode in ${edition}`, () => {
    fc.assert(
      fc.property(headerInitArb(edition), bodyArb, (header, body) => {
        const frame = encodeMessage({ name, header, body } as OutgoingMessage);
        const message = decodeFrame(frame.subarray(1, -1));
        expect(message.name).toBe(name);
        expect(message.body).toEqual(body);
      }),
      { numRuns: 300 },
    );
  });
}

const multimediaEventArb = fc.record({
  mediaId: dwordArb,
  mediaType: byteArb,
  format: byteArb,
  eventCode: byteArb,
  channel: byteArb,
});

function registrationArb(edition: Edition): fc.Arbitrary<BodyOf<'registration'>> {
  const is2019 = edition === '2019';
  return fc.record({
    edition: fc.constant(edition),
    provinceId: wordArb,
    cityId: wordArb,
    manufacturerId: gbkTextArb(is2019 ? 11 : 5),
    model: gbkTextArb({ '2011': 8, '2013': 20, '2019': 30 }[edition]),
    terminalId: gbkTextArb(is2019 ? 30 : 7),
    plateColor: byteArb,
    // A 2011 plate of 12+ bytes would be read as 2013: the length rule's documented limit.
    plate: gbkTextArb(edition === '2011' ? 11 : 20),
  });
}

function authenticationArb(edition: Edition): fc.Arbitrary<BodyOf<'authentication'>> {
  if (edition !== '2019') return fc.record({ authCode: gbkTextArb(60) });
  return fc.record({ authCode: gbkTextArb(60), imei: digitsArb(15), softwareVersion: gbkTextArb(20) });
}

function attributesResponseArb(edition: Edition): fc.Arbitrary<BodyOf<'attributesResponse'>> {
  const is2019 = edition === '2019';
  return fc.record({
    terminalType: wordArb,
    manufacturerId: gbkTextArb(5),
    model: gbkTextArb(is2019 ? 30 : 20),
    terminalId: gbkTextArb(is2019 ? 30 : 7),
    iccid: digitsArb(20),
    hardwareVersion: gbkTextArb(40),
    firmwareVersion: gbkTextArb(40),
    gnssAttributes: byteArb,
    commAttributes: byteArb,
  });
}

describe('uplink messages round-trip through frames', () => {
  for (const edition of EDITIONS) {
    roundTrips('logout', edition, fc.constant({}));
    roundTrips('registration', edition, registrationArb(edition));
    roundTrips('authentication', edition, authenticationArb(edition));
    roundTrips('attributesResponse', edition, attributesResponseArb(edition));
    roundTrips('upgradeResult', edition, fc.record({ upgradeType: byteArb, result: byteArb }));
    roundTrips(
      'locationQueryResponse',
      edition,
      fc.record({ replySerial: wordArb, location: locationArb() }),
    );
    // At most five items of at most ~150 bytes each keeps the body inside one frame.
    roundTrips(
      'locationBatch',
      edition,
      fc.record({ type: byteArb, items: fc.array(locationArb(), { maxLength: 5 }) }),
    );
    roundTrips('multimediaEvent', edition, multimediaEventArb);
    roundTrips(
      'multimediaUpload',
      edition,
      fc
        .tuple(multimediaEventArb, locationArb({ withExtras: false }), bytesArb(400))
        .map(([event, location, data]) => ({ ...event, location, data })),
    );
    roundTrips('dataUplink', edition, fc.record({ type: byteArb, data: bytesArb(500) }));
  }
});
