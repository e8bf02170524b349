// Public reads (DESIGN.md section 5): one auction, the listing, the bid history. Anyone may call
// them; a bearer token adds the caller's own fields. Answers show pseudonyms only.
import type { Router } from 'express';
import { currentUser, decodeRequest } from '../infra/index.js';
import { findAuction, listAuctions, toSummary, toView } from './auction-queries.js';
import { publicBidPage } from './bid-queries.js';
import type { ReadContext } from './context.js';
import { auctionExists } from './auction-queries.js';
import { awaitMinVersion, foreignCursor, publicCaching } from './context.js';
import { auctionNotFound } from './min-version.js';
import { AuctionParams, AuctionQuery, BidsQuery, DEFAULT_PAGE, ListingQuery, bidsCursor, listingCursor } from './params.js';
import type { AuctionList, AuctionView, PublicBidPage } from './responses.js';

export const mountPublicRoutes = (router: Router, ctx: ReadContext): void => {
  const { sql, pseudonym } = ctx;

  router.get('/v1/auctions', async (req, res) => {
    const { query } = decodeRequest(req, { query: ListingQuery });
    const caller = currentUser(res);
    const status = query.status ?? 'open';
    const sort = query.sort ?? 'ending-soon';
    const sellerId = query.sellerId;
    const search = query.q;
    const limit = query.limit ?? DEFAULT_PAGE;
    const after = query.cursor;
    if (after !== undefined && (after.st !== status || after.so !== sort || after.se !== (sellerId ?? null) || after.q !== search)) {
      throw foreignCursor('belongs to another listing: repeat the status, sort, sellerId and q of the page it came from');
    }
    const now = ctx.clock();
    const rows = await listAuctions(sql, { status, sort, sellerId, search, after, limit, userId: caller?.userId, now });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const body: AuctionList = {
      items: page.map((row) => toSummary(row, now, caller, pseudonym)),
      nextCursor: rows.length > limit && last !== undefined
        ? listingCursor.encode({ st: status, so: sort, se: sellerId ?? null, k: last.sort_key, i: last.auction_id, ...(search !== undefined ? { q: search } : {}) })
        : null,
    };
    publicCaching(res, caller);
    res.json(body);
  });

  router.get('/v1/auctions/:id', async (req, res) => {
    const { params, query } = decodeRequest(req, { params: AuctionParams, query: AuctionQuery });
    await awaitMinVersion(ctx, res, params.id, query.minVersion);
    const caller = currentUser(res);
    const row = await findAuction(sql, params.id, caller?.userId);
    if (row === undefined) throw auctionNotFound(params.id);
    const body: AuctionView = toView(row, ctx.clock(), caller, pseudonym);
    publicCaching(res, caller);
    res.json(body);
  });

  router.get('/v1/auctions/:id/bids', async (req, res) => {
    const { params, query } = decodeRequest(req, { params: AuctionParams, query: BidsQuery });
    const order = query.order ?? 'newest';
    const limit = query.limit ?? DEFAULT_PAGE;
    if (query.cursor !== undefined && query.cursor.o !== order) {
      throw foreignCursor(`belongs to order=${query.cursor.o}: repeat the order of the page it came from`);
    }
    await awaitMinVersion(ctx, res, params.id, query.minVersion);
    if (!(await auctionExists(sql, params.id))) throw auctionNotFound(params.id);
    const caller = currentUser(res);
    const { items, more } = await publicBidPage(sql, params.id, { order, afterVersion: query.cursor?.v, limit, userId: caller?.userId });
    const last = items[items.length - 1];
    const body: PublicBidPage = {
      auctionId: params.id,
      order,
      items,
      nextCursor: more && last !== undefined ? bidsCursor.encode({ o: order, v: last.version }) : null,
      ...(caller !== undefined ? { yourPseudonym: pseudonym(params.id, caller.userId) } : {}),
    };
    publicCaching(res, caller);
    res.json(body);
  });
};
