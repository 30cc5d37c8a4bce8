import { readBcd, writeBcd } from '../codec/bcd.js';
import { Jt808Error } from '../errors.js';

/**
 * Protocol editions. 2011 and 2013 share one header layout (6-byte BCD phone); 2019 sets bit 14 of
 * the body attributes and adds a version byte and a 10-byte phone. Only a few bodies tell 2011 from
 * 2013 (registration); everywhere else '2013' stands for both.
 */
export type Edition = '2011' | '2013' | '2019';

export interface SubPackage {
  /** Number of packets the message was cut into (1-based count). */
  total: number;
  /** This packet's index, 1..total. */
  index: number;
}

export interface Header {
  messageId: number;
  /** '2019' when the version flag (attribute bit 14) is set, otherwise '2013' (which covers 2011). */
  edition: Edition;
  /** 2019 protocol version number (1 for the first 2019 revision); 0 for earlier editions. */
  protocolVersion: number;
  /** Body length from the attributes (bits 0-9). */
  bodyLength: number;
  /** Encryption field (bits 10-12): 0 none, 1 RSA; other values are reserved. */
  encryption: number;
  /** Terminal phone / SIM number, the BCD digits as sent (12 digits, or 20 in 2019). */
  phone: string;
  serial: number;
  /** Present when the body is one packet of a sub-packaged message. */
  subPackage?: SubPackage;
}

/** What a caller supplies to encode a header; the body length and flags are computed. */
export interface HeaderInit {
  edition?: Edition;
  protocolVersion?: number;
  encryption?: number;
  phone: string;
  serial: number;
  subPackage?: SubPackage;
}

export const PHONE_BYTES_2013 = 6;
export const PHONE_BYTES_2019 = 10;
const SUBPACKAGE_FLAG = 1 << 13;
const VERSION_FLAG = 1 << 14;
export const MAX_BODY_LENGTH = 0x3ff;

export function headerLength(edition: Edition, subPackaged: boolean): number {
  return (edition === '2019' ? 17 : 12) + (subPackaged ? 4 : 0);
}

/**
 * Parses the header at the start of an unescaped frame (`data` = header + body + check code) and
 * checks that the declared body length matches the bytes present.
 */
export function decodeHeader(data: Uint8Array): Header {
  if (data.length < 13)
    throw new Jt808Error('truncated', `frame of ${data.length} bytes is shorter than any header`, data);
  const messageId = (data[0]! << 8) | data[1]!;
  const attributes = (data[2]! << 8) | data[3]!;
  const is2019 = (attributes & VERSION_FLAG) !== 0;
  const subPackaged = (attributes & SUBPACKAGE_FLAG) !== 0;
  const size = (is2019 ? 17 : 12) + (subPackaged ? 4 : 0);
  if (data.length < size + 1) {
    throw new Jt808Error(
      'truncated',
      `frame of ${data.length} bytes is shorter than its ${size}-byte header`,
      data,
    );
  }
  let p = 4;
  let protocolVersion = 0;
  if (is2019) protocolVersion = data[p++]!;
  const phoneBytes = is2019 ? PHONE_BYTES_2019 : PHONE_BYTES_2013;
  const phone = readBcd(data, p, phoneBytes);
  p += phoneBytes;
  const serial = (data[p]! << 8) | data[p + 1]!;
  p += 2;
  const bodyLength = attributes & MAX_BODY_LENGTH;
  const actual = data.length - size - 1;
  if (bodyLength !== actual) {
    throw new Jt808Error(
      'body-length-mismatch',
      `header declares a ${bodyLength}-byte body, frame carries ${actual}`,
      data,
    );
  }
  const header: Header = {
    messageId,
    edition: is2019 ? '2019' : '2013',
    protocolVersion,
    bodyLength,
    encryption: (attributes >> 10) & 0x7,
    phone,
    serial,
  };
  if (subPackaged) {
    const total = (data[p]! << 8) | data[p + 1]!;
    const index = (data[p + 2]! << 8) | data[p + 3]!;
    if (total === 0 || index === 0 || index > total) {
      throw new Jt808Error('bad-value', `sub-package index ${index} of ${total} is out of range`, data);
    }
    header.subPackage = { total, index };
  }
  return header;
}

/** Writes a header into `out` at `offset`; returns the offset after it. */
export function encodeHeader(
  messageId: number,
  init: HeaderInit,
  bodyLength: number,
  out: Uint8Array,
  offset: number,
): number {
  if (bodyLength > MAX_BODY_LENGTH) {
    throw new Jt808Error(
      'bad-value',
      `body of ${bodyLength} bytes exceeds ${MAX_BODY_LENGTH}; send it as sub-packages`,
    );
  }
  if (!(messageId >= 0 && messageId <= 0xffff))
    throw new Jt808Error('bad-value', `message id ${messageId} is not 0..65535`);
  const is2019 = init.edition === '2019';
  const protocolVersion = init.protocolVersion ?? 1;
  if (is2019 && !(protocolVersion >= 0 && protocolVersion <= 0xff))
    throw new Jt808Error('bad-value', `protocol version ${protocolVersion} is not 0..255`);
  if (init.subPackage) checkSubPackage(init.subPackage);
  const encryption = init.encryption ?? 0;
  if (!(encryption >= 0 && encryption <= 7))
    throw new Jt808Error('bad-value', `encryption ${encryption} is not 0..7`);
  let attributes = bodyLength | (encryption << 10);
  if (init.subPackage) attributes |= SUBPACKAGE_FLAG;
  if (is2019) attributes |= VERSION_FLAG;
  let p = offset;
  out[p++] = messageId >>> 8;
  out[p++] = messageId & 0xff;
  out[p++] = attributes >>> 8;
  out[p++] = attributes & 0xff;
  if (is2019) out[p++] = protocolVersion;
  const phoneBytes = is2019 ? PHONE_BYTES_2019 : PHONE_BYTES_2013;
  writeBcd(out, p, phoneBytes, init.phone);
  p += phoneBytes;
  if (!(init.serial >= 0 && init.serial <= 0xffff))
    throw new Jt808Error('bad-value', `serial ${init.serial} is not 0..65535`);
  out[p++] = init.serial >>> 8;
  out[p++] = init.serial & 0xff;
  if (init.subPackage) {
    const { total, index } = init.subPackage;
    out[p++] = total >>> 8;
    out[p++] = total & 0xff;
    out[p++] = index >>> 8;
    out[p++] = index & 0xff;
  }
  return p;
}

/** Typed-array stores wrap silently, so out-of-range packet numbers are refused before writing. */
function checkSubPackage({ total, index }: SubPackage): void {
  if (
    !(Number.isInteger(total) && Number.isInteger(index) && index >= 1 && index <= total && total <= 0xffff)
  ) {
    throw new Jt808Error('bad-value', `sub-package index ${index} of ${total} is out of range`);
  }
}
