// Reading read-model rows back: codecs of nullable columns, and the decode that makes a row of
// another shape a server fault (the SQL reads timestamps back with infra's isoMs and isoUs).
import * as t from 'io-ts';
import { decodeOrThrow } from '../infra/index.js';

export const NullableString = t.union([t.string, t.null]);
export const NullableNumber = t.union([t.number, t.null]);

/** Decodes a row the database returned; a row of another shape is a server fault, never the client's. */
export const decodeRow = <A>(codec: t.Decoder<unknown, A>, row: unknown, what: string): A => decodeOrThrow(codec, row, `${what} row`);
