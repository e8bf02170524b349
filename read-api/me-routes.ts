// A signed-in user's own lists (DESIGN.md section 5): the auctions it bid on, with its maximum and
// whether it leads (GET /v1/me/bids, latest bid first); what it won (GET /v1/me/won, latest end
// first); what it watches (GET /v1/me/watchlist, latest added first). Each item is the listing's
// summary with the caller's own fields; pages follow `nextCursor`.
import type { Router } from 'express';
import { decodeRequest, requireUser } from '../infra/index.js';
import { listMine, toSummary } from './auction-queries.js';
import type { ReadContext } from './context.js';
import { foreignCursor, publicCaching } from './context.js';
import { DEFAULT_PAGE, MyList, MyListQuery, myListCursor } from './params.js';
import type { AuctionList } from './responses.js';

export const mountMeRoutes = (router: Router, ctx: ReadContext): void => {
  const mount = (list: MyList): void => {
    router.get(`/v1/me/${list}`, async (req, res) => {
      const caller = requireUser(res);
      const { query } = decodeRequest(req, { query: MyListQuery });
      const limit = query.limit ?? DEFAULT_PAGE;
      if (query.cursor !== undefined && query.cursor.l !== list) throw foreignCursor(`belongs to /v1/me/${query.cursor.l}`);
      const rows = await listMine(ctx.sql, list, caller.userId, query.cursor, limit);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const now = ctx.clock();
      const body: AuctionList = {
        items: page.map((row) => toSummary(row, now, caller, ctx.pseudonym)),
        nextCursor: rows.length > limit && last !== undefined ? myListCursor.encode({ l: list, k: last.sort_key, i: last.auction_id }) : null,
      };
      publicCaching(res, caller);
      res.json(body);
    });
  };
  for (const list of Object.keys(MyList.keys) as MyList[]) mount(list);
};
