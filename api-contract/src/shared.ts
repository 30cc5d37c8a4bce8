import { type Static, type TSchema, Type } from 'typebox';

/**
 * Schemas many routes share. The platform registers each once (`app.addSchema`, by its `$id`) and
 * routes point at it with `ref(...)`, so /docs lists it once under components and a change to it
 * is one change.
 */

/** `/…/:id` of a row with an integer id. */
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { $id: 'IdParams' });
export type IdParams = Static<typeof IdParams>;

/** A period's bounds, as the dashboards ask for aggregates: [from, to). */
export const periodProperties = {
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
};

/** A query of a period and nothing else. */
export const PeriodQuery = Type.Object(periodProperties, { $id: 'PeriodQuery', additionalProperties: false });
export type PeriodQuery = Static<typeof PeriodQuery>;

/** A monitoring center's id (centers are numbered by the province, from 1). */
export const CenterId = Type.Integer({ minimum: 1, $id: 'CenterId' });

/**
 * Every error answer: a client error's message, or for a server error only `internal error` and
 * the request's id, which finds its log line (platform/api/src/errors.ts).
 */
export const ErrorAnswer = Type.Object(
  { error: Type.String(), requestId: Type.Optional(Type.String()) },
  { $id: 'ErrorAnswer' },
);
export type ErrorAnswer = Static<typeof ErrorAnswer>;

/** The shared schemas, for the platform to register before any route refers to them. */
export const SHARED_SCHEMAS = [IdParams, PeriodQuery, CenterId, ErrorAnswer] as const;

/**
 * A reference to a shared schema (`{$ref: 'IdParams#'}`) that keeps the schema's static type, so a
 * route's request is typed by what the reference validates.
 */
export function ref<T extends TSchema>(schema: T) {
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== 'string') throw new Error('only a shared schema (one with an $id) is referred to');
  return Type.Unsafe<Static<T>>({ $ref: `${id}#` });
}

/**
 * A value or null (a nullable column): a type list, `['null', 'number']`, for a plain value, which
 * the serializer checks by `typeof` (an `anyOf` would be validated per value); `null` first, as the
 * serializer takes null for an empty string on a `string` tried first.
 */
export function Nullable<T extends TSchema>(schema: T) {
  const { type } = schema as { type?: unknown };
  const plain = typeof type === 'string' && type !== 'object' && type !== 'array';
  // One of a list (`OneOf`) lists null too, or the enum would refuse what the type lets through.
  const { enum: values } = schema as { enum?: unknown[] };
  const listed = Array.isArray(values) ? { enum: [...values, null] } : {};
  return Type.Unsafe<Static<T> | null>(
    plain ? { ...schema, type: ['null', type], ...listed } : { anyOf: [schema, Type.Null()] },
  );
}

/**
 * One of a list of strings or null, as a request field: a string tried first, so that a number sent
 * is coerced to a string the list refuses rather than to null (an answer's is `Nullable(OneOf(…))`).
 */
export function NullableChoice<const T extends string>(values: readonly T[]) {
  return Type.Unsafe<T | null>({ type: ['string', 'null'], enum: [...values, null] });
}

/** An instant, as JSON gives a date: `2026-05-01T08:00:00.000Z`. */
export const Timestamp = Type.String({ format: 'date-time' });

/** One of a list of strings, typed as their union (a plain `enum`, which the serializer writes as a string). */
export function OneOf<const T extends string>(values: readonly T[]) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values] });
}
