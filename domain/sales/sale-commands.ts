// CreateSale: what a seller asks for. The lots' auction ids come with the command (the server
// derives them from the command id, so a retried create names the same lots); `now` is the
// server's clock.
import * as t from 'io-ts';
import { Currency, MinorUnits } from '../money.js';
import { UtcTimestamp } from '../time.js';
import { AuctionId, Count, Description, Title, UserId } from '../ids.js';
import { SoftClose } from '../events.js';

export const SaleLotRequest = t.type({
  auctionId: AuctionId,
  title: Title,
  description: Description,
  startingPrice: MinorUnits,
  reservePrice: t.union([MinorUnits, t.null]),
  buyNowPrice: t.union([MinorUnits, t.null]),
}, 'SaleLotRequest');
export type SaleLotRequest = t.TypeOf<typeof SaleLotRequest>;

export const CreateSale = t.type({
  type: t.literal('CreateSale'),
  saleId: AuctionId,
  sellerId: UserId,
  title: Title,
  description: Description,
  currency: Currency,
  firstEndsAt: UtcTimestamp,
  staggerMs: Count,
  holdBack: t.boolean,
  softClose: t.union([SoftClose, t.null]),
  /** In lot order: the first is lot 1. */
  lots: t.array(SaleLotRequest),
  now: UtcTimestamp,
}, 'CreateSale');
export type CreateSale = t.TypeOf<typeof CreateSale>;
