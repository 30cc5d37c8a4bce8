import { Ajv } from 'ajv';

/** What a live client may send (docs/api.md, "Live feed"). */
export interface ClientMessage {
  /** true: send a snapshot of every vehicle in scope. */
  snapshot?: boolean;
  /** [minLon, minLat, maxLon, maxLat]: the map viewport; null: none. */
  bbox?: [number, number, number, number] | null;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    snapshot: { type: 'boolean' },
    bbox: {
      anyOf: [{ type: 'null' }, { type: 'array', minItems: 4, maxItems: 4, items: { type: 'number' } }],
    },
  },
} as const;

// The same validator fastify checks every HTTP input with (ajv, a dependency of fastify anyway).
const valid = new Ajv({ allErrors: false }).compile<ClientMessage>(schema);

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
