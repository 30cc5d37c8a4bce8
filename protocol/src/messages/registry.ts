import { attributesResponse } from './attributes-response.js';
import { authentication } from './authentication.js';
import { dataUplink } from './data-uplink.js';
import { heartbeat } from './heartbeat.js';
import { locationBatch } from './location-batch.js';
import { locationQuery } from './location-query.js';
import { locationQueryResponse } from './location-query-response.js';
import { locationReport } from './location-report.js';
import { logout } from './logout.js';
import type { MessageCodec } from './message-codec.js';
import { multimediaEvent } from './multimedia-event.js';
import { multimediaUpload } from './multimedia-upload.js';
import { multimediaUploadResponse } from './multimedia-upload-response.js';
import { parametersResponse } from './parameters-response.js';
import { platformGeneralResponse } from './platform-general-response.js';
import { queryAttributes } from './query-attributes.js';
import { queryParameters } from './query-parameters.js';
import { querySpecificParameters } from './query-specific-parameters.js';
import { registration } from './registration.js';
import { registrationResponse } from './registration-response.js';
import { resendRequest } from './resend-request.js';
import { setParameters } from './set-parameters.js';
import { temporaryTracking } from './temporary-tracking.js';
import { terminalControl } from './terminal-control.js';
import { terminalGeneralResponse } from './terminal-general-response.js';
import { textMessage } from './text-message.js';
import { upgradeResult } from './upgrade-result.js';

/** Every message type the codec knows, by name. Add a message by adding its codec here. */
export const codecs = {
  terminalGeneralResponse,
  heartbeat,
  logout,
  registration,
  authentication,
  attributesResponse,
  upgradeResult,
  locationReport,
  locationQueryResponse,
  locationBatch,
  multimediaEvent,
  multimediaUpload,
  dataUplink,
  platformGeneralResponse,
  parametersResponse,
  setParameters,
  queryParameters,
  terminalControl,
  querySpecificParameters,
  queryAttributes,
  locationQuery,
  temporaryTracking,
  resendRequest,
  registrationResponse,
  textMessage,
  multimediaUploadResponse,
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
