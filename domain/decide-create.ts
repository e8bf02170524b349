// CreateAuction: the listing's own rules (times, prices, soft close) checked together.
import * as E from 'fp-ts/lib/Either.js';
import type { CommandOf } from './commands.js';
import type { EventOf } from './events.js';
import type { AuctionState } from './state.js';
import type { FieldProblem, Rejection } from './rejection.js';
import { reject } from './rejection.js';
import { fromMillis, toMillis } from './time.js';
import { dutchListingProblems } from './decide-dutch.js';
import { dutchEndsAtMs } from './dutch-clock.js';
import { sealedListingProblems } from './decide-sealed.js';

export const MAX_AUCTION_DAYS = 90;
/** How far in the past a given `startsAt` may lie (clients' clocks drift). */
export const START_TOLERANCE_MS = 60_000;
export const MAX_SOFT_CLOSE_SECONDS = 86_400;

const DAY_MS = 86_400_000;

/** When the auction ends: as the listing says, or for a Dutch auction as its clock decides (null: neither). */
const endOf = (c: CommandOf<'CreateAuction'>, startsAtMs: number): number | null =>
  c.format === 'dutch' ? (c.clock === null ? null : dutchEndsAtMs(startsAtMs, c.startingPrice, c.clock))
  : c.endsAt === null ? null : toMillis(c.endsAt);

const problems = (c: CommandOf<'CreateAuction'>, startsAtMs: number, nowMs: number): FieldProblem[] => {
  const found: FieldProblem[] = [];
  // One problem per field: the first found (a Dutch listing's own refusals come first).
  const problem = (path: string, message: string) => {
    if (!found.some((f) => f.path === path)) found.push({ path, message });
  };

  // A sale's lot has the times the sale was decided with (the sale checked them at its creation);
  // the lots are created after it, so the clock may have passed them meanwhile: such a lot ends at once.
  const decidedBySale = c.lot != null;
  if (!decidedBySale && c.startsAt !== null && startsAtMs < nowMs - START_TOLERANCE_MS) problem('startsAt', 'must not be in the past');
  if (startsAtMs > nowMs + MAX_AUCTION_DAYS * DAY_MS) problem('startsAt', `must be within ${MAX_AUCTION_DAYS} days`);
  if (c.format === 'dutch') found.push(...dutchListingProblems(c, startsAtMs, nowMs, MAX_AUCTION_DAYS));
  else if (c.endsAt === null) problem('endsAt', 'is required');
  else {
    const endsAtMs = toMillis(c.endsAt);
    if (endsAtMs <= startsAtMs) problem('endsAt', 'must be after startsAt');
    else if (!decidedBySale && endsAtMs <= nowMs) problem('endsAt', 'must be in the future');
    else if (endsAtMs - startsAtMs > MAX_AUCTION_DAYS * DAY_MS) problem('endsAt', `an auction lasts at most ${MAX_AUCTION_DAYS} days`);
  }

  if (c.reservePrice !== null && c.reservePrice < c.startingPrice) problem('reservePrice', 'must be at least the starting price');
  if (c.buyNowPrice !== null && c.buyNowPrice <= c.startingPrice) problem('buyNowPrice', 'must be above the starting price');
  if (c.buyNowPrice !== null && c.reservePrice !== null && c.buyNowPrice < c.reservePrice) problem('buyNowPrice', 'must be at least the reserve price');

  if (c.softClose !== null) {
    const { windowSeconds, extensionSeconds } = c.softClose;
    if (windowSeconds < 1 || windowSeconds > MAX_SOFT_CLOSE_SECONDS) problem('softClose.windowSeconds', `must be from 1 to ${MAX_SOFT_CLOSE_SECONDS}`);
    if (extensionSeconds < 1 || extensionSeconds > MAX_SOFT_CLOSE_SECONDS) problem('softClose.extensionSeconds', `must be from 1 to ${MAX_SOFT_CLOSE_SECONDS}`);
  }
  if (c.title.trim() === '') problem('title', 'must not be blank');
  if (c.format === 'dutch' && c.clock === null) problem('clock', 'a dutch auction needs its clock');
  if (c.format !== 'dutch' && c.clock !== null) problem('clock', 'only a dutch auction has a clock');
  found.push(...sealedListingProblems(c));
  return found;
};

export const decideCreate = (c: CommandOf<'CreateAuction'>, state: AuctionState): E.Either<Rejection, EventOf<'AuctionCreated'>[]> => {
  if (state.kind !== 'none') return E.left(reject('AUCTION_ALREADY_EXISTS', `auction ${c.auctionId} already exists`));
  const nowMs = toMillis(c.now);
  const startsAtMs = c.startsAt === null ? nowMs : toMillis(c.startsAt);
  const found = problems(c, startsAtMs, nowMs);
  const endsAtMs = endOf(c, startsAtMs);
  if (found.length > 0 || endsAtMs === null) {
    return E.left(reject('INVALID_REQUEST', found.map((p) => `${p.path} ${p.message}`).join('; '), { fields: found }));
  }
  return E.right([
    {
      type: 'AuctionCreated',
      data: {
        auctionId: c.auctionId,
        sellerId: c.sellerId,
        title: c.title.trim(),
        description: c.description,
        currency: c.currency,
        startingPrice: c.startingPrice,
        reservePrice: c.reservePrice,
        buyNowPrice: c.buyNowPrice,
        startsAt: fromMillis(startsAtMs),
        endsAt: fromMillis(endsAtMs),
        softClose: c.softClose,
        createdAt: c.now,
        approvedBiddersOnly: c.approvedBiddersOnly,
        format: c.format,
        clock: c.clock,
        lot: c.lot ?? null,
      },
    },
  ]);
};
