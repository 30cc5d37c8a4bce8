import type { Edition, HeaderInit } from '../frame/header.js';
import { STATUS_SOUTH, STATUS_WEST } from '../location/flags.js';
import { codecById, codecByName } from '../messages/registry.js';
import { encodeMessage, encodeRaw, type OutgoingMessage } from '../packet.js';
import type { Parameter } from '../params/parameter-list.js';
import { parameterByName, TERMINAL_PARAMETERS } from '../params/parameter-table.js';
import { hexToBytes } from './hex-input.js';
import { CliInputError } from './input-error.js';
import { HEX_KEYS, idHex } from './present.js';

/**
 * Encodes one message given as JSON into a frame. Two shapes are accepted:
 * - written by hand: `{ "name": "platformGeneralResponse", "header": { "phone": "13800138000",
 *   "serial": 1, "edition": "2019" }, "body": { ... } }`;
 * - what `jt808 decode` prints: header fields (`phone`, `serial`, `edition`, ...) at the top level
 *   next to `id` and `name`. Fields under "header" win over top-level ones.
 *
 * `id` ("0x0200" or 512) may stand instead of `name`. Names `unknown`, `fragment` and `encrypted`
 * (or an id without a codec) take the body as hex and send it as it is.
 *
 * JSON has no bytes and no dates, so body values are converted by the rules that undo
 * `present.ts`, driven by field names since the codecs carry no schema:
 * - a string under a bytes key (`data`, or a camelCase name ending in `Data` or `Bytes`, such as
 *   `mediaData`) is hex and becomes a Uint8Array;
 * - a string under a time key (`time`, `date`, or a name ending in `Time` or `Date`) must be
 *   ISO-8601 with a zone ("2026-11-23T07:30:45.000Z", "2026-11-23T15:30:45+08:00") and becomes a
 *   Date;
 * - under a key that decode prints in hex (`alarm`, `status`, `replyId`, `messageId`: HEX_KEYS), a
 *   string "0x..." becomes a number, so these can be written the way the standard writes them;
 * - a latitude or longitude of 0 takes its sign from the south/west bits of `status` beside it;
 * - an item of a `parameters` list (0x8103, 0x0104) may name its parameter (`"name":
 *   "heartbeatInterval"`) instead of giving its id; its string value is text when the parameter
 *   table types the id as STRING, a number when it is "0x..." for an integer parameter, and hex
 *   bytes otherwise (unknown ids, BYTE[n] parameters, and values of the wrong size, which is how
 *   decode prints them).
 * A codec adding a bytes or time field under another name must follow these names (or extend them
 * here) for `encode` to accept it.
 */
export function encodeJson(input: unknown): Buffer {
  if (!isObject(input)) throw new CliInputError('bad-input', 'expected a JSON object with "name" or "id"');
  const header = headerFrom({ ...input, ...(isObject(input.header) ? input.header : {}) });
  const id = input.id === undefined ? undefined : numberFrom(input.id, 'id');
  const name = input.name;
  if (name !== undefined && typeof name !== 'string') {
    throw new CliInputError('bad-input', '"name" must be a string');
  }
  if (name !== undefined && !RAW_NAMES.has(name)) {
    const codec = codecByName(name);
    if (codec === undefined) throw new CliInputError('bad-input', `no message named "${name}"`);
    if (id !== undefined && id !== codec.id) {
      throw new CliInputError('bad-input', `id ${idHex(id)} is not the id of ${name} (${idHex(codec.id)})`);
    }
    return encodeKnown(name, header, input.body);
  }
  if (id === undefined) throw new CliInputError('bad-input', 'give the message "name" or "id"');
  const codec = name === undefined ? codecById(id) : undefined;
  if (codec !== undefined) return encodeKnown(codec.name, header, input.body);
  if (input.body !== undefined && typeof input.body !== 'string') {
    throw new CliInputError('bad-input', `message ${idHex(id)} has no codec; give its body as hex`);
  }
  return encodeRaw(id, header, hexToBytes(input.body ?? '', 'body'));
}

function encodeKnown(name: string, header: HeaderInit, body: unknown): Buffer {
  // The codec checks the body's values as it writes them; its shape is the caller's promise.
  return encodeMessage({ name, header, body: convert(body ?? {}, '') } as OutgoingMessage);
}

/** Message kinds the decoder prints with a raw hex body. */
const RAW_NAMES = new Set(['unknown', 'fragment', 'encrypted']);

const EDITIONS = new Set<string>(['2011', '2013', '2019']);

