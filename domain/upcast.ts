// Reading stored events: old shapes are upcast, step by step, to today's schema before decoding.
// Stored events are never rewritten; this runs on every read.
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import type { JsonObject } from './event-log/index.js';
import { decodeValid } from './decode-valid.js';
import type { AuctionEvent } from './events.js';
import { AuctionEvent as AuctionEventCodec, currentSchemaVersion } from './events.js';

/** Turns the data of `type` at schema version `from` into version `from + 1`. */
export interface Upcaster {
  readonly type: string;
  readonly from: number;
  readonly up: (data: JsonObject) => JsonObject;
}

export const upcasters: readonly Upcaster[] = [
  // AuctionCreated v1 predates soft close: such auctions simply have none.
  { type: 'AuctionCreated', from: 1, up: (data) => ({ ...data, softClose: null }) },
  // AuctionCreated v2 predates approved bidders: such auctions take bids from everyone.
  { type: 'AuctionCreated', from: 2, up: (data) => ({ ...data, approvedBiddersOnly: false }) },
  // AuctionCreated v3 predates formats and timed sales: such auctions are English auctions of no sale.
  { type: 'AuctionCreated', from: 3, up: (data) => ({ ...data, format: 'english', clock: null, lot: null }) },
  // AuctionClosed v1 predates sealed bids: such closes reveal no ranking.
  { type: 'AuctionClosed', from: 1, up: (data) => ({ ...data, ranking: null }) },
];

export interface StoredEvent {
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: { readonly schemaVersion: number };
}

export const upcast = (event: StoredEvent, registry: readonly Upcaster[] = upcasters): { type: string; data: JsonObject } => {
  const target = (currentSchemaVersion as Record<string, number | undefined>)[event.type] ?? event.metadata.schemaVersion;
  let data = event.data;
  for (let version = event.metadata.schemaVersion; version < target; version++) {
    const step = registry.find((u) => u.type === event.type && u.from === version);
    if (step === undefined) throw new Error(`no upcaster for ${event.type} from schema version ${version}`);
    data = step.up(data);
  }
  return { type: event.type, data };
};

/** Upcasts and decodes a stored event with the event codecs (throws when no upcaster applies). */
export const decodeUpcast = (event: StoredEvent, registry: readonly Upcaster[] = upcasters): t.Validation<AuctionEvent> =>
  decodeValid(AuctionEventCodec, upcast(event, registry));

/** A stored event as a domain event, or a message saying why it cannot be one. */
export const decodeStoredEvent = (event: StoredEvent, registry: readonly Upcaster[] = upcasters): E.Either<string, AuctionEvent> => {
  try {
    const decoded = decodeUpcast(event, registry);
    return E.isRight(decoded) ? decoded : E.left(`${event.type}: ${PathReporter.report(decoded).join('; ')}`);
  } catch (error) {
    return E.left(error instanceof Error ? error.message : String(error));
  }
};
