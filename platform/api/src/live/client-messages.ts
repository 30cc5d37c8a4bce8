import { LiveClientMessage } from '@jt808/api-contract';
import { Ajv } from 'ajv';

/** What a live client may send (docs/api.md, "Live feed"): the contract's LiveClientMessage. */
export type ClientMessage = LiveClientMessage;

// The same validator fastify checks every HTTP input with (ajv, a dependency of fastify anyway).
const valid = new Ajv({ allErrors: false }).compile<ClientMessage>(LiveClientMessage);

export const MESSAGE_SHAPE =
  'messages are JSON objects: {"snapshot": true} or {"bbox": [minLon, minLat, maxLon, maxLat] | null}';

/** A client's message, or undefined for anything but a JSON object of the expected shape. */
export function parseClientMessage(data: Buffer): ClientMessage | undefined {
  let message: unknown;
  try {
    message = JSON.parse(data.toString());
  } catch {
    return undefined;
  }
  return valid(message) ? message : undefined;
}
