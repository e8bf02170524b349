// Reading read-model rows back: SQL fragments that make both engines (pg and PGlite) return the
// same text for bigints and timestamps, and the codecs that decode those rows.
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { PathReporter } from 'io-ts/lib/PathReporter.js';

/** A bigint column read back as text (`::text` in SQL), as a safe integer. */
export const IntFromText = new t.Type<number, string, unknown>(
  'IntFromText',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u),
  (u, c) => {
    const n = typeof u === 'string' && /^-?\d{1,16}$/.test(u) ? Number(u) : NaN;
    return Number.isSafeInteger(n) ? t.success(n) : t.failure(u, c, 'expected an integer written as text');
  },
  String,
);

export const NullableIntFromText = t.union([IntFromText, t.null]);
export const NullableString = t.union([t.string, t.null]);
export const NullableNumber = t.union([t.number, t.null]);

/** A timestamptz column as ISO 8601 UTC with milliseconds (what every answer shows). */
export const isoMs = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A timestamptz column with microseconds: exact, for keyset cursors (`$n::timestamptz` reads it back). */
export const isoUs = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** A row the database returned that does not have the expected shape: a server fault, never the client's. */
export class UnexpectedRowError extends Error {
  override readonly name = 'UnexpectedRowError';
}

export const decodeRow = <A>(codec: t.Decoder<unknown, A>, row: unknown, what: string): A => {
  const result = codec.decode(row);
  if (isLeft(result)) throw new UnexpectedRowError(`unexpected ${what} row: ${PathReporter.report(result).join('; ')}`);
  return result.right;
};
