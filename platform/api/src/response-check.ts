import { isDeepStrictEqual } from 'node:util';
import { Ajv, type ValidateFunction } from 'ajv';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** A route's answer that its response schema does not describe exactly. */
export interface ResponseMismatch {
  method: string;
  url: string;
  status: number;
  /**
   * Ajv's findings (`must NOT have additional properties` names a field the schema would drop), or
   * how the serialized answer differs from what JSON.stringify would have sent.
   */
  errors: string[];
}

/**
 * Checks every JSON answer against its route's response schema, and reports what does not fit:
 * - before serializing, against the schema made strict (no field it does not list, at any depth):
 *   serializing through a schema silently drops the fields it lacks;
 * - after, that the schema's serializer sent what JSON.stringify would have (dates, nulls,
 *   numbers alike), as the route answered before it had a schema.
 * The tests turn it on (JT808_STRICT_RESPONSES=1, vitest.config.ts), so a route that answers a
 * field its schema forgot fails instead of losing it. Off in production: it validates every answer
 * twice.
 */
export function checkResponses(app: FastifyInstance, report: (mismatch: ResponseMismatch) => void): void {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  for (const schema of Object.values(app.getSchemas())) ajv.addSchema(strictCopy(schema as object));
  const compiled = new WeakMap<object, ValidateFunction>();
  /** What JSON.stringify made of each checked answer, to compare with what was sent. */
  const plain = new WeakMap<FastifyRequest, unknown>();
  const mismatch = (request: FastifyRequest, status: number, errors: string[]) =>
    report({ method: request.method, url: request.url, status, errors });
  app.addHook('preSerialization', async (request, reply, payload) => {
    const responses = request.routeOptions.schema?.response as Record<string, object> | undefined;
    const schema = responses?.[String(reply.statusCode)];
    if (!schema) return payload;
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(strictCopy(schema));
      compiled.set(schema, validate);
    }
    const json = JSON.parse(JSON.stringify(payload));
    if (!validate(json)) {
      mismatch(
        request,
        reply.statusCode,
        (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`),
      );
    }
    // Compared after sending only now: a reporter that throws has replaced the answer.
    plain.set(request, json);
    return payload;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (!plain.has(request) || typeof payload !== 'string') return payload;
    const sent = JSON.parse(payload);
    if (!isDeepStrictEqual(sent, plain.get(request))) {
      mismatch(request, reply.statusCode, [`serialized as ${payload.slice(0, 2000)}`]);
    }
    return payload;
  });
}

/** The schema with `additionalProperties: false` on every object that lists its properties. */
function strictCopy<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(strictCopy) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, strictCopy(value)]),
  );
  if ('properties' in copy && !('additionalProperties' in copy)) copy.additionalProperties = false;
  return copy as T;
}

/** Set for test runs (vitest.config.ts): every answer is checked against its response schema. */
export function strictResponses(): boolean {
  return process.env.JT808_STRICT_RESPONSES === '1';
}

/**
 * The strict mode's reporter: the answer becomes a 500 (a hook that throws), and the mismatch is
 * printed, since the error answer names only an error id.
 */
export function failOnMismatch(mismatch: ResponseMismatch): never {
  const told = `${mismatch.method} ${mismatch.url} (${mismatch.status}) does not match its response schema: ${mismatch.errors.join('; ')}`;
  console.error(told);
  throw new Error(told);
}
