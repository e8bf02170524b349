// io-ts codecs for what the log adapters read back from storage (rows, ESDB metadata). The JSON
// object and metadata codecs are the domain's (they also decode events carried over Kafka).
import type * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { PathReporter } from 'io-ts/lib/PathReporter.js';

export { EventMetadataCodec, JsonObjectCodec } from '../../domain/index.js';

/** Decodes or throws an error that names the failing fields. */
export const decodeOrThrow = <A>(codec: t.Type<A, unknown, unknown>, value: unknown, what: string): A => {
  const result = codec.decode(value);
  if (isLeft(result)) throw new Error(`unreadable ${what}: ${PathReporter.report(result).join('; ')}`);
  return result.right;
};
