import { type Delivery, EventKind, type TerminalEvent } from '@jt808/bus';
import { encodeBody, type LocationFields } from '@jt808/protocol';

let nextId = 1;

/**
 * A location report as a gateway puts it on the bus: received at `atMs`, GNSS time a second
 * earlier, ACC on and positioned, moving (the longitude advances with time, so consecutive fixes
 * never look frozen).
 */
export function locationEvent(
  phone: string,
  atMs: number,
  overrides: Partial<LocationFields> = {},
): TerminalEvent {
  const fix: LocationFields = {
    alarm: 0,
    status: 0b11,
    latitude: 34.75,
    longitude: 113.62 + ((atMs / 1000) % 3600) * 1e-4,
    altitude: 90,
    speed: 30,
    direction: 0,
    time: new Date(atMs - 1000),
    extras: { satellites: 9 },
    ...overrides,
  };
  return {
    kind: EventKind.Message,
    phone,
    gatewayId: 'g',
    sessionId: 's',
    atMs,
    messageId: 0x0200,
    serial: 0,
    edition: '2013',
    body: encodeBody({ name: 'locationReport', header: { phone: '0', serial: 0 }, body: fix }),
  };
}

/** The same, as a consumer receives it. */
export function locationDelivery(
  phone: string,
  atMs: number,
  overrides: Partial<LocationFields> = {},
): Delivery {
  return delivery(locationEvent(phone, atMs, overrides));
}

export function delivery(event: TerminalEvent): Delivery {
  return { id: String(nextId++), raw: new Uint8Array(0), event };
}
