// The seller's view of its auction's bidders (GET /v1/auctions/:id/bidders): each bidder by its
// pseudonym in this auction (never its real id, DESIGN.md section 5), with its bids here, whether
// it leads, its retractions here, and its retractions on every auction (eBay shows sellers a
// bidder's retraction count; a count names no other auction). Read from `bidder_activity`.
import type { Router } from 'express';
import * as t from 'io-ts';
import { ApiError, decodeRequest, requireRole, requireUser } from '../infra/index.js';
import type { ReadContext } from './context.js';
import { awaitMinVersion } from './context.js';
import { auctionNotFound } from './min-version.js';
import { AuctionParams, AuctionQuery } from './params.js';
import type { BidderList } from './responses.js';
import { decodeRow } from './rows.js';

const SellerRow = t.type({ seller_id: t.string });
const BidderRow = t.type({ bidder_id: t.string, bid_count: t.number, is_leading: t.boolean, retraction_count: t.number, total_retractions: t.number });

const BIDDERS_SQL = `
SELECT ba.bidder_id, ba.bid_count, ba.is_leading, ba.retraction_count,
       (SELECT coalesce(sum(o.retraction_count), 0)::integer FROM bidder_activity o WHERE o.bidder_id = ba.bidder_id) AS total_retractions
FROM bidder_activity ba WHERE ba.auction_id = $1
ORDER BY ba.first_bid_at, ba.bidder_id`;

export const mountBidderRoutes = (router: Router, ctx: ReadContext): void => {
  router.get('/v1/auctions/:id/bidders', requireRole('seller'), async (req, res) => {
    const { params, query } = decodeRequest(req, { params: AuctionParams, query: AuctionQuery });
    const caller = requireUser(res);
    await awaitMinVersion(ctx, res, params.id, query.minVersion);
    const { rows: sellers } = await ctx.sql.query('SELECT seller_id FROM auction_view WHERE auction_id = $1', [params.id], { prepare: true });
    if (sellers[0] === undefined) throw auctionNotFound(params.id);
    if (decodeRow(SellerRow, sellers[0], 'auction_view').seller_id !== caller.userId) {
      throw new ApiError(403, 'FORBIDDEN', 'only the seller of this auction may list its bidders');
    }
    const { rows } = await ctx.sql.query(BIDDERS_SQL, [params.id], { prepare: true });
    const body: BidderList = {
      auctionId: params.id,
      items: rows.map((raw) => {
        const r = decodeRow(BidderRow, raw, 'bidder_activity');
        return { bidder: ctx.pseudonym(params.id, r.bidder_id), bidCount: r.bid_count, leading: r.is_leading, retractions: r.retraction_count, totalRetractions: r.total_retractions };
      }),
    };
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(body);
  });
};
