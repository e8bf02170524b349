// A lot: an auction that belongs to a timed sale (README "Timed sales"). Carried by the lot's
// AuctionCreated (schema version 4; null for an auction sold on its own).
import * as t from 'io-ts';
import { AuctionId, Integer } from '../ids.js';

export const AuctionLot = t.type({
  saleId: AuctionId,
  /** 1 for the sale's first lot, then 2, 3, ... in closing order. */
  lotNumber: Integer,
  /** The lot before this one in the sale (null for lot 1). */
  previousLotId: t.union([AuctionId, t.null]),
  /** The lot after this one (null for the last): the scheduler tries it as soon as this one closes. */
  nextLotId: t.union([AuctionId, t.null]),
  /** This lot never closes before the previous lot has ended (the sale's hold-back). */
  holdBack: t.boolean,
}, 'AuctionLot');
export type AuctionLot = t.TypeOf<typeof AuctionLot>;

/** Whether closing this lot must wait for the previous lot to end. */
export const waitsForPreviousLot = (lot: AuctionLot | null): lot is AuctionLot & { previousLotId: string } =>
  lot !== null && lot.holdBack && lot.previousLotId !== null;
