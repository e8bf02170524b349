// The watchlist's writes: `PUT /v1/me/watchlist/:auctionId` puts an auction on the caller's list
// (201 when added, 200 when it was there), `DELETE` takes it off (204 either way). Any signed-in
// user may watch any auction the log holds; the list is read with `GET /v1/me/watchlist` (read API).
import { Router } from 'express';
import * as t from 'io-ts';
import { AuctionId } from '../../domain/index.js';
import { conflict, decodeRequest, notFound, requireUser } from '../../infra/index.js';
import { EmptyBody } from '../http/index.js';
import type { WatchlistStore } from './watchlist-store.js';

export interface WatchlistRoutesDeps {
  readonly store: WatchlistStore;
  /** Whether the event log holds the auction (the write side's own view, never a read model's). */
  readonly auctionExists: (auctionId: string) => Promise<boolean>;
  readonly clock?: () => Date;
}

const watchRequest = { params: t.type({ auctionId: AuctionId }), body: EmptyBody };

export const watchlistRoutes = (deps: WatchlistRoutesDeps): Router => {
  const clock = deps.clock ?? (() => new Date());
  const router = Router();

  router.put('/v1/me/watchlist/:auctionId', async (req, res) => {
    const user = requireUser(res);
    const { params } = decodeRequest(req, watchRequest);
    if (!(await deps.auctionExists(params.auctionId))) throw notFound(`auction ${params.auctionId} does not exist`, 'AUCTION_NOT_FOUND');
    const result = await deps.store.watch(user.userId, params.auctionId, clock());
    if (result.kind === 'full') {
      throw conflict('WATCHLIST_FULL', `a watchlist holds at most ${result.limit} auctions: remove one first`, { limit: result.limit });
    }
    res.status(result.added ? 201 : 200).json({ auctionId: params.auctionId, watching: true, addedAt: result.addedAt });
  });

  router.delete('/v1/me/watchlist/:auctionId', async (req, res) => {
    const user = requireUser(res);
    const { params } = decodeRequest(req, watchRequest);
    await deps.store.unwatch(user.userId, params.auctionId);
    res.status(204).end();
  });

  return router;
};
