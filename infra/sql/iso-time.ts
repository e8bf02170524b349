// Timestamps read back as ISO 8601 UTC text, the same on `pg` and PGlite (their own parsers differ).

/** A timestamptz expression as ISO 8601 UTC with milliseconds: the form the events carry and every answer shows. */
export const isoMs = (expression: string): string => `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A timestamptz expression with microseconds: exact, for keyset cursors (`$n::timestamptz` reads it back). */
export const isoUs = (expression: string): string => `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
