// The command API's request bodies (DESIGN.md section 5), as io-ts codecs. Unknown fields are
// refused (closedObject), so a misspelt `maxamount` is a 400 naming it rather than a silently ignored field.
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { AuctionFormat, BidId, Currency, Description, DUTCH_ENDS_AT_REFUSED, Integer, MinorUnits, Reason, RetractionReason, Title } from '../../domain/index.js';
import { ClosedObjectType, closedObject, IsoUtcTimestamp } from '../../infra/index.js';

export const SoftCloseBody = closedObject('SoftClose', { windowSeconds: Integer, extensionSeconds: Integer }, {});

export const DutchClockBody = closedObject('DutchClock', { decrementAmount: MinorUnits, decrementEverySeconds: Integer, floorPrice: MinorUnits }, {});

const CreateAuctionFields = closedObject(
  'CreateAuctionBody',
  { title: Title, currency: Currency, startingPrice: MinorUnits },
  {
    /** Required, except with `format: "dutch"`, where it is refused: the clock decides the end. */
    endsAt: IsoUtcTimestamp,
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

/** Whether `endsAt` is where the format wants it: required for every format but dutch, refused for dutch. */
const endsAtProblem = (u: unknown): { value: unknown; message: string } | undefined => {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return undefined;
  const { format, endsAt } = u as Record<string, unknown>;
  if (format === 'dutch') return endsAt === undefined ? undefined : { value: endsAt, message: DUTCH_ENDS_AT_REFUSED };
  return endsAt === undefined ? { value: undefined, message: 'is required' } : undefined;
};

const anyObject = t.type({});

/** POST /v1/auctions: the listing's fields, with `endsAt` required or refused by the format, every failing field named at once. */
export const CreateAuctionBody: ClosedObjectType<t.TypeOf<typeof CreateAuctionFields>, t.OutputOf<typeof CreateAuctionFields>> = new ClosedObjectType(
  'CreateAuctionBody',
  CreateAuctionFields.is,
  (u, c) => {
    const decoded = CreateAuctionFields.validate(u, c);
    const problem = endsAtProblem(u);
    if (problem === undefined) return decoded;
    // Reported as a property of the body, so its path is `body.endsAt`.
    const failure: t.ValidationError = { value: problem.value, context: [...c, { key: '', type: anyObject, actual: u }, { key: 'endsAt', type: t.unknown, actual: u }], message: problem.message };
    return t.failures(isLeft(decoded) ? [...decoded.left, failure] : [failure]);
  },
  CreateAuctionFields.encode,
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
