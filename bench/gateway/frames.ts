import { encodeMessage, MessageId, type OutgoingMessage } from '@jt808/protocol';

/**
 * The bytes the no-op baseline receives and answers: a location report shaped like fleet-sim's
 * (2013 header, the three extras a healthy simulated terminal sends) and the 0x8001 the gateway
 * answers it with.
 */
export function locationFrame(): Buffer {
  return encodeMessage({
    name: 'locationReport',
    header: { phone: '013900000001', serial: 7, edition: '2013' },
    body: {
      alarm: 0,
      status: 0b11 | (1 << 18) | (1 << 19),
      latitude: 34.7466,
      longitude: 113.6253,
      altitude: 110,
      speed: 72.5,
      direction: 91,
      time: new Date(Date.UTC(2026, 10, 23, 8, 0, 0)),
      extras: { mileage: 12345.6, signalStrength: 20, satellites: 12 },
    },
  } as OutgoingMessage);
}

export function generalResponseFrame(): Buffer {
  return encodeMessage({
    name: 'platformGeneralResponse',
    header: { phone: '013900000001', serial: 7, edition: '2013' },
    body: { replySerial: 7, replyId: MessageId.locationReport, result: 0 },
  } as OutgoingMessage);
}
