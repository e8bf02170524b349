// The command API's request bodies (DESIGN.md section 5), as io-ts codecs. Unknown fields are
// refused (closedObject), so a misspelt `maxamount` is a 400 naming it rather than a silently ignored field.
import * as t from 'io-ts';
import { AuctionFormat, BidId, Currency, Description, Integer, MinorUnits, Reason, RetractionReason, Title } from '../../domain/index.js';
import { closedObject, IsoUtcTimestamp } from '../../infra/index.js';

export const SoftCloseBody = closedObject('SoftClose', { windowSeconds: Integer, extensionSeconds: Integer }, {});

export const DutchClockBody = closedObject('DutchClock', { decrementAmount: MinorUnits, decrementEverySeconds: Integer, floorPrice: MinorUnits }, {});

export const CreateAuctionBody = closedObject(
  'CreateAuctionBody',
  { title: Title, currency: Currency, startingPrice: MinorUnits, endsAt: IsoUtcTimestamp },
  {
    description: Description,
    reservePrice: t.union([MinorUnits, t.null]),
    buyNowPrice: t.union([MinorUnits, t.null]),
    startsAt: t.union([IsoUtcTimestamp, t.null]),
    softClose: t.union([SoftCloseBody, t.null]),
    approvedBiddersOnly: t.boolean,
    /** Absent: english. */
    format: AuctionFormat,
    /** A Dutch auction's clock (required with `format: "dutch"`, refused otherwise). */
    clock: t.union([DutchClockBody, t.null]),
  },
);
export type CreateAuctionBody = t.TypeOf<typeof CreateAuctionBody>;

export const PlaceBidBody = closedObject('PlaceBidBody', { maxAmount: MinorUnits }, {});
export type PlaceBidBody = t.TypeOf<typeof PlaceBidBody>;

export const CancelBody = closedObject('CancelBody', {}, { reason: t.union([Reason, t.null]) });
export const EmptyBody = closedObject('EmptyBody', {}, {});

/** POST /v1/auctions/:id/retractions: why, and optionally which of the bidder's bids (absent or null: as the rules allow). */
export const RetractBidBody = closedObject('RetractBidBody', { reason: RetractionReason }, { bidId: t.union([BidId, t.null]) });
export type RetractBidBody = t.TypeOf<typeof RetractBidBody>;

/**
 * POST /v1/auctions/:id/second-chance-offers: the bidder by its pseudonym in this auction (as GET
 * /v1/auctions/:id/bidders shows it), and how long the offer stays open (absent: the configured default).
 */
export const SecondChanceOfferBody = closedObject('SecondChanceOfferBody', { bidder: t.string }, { expiresInSeconds: Integer });
export type SecondChanceOfferBody = t.TypeOf<typeof SecondChanceOfferBody>;