function headerFrom(fields: Record<string, unknown>): HeaderInit {
  const phone = typeof fields.phone === 'number' ? String(fields.phone) : fields.phone;
  if (typeof phone !== 'string')
    throw new CliInputError('bad-input', 'header needs "phone" (the SIM number)');
  const edition = fields.edition === undefined ? '2013' : String(fields.edition);
  if (!EDITIONS.has(edition))
    throw new CliInputError('bad-input', `edition "${edition}" is not 2011, 2013 or 2019`);
  const header: HeaderInit = {
    phone,
    serial: fields.serial === undefined ? 0 : numberFrom(fields.serial, 'serial'),
    edition: edition as Edition,
  };
  if (fields.protocolVersion !== undefined)
    header.protocolVersion = numberFrom(fields.protocolVersion, 'protocolVersion');
  if (fields.encryption !== undefined) header.encryption = numberFrom(fields.encryption, 'encryption');
  const sub = fields.subPackage;
  if (sub !== undefined) {
    if (!isObject(sub))
      throw new CliInputError('bad-input', '"subPackage" must be { "total": n, "index": i }');
    header.subPackage = {
      total: numberFrom(sub.total, 'subPackage.total'),
      index: numberFrom(sub.index, 'subPackage.index'),
    };
  }
  return header;
}

const HEX_NUMBER = /^0x[0-9a-f]+$/i;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

function isBytesKey(key: string): boolean {
  return key === 'data' || /[a-z0-9](?:Data|Bytes)$/.test(key);
}

function isTimeKey(key: string): boolean {
  return key === 'time' || key === 'date' || /[a-z0-9](?:Time|Date)$/.test(key);
}

/** Applies the conversion rules above; array items take the rules of the array's key. */
function convert(value: unknown, key: string): unknown {
  if (key === 'parameters' && isObject(value)) return parameterFrom(value);
  if (typeof value === 'string') {
    if (isBytesKey(key)) return hexToBytes(value, key);
    if (isTimeKey(key)) return dateFrom(value, key);
    return HEX_KEYS.has(key) && HEX_NUMBER.test(value) ? Number.parseInt(value, 16) : value;
  }
  if (Array.isArray(value)) return value.map((item) => convert(item, key));
  if (isObject(value)) {
    return signFromStatus(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, k)])));
  }
  return value;
}

/**
 * JSON has no -0, so a latitude or longitude of exactly 0 from a south or west fix prints as 0, and
 * the location encoder takes the south/west status bits from the sign. The printed status word
 * still has those bits, so they give the sign back.
 */
function signFromStatus(fields: Record<string, unknown>): Record<string, unknown> {
  const { status } = fields;
  if (typeof status !== 'number') return fields;
  if (fields.latitude === 0 && status & STATUS_SOUTH) fields.latitude = -0;
  if (fields.longitude === 0 && status & STATUS_WEST) fields.longitude = -0;
  return fields;
}

function parameterFrom(item: Record<string, unknown>): Parameter {
  const id = item.id === undefined ? parameterIdByName(item.name) : numberFrom(item.id, 'parameter id');
  const type = TERMINAL_PARAMETERS.get(id)?.type;
  const value = item.value;
  if (typeof value === 'number' || (typeof value === 'string' && type === 'STRING')) return { id, value };
  if (typeof value !== 'string') {
    throw new CliInputError('bad-input', `parameter ${idHex(id)} needs a number or string value`);
  }
  const integer = type === 'DWORD' || type === 'WORD' || type === 'BYTE';
  if (integer && HEX_NUMBER.test(value)) return { id, value: Number.parseInt(value, 16) };
  return { id, value: hexToBytes(value, `parameter ${idHex(id)}`) };
}

function parameterIdByName(name: unknown): number {
  const parameter = typeof name === 'string' ? parameterByName(name) : undefined;
  if (parameter === undefined) {
    throw new CliInputError(
      'bad-input',
      `parameter needs an "id" or a known "name", got ${JSON.stringify(name)}`,
    );
  }
  return parameter.id;
}

function dateFrom(text: string, key: string): Date {
  const date = new Date(text);
  if (!ISO_WITH_ZONE.test(text) || Number.isNaN(date.getTime())) {
    throw new CliInputError(
      'bad-input',
      `${key} "${text}" is not ISO-8601 with a zone, e.g. 2026-11-23T15:30:45+08:00`,
    );
  }
  return date;
}

function numberFrom(value: unknown, what: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && HEX_NUMBER.test(value)) return Number.parseInt(value, 16);
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  throw new CliInputError('bad-input', `${what} must be a number or 0x hex, got ${JSON.stringify(value)}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
