import { heartbeat } from './heartbeat.js';
import { locationReport } from './location-report.js';
import type { MessageCodec } from './message-codec.js';
import { platformGeneralResponse } from './platform-general-response.js';
import { terminalGeneralResponse } from './terminal-general-response.js';

/** Every message type the codec knows, by name. Add a message by adding its codec here. */
export const codecs = {
  terminalGeneralResponse,
  heartbeat,
  locationReport,
  platformGeneralResponse,
} as const;

type Codecs = typeof codecs;
export type MessageName = keyof Codecs;
export type BodyOf<N extends MessageName> = Codecs[N] extends MessageCodec<N, infer B> ? B : never;

// biome-ignore lint/suspicious/noExplicitAny: a heterogeneous table; callers get typed bodies via BodyOf.
type AnyCodec = MessageCodec<MessageName, any>;

const byId = new Map<number, AnyCodec>();
for (const codec of Object.values(codecs) as AnyCodec[]) {
  if (byId.has(codec.id)) throw new Error(`two codecs claim message id 0x${codec.id.toString(16)}`);
  byId.set(codec.id, codec);
}

export function codecById(id: number): AnyCodec | undefined {
  return byId.get(id);
}

export function codecByName(name: string): AnyCodec | undefined {
  return Object.hasOwn(codecs, name) ? (codecs as Record<string, AnyCodec>)[name] : undefined;
}

/** Message ids by name, for callers that switch on ids (replies, metrics). */
export const MessageId = Object.fromEntries(Object.values(codecs).map((c) => [c.name, c.id])) as {
  [N in MessageName]: Codecs[N]['id'];
};
