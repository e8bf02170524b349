// The 201 a sealed bid gets: its id, the caller's pseudonym, the end and the stream version; no
// leader and no price (`leading` and `currentPrice` null), since nothing of the contest is known
// to anyone until the close.
import type { AuctionState, EventOf } from '../../domain/index.js';

export interface SealedBidAnswer {
  readonly bidId: string;
  readonly leading: null;
  readonly currentPrice: null;
  readonly bidderPseudonym: string;
  readonly endsAt: string;
  readonly version: number;
}

export const sealedBidAnswer = (placed: EventOf<'SealedBidPlaced'>, bidderPseudonym: string, state: AuctionState, version: number): SealedBidAnswer => ({
  bidId: placed.data.bidId,
  leading: null,
  currentPrice: null,
  bidderPseudonym,
  endsAt: state.kind === 'auction' ? state.endsAt : placed.data.placedAt,
  version,
});
