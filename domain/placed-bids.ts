// The bids that stand in an auction (placed and not retracted), newest first, as an immutable
// list that a bid extends in constant time (a hot auction folds thousands of bids). Who leads and
// whose maximum comes second follow from this list alone (`standingOf`): the rule a retraction
// recomputes the contest with, and the one every other bid's outcome agrees with (the properties
// in test/unit/domain/retraction.property.spec.ts check it). Pure.
import type { MinorUnits } from './money.js';
import type { UtcTimestamp } from './time.js';
import type { Leader } from './state.js';

export interface PlacedBid {
  readonly bidId: string;
  readonly bidderId: string;
  /** Private: the bidder's maximum with this bid. */
  readonly maxAmount: MinorUnits;
  readonly placedAt: UtcTimestamp;
}

/** The standing bids, newest first (null: none). */
export interface PlacedBids {
  readonly bid: PlacedBid;
  readonly earlier: PlacedBids | null;
}

export const withBid = (bids: PlacedBids | null, bid: PlacedBid): PlacedBids => ({ bid, earlier: bids });

/** The standing bids, oldest first. */
export const bidsInOrder = (bids: PlacedBids | null): PlacedBid[] => {
  const found: PlacedBid[] = [];
  for (let node = bids; node !== null; node = node.earlier) found.push(node.bid);
  return found.reverse();
};

/** The list without the bids named (the rest in the same order). */
export const withoutBids = (bids: PlacedBids | null, bidIds: ReadonlySet<string>): PlacedBids | null =>
  bidsInOrder(bids).filter((b) => !bidIds.has(b.bidId)).reduce<PlacedBids | null>(withBid, null);

/** One bidder's standing bids, newest first. */
export const bidsOf = (bids: PlacedBids | null, bidderId: string): PlacedBid[] => {
  const found: PlacedBid[] = [];
  for (let node = bids; node !== null; node = node.earlier) if (node.bid.bidderId === bidderId) found.push(node.bid);
  return found;
};

/** The highest maximum among `bids` (null when empty). */
export const highestMax = (bids: readonly PlacedBid[]): MinorUnits | null =>
  bids.reduce<MinorUnits | null>((max, b) => (max === null || b.maxAmount > max ? b.maxAmount : max), null);

export interface Standing {
  readonly leader: Leader | null;
  /** The highest maximum of any bidder other than the leader (null with fewer than two bidders). */
  readonly runnerUpMax: MinorUnits | null;
}

/**
 * Who leads among the standing bids: each bidder stands with its highest maximum; the highest
 * leads, and of equal maximums the one reached first (DESIGN.md section 7).
 */
export const standingOf = (bids: PlacedBids | null): Standing => {
  // Each bidder's highest maximum, with the place (in acceptance order) of the bid that reached it.
  const best = new Map<string, { readonly bid: PlacedBid; readonly place: number }>();
  bidsInOrder(bids).forEach((bid, place) => {
    const held = best.get(bid.bidderId);
    if (held === undefined || bid.maxAmount > held.bid.maxAmount) best.set(bid.bidderId, { bid, place });
  });
  const [first, second] = [...best.values()].sort((x, y) => y.bid.maxAmount - x.bid.maxAmount || x.place - y.place);
  return {
    leader: first === undefined ? null : { bidderId: first.bid.bidderId, maxAmount: first.bid.maxAmount },
    runnerUpMax: second?.bid.maxAmount ?? null,
  };
};
