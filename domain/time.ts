// Times are ISO 8601 UTC strings in the canonical form of Date.prototype.toISOString.
import * as t from 'io-ts';

interface UtcTimestampBrand { readonly UtcTimestamp: unique symbol }
export const UtcTimestamp = t.brand(
  t.string,
  (s): s is t.Branded<string, UtcTimestampBrand> => {
    const ms = Date.parse(s);
    return Number.isFinite(ms) && new Date(ms).toISOString() === s;
  },
  'UtcTimestamp',
);
export type UtcTimestamp = t.TypeOf<typeof UtcTimestamp>;

export const toMillis = (s: UtcTimestamp): number => Date.parse(s);
export const fromMillis = (ms: number): UtcTimestamp => new Date(ms).toISOString() as UtcTimestamp;
