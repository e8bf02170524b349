// The command routes of second-chance offers (domain/decide-second-chance.ts; README "Second-chance
// offers"): the seller reports that the winner did not pay and offers the item to a bidder named by
// its pseudonym in the auction; the offered bidder accepts or declines; the seller lists every
// offer, a bidder its own (read back from the event log, as the approved bidders are).
import type { Request, Response, Router } from 'express';
import * as t from 'io-ts';
import type { Auction, UnstampedCommand } from '../../domain/index.js';
import { AuctionId, bidsInOrder, offerStatus } from '../../domain/index.js';
import type { Pseudonymiser, RequestCodecs } from '../../infra/index.js';
import { ApiError, decodeRequest, requireRole, requireUser } from '../../infra/index.js';
import type { Accepted, CommandContext, LoadedAuction } from '../handler/index.js';
import { EmptyBody, SecondChanceOfferBody } from './bodies.js';

export interface SecondChanceRoutesDeps {
  readonly pseudonym: Pseudonymiser;
  readonly loadAuction?: ((auctionId: string) => Promise<LoadedAuction>) | undefined;
  readonly keyed: (required: boolean, request: RequestCodecs<unknown, unknown, unknown, unknown>) => (req: Request, res: Response, next: (err?: unknown) => void) => void;
  readonly run: (command: UnstampedCommand, context: CommandContext, res: Response) => Promise<Accepted>;
  readonly contextOf: (req: Request, res: Response) => CommandContext;
  /** How long an offer stays open when the seller names no time (SECOND_CHANCE_OFFER_SECONDS). */
  readonly defaultOfferSeconds: number;
  /** The server's clock (an offer's status: open or expired). */
  readonly clock: () => Date;
}

const AuctionParams = t.type({ id: AuctionId });
const emptyRequest = { body: EmptyBody, params: AuctionParams };
const offerRequest = { body: SecondChanceOfferBody, params: AuctionParams };
const listRequest = { params: AuctionParams };

/** One offer as GET /v1/auctions/:id/second-chance-offers shows it. */
export interface SecondChanceOfferView {
  readonly bidder: string;
  readonly price: number;
  readonly offeredAt: string;
  readonly expiresAt: string;
  readonly status: 'open' | 'expired' | 'accepted' | 'declined' | 'lapsed';
}

export const secondChanceRoutes = (router: Router, deps: SecondChanceRoutesDeps): void => {
  const { pseudonym, keyed, run, contextOf } = deps;

  const loaded = async (auctionId: string): Promise<{ auction: Auction; version: number }> => {
    if (deps.loadAuction === undefined) throw new ApiError(404, 'NOT_FOUND', 'this process does not serve second-chance offers');
    const { state, version } = await deps.loadAuction(auctionId);
    if (state.kind === 'none') throw new ApiError(404, 'AUCTION_NOT_FOUND', `auction ${auctionId} does not exist`);
    return { auction: state, version };
  };

  router.post('/v1/auctions/:id/non-payment', requireRole('seller'), keyed(false, emptyRequest), async (req, res) => {
    const { params } = decodeRequest(req, emptyRequest);
    const context = contextOf(req, res);
    const result = await run({ type: 'ReportNonPayment', auctionId: params.id, sellerId: context.userId }, context, res);
    res.status(200).json({ auctionId: params.id, status: 'unsold', nonPaymentReported: true, version: result.version });
  });

  router.post('/v1/auctions/:id/second-chance-offers', requireRole('seller'), keyed(false, offerRequest), async (req, res) => {
    const { body, params } = decodeRequest(req, offerRequest);
    const context = contextOf(req, res);
    const { auction } = await loaded(params.id);
    if (auction.sellerId !== context.userId) throw new ApiError(403, 'FORBIDDEN', 'only the seller of this auction may make second-chance offers');
    // The seller knows its bidders by their pseudonyms in this auction (GET /v1/auctions/:id/bidders).
    const bidderId = [...new Set(bidsInOrder(auction.bids).map((b) => b.bidderId))].find((id) => pseudonym(params.id, id) === body.bidder);
    if (bidderId === undefined) throw new ApiError(404, 'BIDDER_NOT_FOUND', `no bidder with a standing bid on this auction goes by ${JSON.stringify(body.bidder.slice(0, 64))}`);
    const result = await run(
      { type: 'OfferSecondChance', auctionId: params.id, sellerId: context.userId, bidderId, expiresInSeconds: body.expiresInSeconds ?? deps.defaultOfferSeconds },
      context,
      res,
    );
    const offered = result.events.find((e) => e.type === 'SecondChanceOffered');
    if (offered?.type !== 'SecondChanceOffered') throw new Error(`second-chance offer on ${params.id} accepted without a SecondChanceOffered event`);
    const d = offered.data;
    res.status(201).json({ auctionId: params.id, bidder: body.bidder, price: d.price, offeredAt: d.offeredAt, expiresAt: d.expiresAt, status: 'open', version: result.version });
  });

  router.post('/v1/auctions/:id/second-chance-offers/accept', requireRole('bidder'), keyed(false, emptyRequest), async (req, res) => {
    const { params } = decodeRequest(req, emptyRequest);
    const context = contextOf(req, res);
    const result = await run({ type: 'AcceptSecondChance', auctionId: params.id, bidderId: context.userId }, context, res);
    const price = result.state.kind === 'auction' && result.state.phase.kind === 'sold' ? result.state.phase.price : null;
    res.status(200).json({ auctionId: params.id, status: 'sold', price, buyerPseudonym: pseudonym(params.id, context.userId), version: result.version });
  });

  router.post('/v1/auctions/:id/second-chance-offers/decline', requireRole('bidder'), keyed(false, emptyRequest), async (req, res) => {
    const { params } = decodeRequest(req, emptyRequest);
    const context = contextOf(req, res);
    const result = await run({ type: 'DeclineSecondChance', auctionId: params.id, bidderId: context.userId }, context, res);
    res.status(200).json({ auctionId: params.id, offer: 'declined', version: result.version });
  });

  router.get('/v1/auctions/:id/second-chance-offers', async (req, res) => {
    const { params } = decodeRequest(req, listRequest);
    const user = requireUser(res);
    const { auction, version } = await loaded(params.id);
    const isSeller = auction.sellerId === user.userId;
    const nowMs = deps.clock().getTime();
    // Newest first (the state keeps them in the order they were made).
    const items: SecondChanceOfferView[] = [...auction.secondChance.offers]
      .reverse()
      .filter((o) => isSeller || o.bidderId === user.userId)
      .map((o) => ({ bidder: pseudonym(params.id, o.bidderId), price: o.price, offeredAt: o.offeredAt, expiresAt: o.expiresAt, status: offerStatus(auction, o, nowMs) }));
    res.setHeader('Cache-Control', 'private, no-store');
    res.status(200).json({ auctionId: params.id, nonPaymentReported: auction.secondChance.nonPayingWinnerId !== null, items, version });
  });
};
