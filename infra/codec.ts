// Decoding at a boundary: one way to turn an io-ts failure into a message, one decode-or-throw,
// one decode of a JSON text, and the bigint-as-text codec both SQL engines need (they return bigint columns as text).
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { PathReporter } from 'io-ts/lib/PathReporter.js';

/** The failing fields of a decode, one per `; `. */
export const explainDecodeErrors = (errors: t.Errors): string => PathReporter.report(t.failures(errors)).join('; ');

/** Decodes or throws an `Error` that names `what` and the failing fields. */
export const decodeOrThrow = <A>(codec: t.Decoder<unknown, A>, value: unknown, what: string): A => {
  const result = codec.decode(value);
  if (isLeft(result)) throw new Error(`unreadable ${what}: ${explainDecodeErrors(result.left)}`);
  return result.right;
};

/** A JSON text decoded by `codec`, or undefined when it is not JSON or not what the codec reads. */
export const decodeJsonText = <A>(codec: t.Decoder<unknown, A>, text: string): A | undefined => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = codec.decode(value);
  return isLeft(result) ? undefined : result.right;
};

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
