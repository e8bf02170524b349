// GET /v1/sales/:id: a timed sale and its lots, each with its live public view (as
// GET /v1/auctions/:id shows it). The sale itself is one immutable event (SaleCreated, in the
// stream `sale-<id>`), read from the log; the lots' state is the read model's (auction_view rows
// with the sale's id, in lot order). A lot the read model has not projected yet shows `auction: null`.
import type { Router } from 'express';
import * as E from 'fp-ts/lib/Either.js';
import { decodeSaleEvent, saleStreamIdOf } from '../domain/index.js';
import { currentUser, decodeRequest, notFound } from '../infra/index.js';
import { findSaleLots, toView } from './auction-queries.js';
import type { ReadContext } from './context.js';
import { publicCaching } from './context.js';
import { AuctionParams } from './params.js';
import type { SaleView } from './sale-responses.js';

export const mountSaleRoutes = (router: Router, ctx: ReadContext): void => {
  router.get('/v1/sales/:id', async (req, res) => {
    const { params } = decodeRequest(req, { params: AuctionParams });
    const [first] = await ctx.log.readStream(saleStreamIdOf(params.id));
    if (first === undefined) throw notFound(`no sale ${params.id}`, 'SALE_NOT_FOUND');
    const decoded = decodeSaleEvent(first);
    if (E.isLeft(decoded)) throw new Error(`${first.streamId}@${first.streamVersion} cannot be read: ${decoded.left}`);
    const sale = decoded.right.data;
    const caller = currentUser(res);
    const now = ctx.clock();
    const rows = new Map((await findSaleLots(ctx.sql, sale.saleId, caller?.userId)).map((row) => [row.auction_id, row]));
    const body: SaleView = {
      saleId: sale.saleId,
      sellerId: sale.sellerId,
      title: sale.title,
      description: sale.description,
      currency: sale.currency,
      firstEndsAt: sale.firstEndsAt,
      staggerMs: sale.staggerMs,
      holdBack: sale.holdBack,
      softClose: sale.softClose,
      createdAt: sale.createdAt,
      lots: sale.lots.map((lot) => {
        const row = rows.get(lot.auctionId);
        return { lotNumber: lot.lotNumber, auctionId: lot.auctionId, title: lot.title, auction: row === undefined ? null : toView(row, now, caller, ctx.pseudonym) };
      }),
    };
    publicCaching(res, caller);
    res.json(body);
  });
};
