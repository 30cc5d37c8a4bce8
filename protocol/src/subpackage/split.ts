import { Jt808Error } from '../errors.js';
import { MAX_BODY_LENGTH } from '../frame/header.js';
import { MessageId } from '../messages/registry.js';
import { encodeBody, encodeRaw, type OutgoingMessage } from '../packet.js';

/** The sub-package fields count packets in a WORD. */
const MAX_PACKETS = 0xffff;

/**
 * Encodes a message as frames of at most `maxBodyBytes` body bytes each: packets 1..total carrying
 * serials header.serial, +1, +2 ... (wrapping at 0xffff), as the assembler on the other side
 * expects. A body that fits one packet is sent as one ordinary frame without sub-package fields.
 */
export function encodeSubPackages(message: OutgoingMessage, maxBodyBytes = MAX_BODY_LENGTH): Buffer[] {
  if (!(Number.isInteger(maxBodyBytes) && maxBodyBytes >= 1 && maxBodyBytes <= MAX_BODY_LENGTH)) {
    throw new Jt808Error('bad-value', `packet body size ${maxBodyBytes} is not 1..${MAX_BODY_LENGTH}`);
  }
  const body = encodeBody(message);
  const messageId = MessageId[message.name];
  const { subPackage: _, ...header } = message.header;
  if (body.length <= maxBodyBytes) return [encodeRaw(messageId, header, body)];
  const total = Math.ceil(body.length / maxBodyBytes);
  if (total > MAX_PACKETS) {
    throw new Jt808Error(
      'oversize',
      `body of ${body.length} bytes needs ${total} packets of ${maxBodyBytes}; at most ${MAX_PACKETS}`,
    );
  }
  const frames: Buffer[] = [];
  for (let index = 1; index <= total; index++) {
    const piece = body.subarray((index - 1) * maxBodyBytes, index * maxBodyBytes);
    // Packet 1 keeps the caller's serial untouched, so encodeHeader still rejects an invalid one.
    const serial = index === 1 ? header.serial : (header.serial + index - 1) & 0xffff;
    frames.push(encodeRaw(messageId, { ...header, serial, subPackage: { total, index } }, piece));
  }
  return frames;
}
