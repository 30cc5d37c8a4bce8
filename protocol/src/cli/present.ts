import { Jt808Error } from '../errors.js';
import { Location } from '../location/location.js';
import type { Jt808Message } from '../packet.js';
import type { Parameter } from '../params/parameter-list.js';
import { TERMINAL_PARAMETERS } from '../params/parameter-table.js';
import { CliInputError } from './input-error.js';

/**
 * JSON views of decoded messages. The body walk is generic, so every codec in the registry prints
 * without code here: Uint8Array becomes hex, Date becomes ISO-8601 UTC, class instances show their
 * getters as well as their fields, undefined fields are left out. `encode-input.ts` reverses these
 * rules, which is what lets `jt808 decode | jt808 encode` round-trip.
 */
export function presentMessage(message: Jt808Message): Record<string, unknown> {
  const { header } = message;
  const view: Record<string, unknown> = {
    id: idHex(header.messageId),
    name: message.name,
    edition: header.edition,
  };
  // Only 2019 headers carry a version byte; printing it lets encode reproduce the frame exactly.
  if (header.edition === '2019') view.protocolVersion = header.protocolVersion;
  view.phone = header.phone;
  view.serial = header.serial;
  view.encryption = header.encryption;
  if (header.subPackage !== undefined) view.subPackage = { ...header.subPackage };
  view.body = presentValue(message.body);
  return view;
}

/** The JSON printed in place of a frame or input that could not be handled. */
export function presentError(error: unknown, input: string): Record<string, unknown> {
  if (error instanceof Jt808Error) {
    // Jt808Error messages start with "<reason>: "; the reason already has its own field.
    const message = error.message.startsWith(`${error.reason}: `)
      ? error.message.slice(error.reason.length + 2)
      : error.message;
    return { error: error.reason, message, input };
  }
  if (error instanceof CliInputError) return { error: error.reason, message: error.message, input };
  // Anything else is a codec bug or a JSON shape the codec did not expect; still no stack trace.
  return { error: 'unexpected', message: error instanceof Error ? error.message : String(error), input };
}

/** Fields holding a message id, shown the way the standard writes them ("0x0200"). */
const MESSAGE_ID_KEYS = new Set(['replyId', 'messageId']);

/** Every key whose number decode prints as "0x..." hex; encode reads "0x..." back only under these. */
export const HEX_KEYS: ReadonlySet<string> = new Set([...MESSAGE_ID_KEYS, 'alarm', 'status']);

/**
 * Key rules on top of the generic walk: message ids in hex, and the items of a `parameters` list
 * (0x8103, 0x0104) with their id in hex and their name from the parameter table.
 */
export function presentValue(value: unknown, key = ''): unknown {
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.length).toString('hex');
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Location) return presentLocation(value);
  if (Array.isArray(value)) return value.map((item) => presentValue(item, key));
  if (typeof value === 'number' && MESSAGE_ID_KEYS.has(key)) return idHex(value);
  if (key === 'parameters' && value !== null && typeof value === 'object') {
    return presentParameter(value as Parameter);
  }
  if (value !== null && typeof value === 'object') return presentObject(value);
  return value;
}

function presentObject(value: object): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== undefined) view[key] = presentValue(field, key);
  }
  // Computed properties of class instances (named flags and the like) are part of what was decoded.
  for (let proto = Object.getPrototypeOf(value); proto !== null && proto !== Object.prototype; ) {
    for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
      if (descriptor.get === undefined || key in view) continue;
      const field: unknown = descriptor.get.call(value);
      if (field !== undefined) view[key] = presentValue(field, key);
    }
    proto = Object.getPrototypeOf(proto);
  }
  return view;
}

/**
 * 0x0200/0x0201/0x0704/0x0801/0x8500 share Location; it gets a hand-ordered view so the reading
 * order is position first, then the alarm and status words next to their named bits.
 */
function presentLocation(location: Location): Record<string, unknown> {
  return {
    latitude: location.latitude,
    longitude: location.longitude,
    speed: location.speed,
    altitude: location.altitude,
    direction: location.direction,
    time: presentValue(location.time),
    alarm: wordHex(location.alarm),
    alarmFlags: location.alarmFlags,
    status: wordHex(location.status),
    statusFlags: location.statusFlags,
    load: location.load,
    extras: presentValue(location.extras),
  };
}

function presentParameter({ id, value }: Parameter): Record<string, unknown> {
  const name = TERMINAL_PARAMETERS.get(id)?.name;
  return name === undefined
    ? { id: idHex(id), value: presentValue(value) }
    : { id: idHex(id), name, value: presentValue(value) };
}

/** "0x0200": message and parameter ids are written in hex, at least four digits. */
export function idHex(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}

function wordHex(word: number): string {
  return `0x${word.toString(16).padStart(8, '0')}`;
}
