// The command API (DESIGN.md section 5): create, bid, buy-now, cancel. Each route validates its
// input, builds a domain command from the body and the authenticated caller, and hands it to the
// command handler; a rejection becomes the error model's 4xx, an acceptance the 201/200 answer.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Request, Response } from 'express';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { Rejection, UnstampedCommand, UtcTimestamp } from '../../domain/index.js';
import { AuctionId, fromMillis } from '../../domain/index.js';
import type { Pseudonymiser, RequestCodecs } from '../../infra/index.js';
import { ApiError, RequestId, decodeRequest, requireRole, requireUser } from '../../infra/index.js';
import type { Accepted, CommandContext, CommandHandler, LoadedAuction } from '../handler/index.js';
import { commandIdFor, uuidFrom } from '../handler/index.js';
import { IDEMPOTENCY_HEADER, type IdempotencyStore } from './idempotency-store.js';
import { idempotency, idempotencyKeyOf, type IdempotencyOptions } from './idempotency.js';
import { CancelBody, CreateAuctionBody, EmptyBody, PlaceBidBody } from './bodies.js';
import { auctionRuleRoutes } from './auction-rule-routes.js';
import { secondChanceRoutes } from './second-chance-routes.js';
import { sealedBidAnswer } from './sealed-bid-answer.js';

export interface CommandRoutesDeps {
  readonly handler: CommandHandler;
  /** The auction as the write side knows it (from the event log), for the seller's list of approved bidders. */
  readonly loadAuction?: (auctionId: string) => Promise<LoadedAuction>;
  readonly pseudonym: Pseudonymiser;
  readonly idempotencyStore: IdempotencyStore;
  /** The keys' claim lease and wait (defaults in idempotency.ts). */
  readonly idempotency?: Pick<IdempotencyOptions, 'leaseMs' | 'waitMs' | 'now'>;
  /** How long a second-chance offer stays open when the seller names no time (default 72 hours). */
  readonly secondChanceOfferSeconds?: number;
  /** The server's clock, for an offer's status (default the system clock). */
  readonly clock?: () => Date;
}

const AuctionParams = t.type({ id: AuctionId });

/** The command routes' paths, as Express matches them (case-insensitive, an optional trailing slash). */
const commandPath = /^\/v1\/auctions(?:\/[^/]+\/(?:bids|buy-now|cancel|retractions|non-payment|second-chance-offers(?:\/accept|\/decline)?))?\/?$/i;

/**
 * Whether a request goes to a command route with an Idempotency-Key, whose claim can count the
 * request's rate-limit point in the same round trip (the rate limiter's `countWithClaim`).
 */
export const claimsIdempotencyKey = (req: Request): boolean =>
  req.method === 'POST' && req.get(IDEMPOTENCY_HEADER) !== undefined && commandPath.test(req.path);

/** Each command route's request codecs. */
const createRequest = { body: CreateAuctionBody };
const bidRequest = { body: PlaceBidBody, params: AuctionParams };
const buyNowRequest = { body: EmptyBody, params: AuctionParams };
const cancelRequest = { body: CancelBody, params: AuctionParams };

const statusOf: Partial<Record<Rejection['code'], number>> = {
  INVALID_REQUEST: 400,
  NOT_AUCTION_SELLER: 403,
  ACCOUNT_SUSPENDED: 403,
  AUCTION_NOT_FOUND: 404,
  BID_NOT_FOUND: 404,
  BIDDER_NOT_FOUND: 404,
  OFFER_NOT_FOUND: 404,
};

/** A refusal by the domain, as the error model's answer (409 for a rule that refuses the command). */
export const rejectionToApiError = (r: Rejection): ApiError => {
  const status = statusOf[r.code] ?? 409;
  const details =
    r.fields !== undefined ? { fields: r.fields.map((f) => ({ path: f.path.startsWith('events[') ? f.path : `body.${f.path}`, message: f.message })) }
    : r.minimumAmount !== undefined ? { minimumAmount: r.minimumAmount }
    : undefined;
  return new ApiError(status, r.code === 'NOT_AUCTION_SELLER' ? 'FORBIDDEN' : r.code, r.message, details);
};

const utc = (iso: string): UtcTimestamp => fromMillis(Date.parse(iso));

/** The client's request id, if it sent one: it becomes the events' correlation id, so it must be a sane id (else 400). */
const CorrelationHeaders = t.partial({ 'X-Request-Id': RequestId });

const contextOf = (req: Request, res: Response): CommandContext => {
  const user = requireUser(res);
  const idempotencyKey = idempotencyKeyOf(res) ?? null;
  const { headers } = decodeRequest(req, { headers: CorrelationHeaders });
  return {
    commandId: commandIdFor(user.userId, idempotencyKey),
    userId: user.userId,
    idempotencyKey,
    correlationId: headers['X-Request-Id'] ?? randomUUID(),
  };
};

/**
 * The accepted command, or its refusal thrown as the API's error. A command the log already held
 * (a retry of an attempt whose answer was never stored: its process died, or its claim lapsed) is
 * answered from the events that attempt wrote, so with the same status and fields, marked
 * `Idempotent-Replayed: true`.
 */
