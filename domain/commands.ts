// The commands the auction decides on. The server stamps `now` (its own clock) on every command;
// identities (seller, bidder, admin) come from the authenticated caller, never from a body.
import * as t from 'io-ts';
import { MinorUnits } from './money.js';
import { UtcTimestamp } from './time.js';
import { AuctionId, BidId, Reason, UserId } from './ids.js';
import { AuctionFormat, DutchClock, SoftClose, listingProps } from './events.js';
import { ApproveBidder, RetractBid, RevokeBidderApproval } from './more-commands.js';
import { AuctionLot } from './sales/lot.js';
import { AcceptSecondChance, DeclineSecondChance, OfferSecondChance, ReportNonPayment } from './second-chance.js';

export { ApproveBidder, RetractBid, RevokeBidderApproval } from './more-commands.js';
export { AcceptSecondChance, DeclineSecondChance, OfferSecondChance, ReportNonPayment } from './second-chance.js';

export const CreateAuction = t.intersection([t.type({
  type: t.literal('CreateAuction'),
  ...listingProps,
  /** Null: the auction opens now. */
  startsAt: t.union([UtcTimestamp, t.null]),
  /** Required, except for a Dutch auction, whose end its clock decides (null). */
  endsAt: t.union([UtcTimestamp, t.null]),
  softClose: t.union([SoftClose, t.null]),
  /** Only bidders the seller approves may bid or buy. */
  approvedBiddersOnly: t.boolean,
  format: AuctionFormat,
  /** Required for a Dutch auction, refused for any other. */
  clock: t.union([DutchClock, t.null]),
  now: UtcTimestamp,
}), t.partial({
  /** The timed sale this auction is a lot of (absent or null: none); only a sale creates lots. */
  lot: t.union([AuctionLot, t.null]),
})], 'CreateAuction');

export const PlaceBid = t.type({
  type: t.literal('PlaceBid'),
  auctionId: AuctionId,
  bidId: BidId,
  bidderId: UserId,
  maxAmount: MinorUnits,
  now: UtcTimestamp,
}, 'PlaceBid');

export const BuyNow = t.type({
  type: t.literal('BuyNow'),
  auctionId: AuctionId,
  buyerId: UserId,
  now: UtcTimestamp,
}, 'BuyNow');

export const CancelAuction = t.type({
  type: t.literal('CancelAuction'),
  auctionId: AuctionId,
  userId: UserId,
  byAdmin: t.boolean,
  reason: t.union([Reason, t.null]),
  now: UtcTimestamp,
}, 'CancelAuction');

export const CloseAuction = t.intersection([t.type({
  type: t.literal('CloseAuction'),
  auctionId: AuctionId,
  now: UtcTimestamp,
}), t.partial({
  /**
   * A lot of a hold-back sale: whether the previous lot has ended, as the command handler read it
   * from the log (stamped like `now`; absent counts as not ended).
   */
  previousLotEnded: t.boolean,
})], 'CloseAuction');

export const AuctionCommand = t.union(
  [CreateAuction, PlaceBid, BuyNow, CancelAuction, CloseAuction, RetractBid, ApproveBidder, RevokeBidderApproval,
    ReportNonPayment, OfferSecondChance, AcceptSecondChance, DeclineSecondChance],
  'AuctionCommand',
);
export type AuctionCommand = t.TypeOf<typeof AuctionCommand>;
export type CommandOf<K extends AuctionCommand['type']> = Extract<AuctionCommand, { type: K }>;

/** A command as a client asks for it: everything but `now`, which only the server's clock gives. */
export type UnstampedCommand = AuctionCommand extends infer C ? (C extends AuctionCommand ? Omit<C, 'now'> : never) : never;

/** The command as decided: stamped with the server's time (pure). */
export const stamp = (command: UnstampedCommand, now: UtcTimestamp): AuctionCommand => ({ ...command, now });
