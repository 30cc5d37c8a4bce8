import { copyBytes } from './codec/bytes.js';
import { BodyReader } from './codec/reader.js';
import { BodyWriter } from './codec/writer.js';
import { Jt808Error } from './errors.js';
import { checksum } from './frame/checksum.js';
import { escapedLength, escapeInto, FLAG, unescapeFrame } from './frame/escape.js';
import { decodeHeader, encodeHeader, type Header, type HeaderInit, headerLength } from './frame/header.js';
import { type BodyOf, codecById, codecByName, type MessageName } from './messages/registry.js';

/** A message the codec decoded into typed fields. Switch on `name` to narrow `body`. */
export type KnownMessage = { [N in MessageName]: { name: N; header: Header; body: BodyOf<N> } }[MessageName];

/** A message id the codec has no table for: the header and the raw body, nothing dropped. */
export interface UnknownMessage {
  name: 'unknown';
  header: Header;
  body: Uint8Array;
}

/** One packet of a sub-packaged message; `SubPackageAssembler` turns complete sets into messages. */
export interface FragmentMessage {
  name: 'fragment';
  header: Header;
  body: Uint8Array;
}

/** A body the terminal encrypted (header encryption field non-zero); kept raw. */
export interface EncryptedMessage {
  name: 'encrypted';
  header: Header;
  body: Uint8Array;
}

export type Jt808Message = KnownMessage | UnknownMessage | FragmentMessage | EncryptedMessage;

/** What `encodeMessage` takes: a known message name, its body, and the header fields to send. */
export type OutgoingMessage = {
  [N in MessageName]: { name: N; header: HeaderInit; body: BodyOf<N> };
}[MessageName];

// Decoding is synchronous and never re-entrant, so one reader serves every call.
const reader = new BodyReader(new Uint8Array(0));

/**
 * Decodes one escaped frame as the splitter yields it (flags stripped): unescape, verify the check
 * code, parse the header, then the body. Throws only Jt808Error.
 */
export function decodeFrame(escaped: Uint8Array): Jt808Message {
  const data = unescapeFrame(escaped);
  const header = verifiedHeader(data);
  const last = data.length - 1;
  const bodyStart = last - header.bodyLength;
  if (header.subPackage) return { name: 'fragment', header, body: copyBytes(data, bodyStart, last) };
  return decodeBody(header, data, bodyStart, last);
}

/** A verified frame's header and where its body lies in the unescaped bytes. */
export interface FrameParts {
  header: Header;
  /** The unescaped frame; may be a view of the splitter's buffer, valid only during the frame callback. */
  data: Uint8Array;
  bodyStart: number;
  bodyEnd: number;
}

/**
 * The first half of `decodeFrame`: unescape, check code and header, body left as bytes. A gateway
 * uses it to keep the exact body bytes (for the bus) next to the decoded message.
 */
export function readFrame(escaped: Uint8Array): FrameParts {
  const data = unescapeFrame(escaped);
  const header = verifiedHeader(data);
  const bodyEnd = data.length - 1;
  return { header, data, bodyStart: bodyEnd - header.bodyLength, bodyEnd };
}

/** Checks length and check code of an unescaped frame, then parses its header. */
function verifiedHeader(data: Uint8Array): Header {
  if (data.length < 13) {
    throw new Jt808Error('truncated', `frame of ${data.length} bytes is shorter than any header`, data);
  }
  const last = data.length - 1;
  const expected = checksum(data, 0, last);
  if (expected !== data[last]) {
    throw new Jt808Error(
      'bad-checksum',
      `check code 0x${data[last]!.toString(16).padStart(2, '0')}, computed 0x${expected.toString(16).padStart(2, '0')}`,
      data,
    );
  }
  return decodeHeader(data);
}

/** Decodes `data[start..end)` as the body of the message `header` describes. */
export function decodeBody(header: Header, data: Uint8Array, start = 0, end = data.length): Jt808Message {
  if (header.encryption !== 0) return { name: 'encrypted', header, body: copyBytes(data, start, end) };
  const codec = codecById(header.messageId);
  if (codec === undefined) return { name: 'unknown', header, body: copyBytes(data, start, end) };
  reader.buf = data;
  reader.start = start;
  reader.pos = start;
  reader.end = end;
  const body = codec.decode(reader, header);
  reader.buf = EMPTY;
  return { name: codec.name, header, body } as KnownMessage;
}

const EMPTY = new Uint8Array(0);

/** Largest header: 2019 with sub-package fields. */
const MAX_HEADER = 21;
const writer = new BodyWriter(4096);

/** Encodes a message into a complete frame, flags included, ready for the socket. */
export function encodeMessage(message: OutgoingMessage): Buffer {
  return frameFromScratch(writeBody(message), message.header);
}

/** Encodes only the body (a fresh copy), for callers that frame it themselves, e.g. as sub-packages. */
export function encodeBody(message: OutgoingMessage): Uint8Array {
  writeBody(message);
  return copyBytes(writer.buf, MAX_HEADER, writer.pos);
}

/** Writes the body into the writer from MAX_HEADER on, leaving room for the header; returns the id. */
function writeBody(message: OutgoingMessage): number {
  const codec = codecByName(message.name);
  if (codec === undefined) throw new Jt808Error('bad-value', `no codec for message "${message.name}"`);
  const edition = message.header.edition ?? '2013';
  writer.reset();
  writer.pos = MAX_HEADER;
  codec.encode(writer, message.body, edition);
  return codec.id;
}

/** Encodes a frame around a body that is already bytes (unknown ids, sub-package payloads). */
export function encodeRaw(messageId: number, header: HeaderInit, body: Uint8Array): Buffer {
  writer.reset();
  writer.pos = MAX_HEADER;
  writer.bytes(body);
  return frameFromScratch(messageId, header);
}

/** The body sits in the writer from MAX_HEADER on; the header is written right before it. */
function frameFromScratch(messageId: number, header: HeaderInit): Buffer {
  const bodyEnd = writer.pos;
  writer.u8(0); // room for the check code
  const scratch = writer.buf;
  const bodyLength = bodyEnd - MAX_HEADER;
  const start = MAX_HEADER - headerLength(header.edition ?? '2013', header.subPackage !== undefined);
  encodeHeader(messageId, header, bodyLength, scratch, start);
  scratch[bodyEnd] = checksum(scratch, start, bodyEnd);
  const end = bodyEnd + 1;
  const out = Buffer.allocUnsafe(escapedLength(scratch, start, end) + 2);
  out[0] = FLAG;
  const last = escapeInto(scratch, start, end, out, 1);
  out[last] = FLAG;
  return out;
}
