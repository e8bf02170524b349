// Opaque paging cursors: base64url of a small JSON payload, decoded with io-ts. Clients pass back
// what they were given; anything else is a 400 naming `query.cursor`.
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';

export interface OpaqueCursor<A> {
  /** Decodes a `cursor` query parameter into its payload. */
  readonly codec: t.Type<A, string, unknown>;
  readonly encode: (payload: A) => string;
}

const MAX_CURSOR_LENGTH = 1_024;

export const opaqueCursor = <A, O>(name: string, payload: t.Type<A, O, unknown>): OpaqueCursor<A> => {
  const encode = (a: A): string => Buffer.from(JSON.stringify(payload.encode(a)), 'utf8').toString('base64url');
  const codec = new t.Type<A, string, unknown>(
    name,
    payload.is,
    (u, c) => {
      const refuse = () => t.failure<A>(u, c, 'expected a cursor returned by a previous page');
      if (typeof u !== 'string' || u.length === 0 || u.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(u)) return refuse();
      let json: unknown;
      try {
        json = JSON.parse(Buffer.from(u, 'base64url').toString('utf8'));
      } catch {
        return refuse();
      }
      const decoded = payload.decode(json);
      return isLeft(decoded) ? refuse() : t.success(decoded.right);
    },
    encode,
  );
  return { codec, encode };
};
