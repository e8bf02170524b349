// The command routes of two auction rules (DESIGN.md sections 5 and 7; README "Command API"):
// bid retraction (a bidder's, with an Idempotency-Key as bids), and approved bidders (the seller's
// list, kept as events of the auction's stream; read back for the seller from the event log).
import type { Request, Response, Router } from 'express';
import * as t from 'io-ts';
import type { UnstampedCommand } from '../../domain/index.js';
import { AuctionId, UserId } from '../../domain/index.js';
import type { Pseudonymiser, RequestCodecs } from '../../infra/index.js';
import { ApiError, decodeRequest, requireRole, requireUser } from '../../infra/index.js';
import type { Accepted, CommandContext, LoadedAuction } from '../handler/index.js';
import { EmptyBody, RetractBidBody } from './bodies.js';

export interface AuctionRuleRoutesDeps {
  readonly pseudonym: Pseudonymiser;
  readonly loadAuction?: (auctionId: string) => Promise<LoadedAuction>;
  readonly keyed: (required: boolean, request: RequestCodecs<unknown, unknown, unknown, unknown>) => (req: Request, res: Response, next: (err?: unknown) => void) => void;
  readonly run: (command: UnstampedCommand, context: CommandContext, res: Response) => Promise<Accepted>;
  readonly contextOf: (req: Request, res: Response) => CommandContext;
}

const AuctionParams = t.type({ id: AuctionId });
const BidderParams = t.type({ id: AuctionId, userId: UserId });
const retractRequest = { body: RetractBidBody, params: AuctionParams };
const approvalRequest = { body: EmptyBody, params: BidderParams };
const listRequest = { params: AuctionParams };

export const auctionRuleRoutes = (router: Router, deps: AuctionRuleRoutesDeps): void => {
  const { pseudonym, keyed, run, contextOf } = deps;

  router.post('/v1/auctions/:id/retractions', requireRole('bidder'), keyed(true, retractRequest), async (req, res) => {
    const { body, params } = decodeRequest(req, retractRequest);
    const context = contextOf(req, res);
    const result = await run({ type: 'RetractBid', auctionId: params.id, bidderId: context.userId, bidId: body.bidId ?? null, reason: body.reason }, context, res);
    const retracted = result.events.find((e) => e.type === 'BidRetracted');
    if (retracted?.type !== 'BidRetracted') throw new Error(`retraction on ${params.id} accepted without a BidRetracted event`);
    const d = retracted.data;
    res.status(201).json({
      auctionId: params.id,
      retractedBidIds: d.retractedBidIds,
      currentPrice: d.currentPrice,
      leader: d.leaderId === null ? null : pseudonym(params.id, d.leaderId),
      bidCount: d.bidCount,
      reserveMet: d.reserveMet,
      bidderPseudonym: pseudonym(params.id, context.userId),
      version: result.version,
    });
  });

  const approval = (approved: boolean) => async (req: Request, res: Response) => {
    const { params } = decodeRequest(req, approvalRequest);
    const context = contextOf(req, res);
    const command: UnstampedCommand = approved
      ? { type: 'ApproveBidder', auctionId: params.id, sellerId: context.userId, bidderId: params.userId }
      : { type: 'RevokeBidderApproval', auctionId: params.id, sellerId: context.userId, bidderId: params.userId };
    const result = await run(command, context, res);
    res.status(200).json({ auctionId: params.id, bidderId: params.userId, approved, version: result.version });
  };
  router.put('/v1/auctions/:id/approved-bidders/:userId', requireRole('seller'), keyed(false, approvalRequest), approval(true));
  router.delete('/v1/auctions/:id/approved-bidders/:userId', requireRole('seller'), keyed(false, approvalRequest), approval(false));

  router.get('/v1/auctions/:id/approved-bidders', requireRole('seller'), async (req, res) => {
    const { params } = decodeRequest(req, listRequest);
    const user = requireUser(res);
    if (deps.loadAuction === undefined) throw new ApiError(404, 'NOT_FOUND', 'this process does not serve the approved bidders');
    const { state, version } = await deps.loadAuction(params.id);
    if (state.kind === 'none') throw new ApiError(404, 'AUCTION_NOT_FOUND', `auction ${params.id} does not exist`);
    if (state.sellerId !== user.userId) throw new ApiError(403, 'FORBIDDEN', 'only the seller of this auction may list its approved bidders');
    res.status(200).json({
      auctionId: params.id,
      approvedBiddersOnly: state.approvedBiddersOnly,
      items: [...state.approvedBidders].sort(),
      version,
    });
  });
};
