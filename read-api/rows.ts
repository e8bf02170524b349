// Reading read-model rows back: SQL fragments that make both engines (pg and PGlite) return the
// same text for bigints and timestamps, and the codecs that decode those rows.
import * as t from 'io-ts';
import { decodeOrThrow } from '../infra/index.js';

export const NullableString = t.union([t.string, t.null]);
export const NullableNumber = t.union([t.number, t.null]);

/** A timestamptz column as ISO 8601 UTC with milliseconds (what every answer shows). */
export const isoMs = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A timestamptz column with microseconds: exact, for keyset cursors (`$n::timestamptz` reads it back). */
export const isoUs = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Decodes a row the database returned; a row of another shape is a server fault, never the client's. */
export const decodeRow = <A>(codec: t.Decoder<unknown, A>, row: unknown, what: string): A => decodeOrThrow(codec, row, `${what} row`);
