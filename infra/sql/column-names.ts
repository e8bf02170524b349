// SQL's snake_case column names and TypeScript's camelCase field names: one rule, both ways, and
// a stored row decoded into an object of camelCase fields.
import type * as t from 'io-ts';
import { decodeOrThrow } from '../codec.js';

/** `bid_count` as `bidCount`, at compile time. */
type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** A row of snake_case columns as the object of the same fields in camelCase. */
export type CamelCased<R> = { readonly [K in keyof R & string as CamelCase<K>]: R[K] };

const camelCase = (column: string): string => column.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

export const snakeCase = (field: string): string => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** Decodes a stored row with `codec` (its columns, snake_case), then names its fields in camelCase, in the codec's order. */
export const decodeCamelCased = <P extends t.Props>(codec: t.TypeC<P>, raw: unknown, what: string): CamelCased<t.TypeOf<t.TypeC<P>>> => {
  const row = decodeOrThrow(codec, raw, what) as Record<string, unknown>;
  return Object.fromEntries(Object.keys(codec.props).map((column) => [camelCase(column), row[column]])) as CamelCased<t.TypeOf<t.TypeC<P>>>;
};
