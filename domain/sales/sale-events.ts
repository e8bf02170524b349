// A timed sale's events, in the stream `sale-<saleId>`: the sale as its seller created it. Each lot
// is an auction of its own (its own stream, its own AuctionCreated carrying `lot`).
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import { Currency, MinorUnits } from '../money.js';
import { UtcTimestamp } from '../time.js';
import { AuctionId, Count, Description, Integer, Title, UserId } from '../ids.js';
import { SoftClose } from '../events.js';
import { decodeValid } from '../decode-valid.js';

/** What a seller lists of one lot: shared by the CreateSale command and the SaleCreated event. */
export const lotListingProps = {
  auctionId: AuctionId,
  title: Title,
  description: Description,
  startingPrice: MinorUnits,
  reservePrice: t.union([MinorUnits, t.null]),
  buyNowPrice: t.union([MinorUnits, t.null]),
};

/** What a seller lists of the sale: shared by the CreateSale command and the SaleCreated event. */
export const saleListingProps = {
  saleId: AuctionId,
  sellerId: UserId,
  title: Title,
  description: Description,
  currency: Currency,
  /** When lot 1 ends; lot N ends `(N - 1) * staggerMs` later (each may then be extended). */
  firstEndsAt: UtcTimestamp,
  staggerMs: Count,
  /** Lot N never closes before lot N - 1 has ended. */
  holdBack: t.boolean,
  /** Every lot's soft close. */
  softClose: t.union([SoftClose, t.null]),
};

export const SaleLot = t.type({ lotNumber: Integer, ...lotListingProps }, 'SaleLot');
export type SaleLot = t.TypeOf<typeof SaleLot>;

export const SaleCreated = t.type({
  type: t.literal('SaleCreated'),
  data: t.type({ ...saleListingProps, lots: t.array(SaleLot), createdAt: UtcTimestamp }),
}, 'SaleCreated');
export type SaleCreated = t.TypeOf<typeof SaleCreated>;

/** A sale's stream holds one event today; a union once there are more. */
export const SaleEvent = SaleCreated;
export type SaleEvent = SaleCreated;
export type SaleEventType = SaleEvent['type'];

export const saleSchemaVersion: Readonly<Record<SaleEventType, number>> = { SaleCreated: 1 };

export const saleStreamIdOf = (saleId: string): string => `sale-${saleId}`;
export const saleIdOfStream = (streamId: string): string | undefined =>
  streamId.startsWith('sale-') ? streamId.slice('sale-'.length) : undefined;
export const isSaleStream = (streamId: string): boolean => streamId.startsWith('sale-');

/** A stored sale event as a domain event, or why it cannot be one. */
export const decodeSaleEvent = (event: { readonly type: string; readonly data: unknown }): E.Either<string, SaleEvent> => {
  const decoded = decodeValid(SaleCreated, { type: event.type, data: event.data });
  return E.isRight(decoded) ? decoded : E.left(`${event.type}: ${PathReporter.report(decoded).join('; ')}`);
};
