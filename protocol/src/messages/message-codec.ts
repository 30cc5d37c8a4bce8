import type { BodyReader } from '../codec/reader.js';
import type { BodyWriter } from '../codec/writer.js';
import type { Edition, Header } from '../frame/header.js';

/**
 * How one message type's body is read and written. One file per message type exports one of these;
 * `registry.ts` collects them. `decode` may rely on the header (edition, body length); `encode`
 * gets the edition the frame is being written for.
 */
export interface MessageCodec<Name extends string, Body> {
  readonly id: number;
  readonly name: Name;
  readonly direction: 'uplink' | 'downlink';
  decode(r: BodyReader, header: Header): Body;
  encode(w: BodyWriter, body: Body, edition: Edition): void;
}

/** Body of messages that carry none (heartbeat, queries). */
export type EmptyBody = Record<string, never>;

/** The codec for a message whose body is empty. */
export function emptyBodyCodec<Name extends string>(
  id: number,
  name: Name,
  direction: 'uplink' | 'downlink',
): MessageCodec<Name, EmptyBody> {
  return {
    id,
    name,
    direction,
    decode: () => ({}),
    encode: () => {},
  };
}