export const accepted = (result: E.Either<Rejection, Accepted>, res: Response): Accepted => {
  if (E.isLeft(result)) throw rejectionToApiError(result.left);
  if (result.right.replayed) res.setHeader('Idempotent-Replayed', 'true');
  return result.right;
};

export const commandRoutes = (deps: CommandRoutesDeps): Router => {
  const { handler, pseudonym } = deps;
  const router = Router();
  // Each route's codecs serve twice: the idempotency middleware decodes with them before it claims
  // a key, the handler to get its typed input.
  const keyed = (required: boolean, request: RequestCodecs<unknown, unknown, unknown, unknown>) =>
    idempotency({ ...deps.idempotency, store: deps.idempotencyStore, required, request });
  const run = (command: UnstampedCommand, context: CommandContext, res: Response) => handler.handle(command, context).then((result) => accepted(result, res));

  router.post('/v1/auctions', requireRole('seller'), keyed(false, createRequest), async (req, res) => {
    const { body } = decodeRequest(req, createRequest);
    const context = contextOf(req, res);
    // With a key, a retried create names the same auction; the log refuses to create it twice.
    const auctionId = context.idempotencyKey === null ? randomUUID() : uuidFrom('auction', context.commandId);
    const result = await run(
      {
        type: 'CreateAuction',
        auctionId,
        sellerId: context.userId,
        title: body.title,
        description: body.description ?? '',
        currency: body.currency,
        startingPrice: body.startingPrice,
        reservePrice: body.reservePrice ?? null,
        buyNowPrice: body.buyNowPrice ?? null,
        startsAt: body.startsAt == null ? null : utc(body.startsAt),
        endsAt: body.endsAt === undefined ? null : utc(body.endsAt),
        softClose: body.softClose ?? null,
        approvedBiddersOnly: body.approvedBiddersOnly ?? false,
        format: body.format ?? 'english',
        clock: body.clock ?? null,
      },
      context,
      res,
    );
    res.status(201).location(`/v1/auctions/${auctionId}`).json({ auctionId, version: result.version });
  });

  router.post('/v1/auctions/:id/bids', requireRole('bidder'), keyed(true, bidRequest), async (req, res) => {
    const { body, params } = decodeRequest(req, bidRequest);
    const context = contextOf(req, res);
    const result = await run(
      { type: 'PlaceBid', auctionId: params.id, bidId: uuidFrom('bid', context.commandId), bidderId: context.userId, maxAmount: body.maxAmount },
      context,
      res,
    );
    const sealed = result.events.find((e) => e.type === 'SealedBidPlaced');
    if (sealed?.type === 'SealedBidPlaced') {
      // A sealed bid: nobody leads and no price moves while the auction is open.
      res.status(201).json(sealedBidAnswer(sealed, pseudonym(params.id, context.userId), result.state, result.version));
      return;
    }
    const placed = result.events.find((e) => e.type === 'BidPlaced');
    if (placed?.type !== 'BidPlaced') throw new Error(`bid on ${params.id} accepted without a BidPlaced event`);
    res.status(201).json({
      bidId: placed.data.bidId,
      leading: placed.data.outcome !== 'outbid',
      currentPrice: placed.data.currentPrice,
      bidderPseudonym: pseudonym(params.id, context.userId),
      endsAt: placed.data.endsAt,
      version: result.version,
    });
  });

  router.post('/v1/auctions/:id/buy-now', requireRole('bidder'), keyed(false, buyNowRequest), async (req, res) => {
    const { params } = decodeRequest(req, buyNowRequest);
    const context = contextOf(req, res);
    const result = await run({ type: 'BuyNow', auctionId: params.id, buyerId: context.userId }, context, res);
    const price = result.state.kind === 'auction' && result.state.phase.kind === 'sold' ? result.state.phase.price : null;
    res.status(200).json({ auctionId: params.id, status: 'sold', price, buyerPseudonym: pseudonym(params.id, context.userId), version: result.version });
  });

  router.post('/v1/auctions/:id/cancel', requireRole('seller', 'admin'), keyed(false, cancelRequest), async (req, res) => {
    const { body, params } = decodeRequest(req, cancelRequest);
    const context = contextOf(req, res);
    const byAdmin = requireUser(res).roles.includes('admin');
    const result = await run({ type: 'CancelAuction', auctionId: params.id, userId: context.userId, byAdmin, reason: body.reason ?? null }, context, res);
    res.status(200).json({ auctionId: params.id, status: 'cancelled', version: result.version });
  });

  auctionRuleRoutes(router, { ...deps, keyed, run, contextOf });
  secondChanceRoutes(router, {
    pseudonym, loadAuction: deps.loadAuction, keyed, run, contextOf,
    defaultOfferSeconds: deps.secondChanceOfferSeconds ?? 72 * 3_600,
    clock: deps.clock ?? (() => new Date()),
  });

  return router;
};
