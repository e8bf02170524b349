// `npm run demo`: a worked proxy-bidding auction, decided and folded by the pure domain, printed
// step by step. No services, no server: the rules of DESIGN.md section 7 on their own.
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionCommand, AuctionEvent, MinorUnits, UtcTimestamp } from '../domain/index.js';
import { decide, fold, fromMillis, toMillis } from '../domain/index.js';

const start = toMillis('2026-03-01T10:00:00.000Z' as UtcTimestamp);
const at = (seconds: number): UtcTimestamp => fromMillis(start + seconds * 1000);
const usd = (cents: number) => `$${(cents / 100).toFixed(2)}`;
const cents = (n: number) => n as MinorUnits;

const script: AuctionCommand[] = [
  {
    type: 'CreateAuction', auctionId: 'demo', sellerId: 'sam', title: 'A 1960s Omega Seamaster', description: '',
    currency: 'USD', startingPrice: cents(1000), reservePrice: cents(5000), buyNowPrice: cents(12000), startsAt: null,
    endsAt: at(3600), softClose: { windowSeconds: 120, extensionSeconds: 120 }, approvedBiddersOnly: false, format: 'english', clock: null, now: at(0),
  },
  { type: 'PlaceBid', auctionId: 'demo', bidId: 'b1', bidderId: 'alice', maxAmount: cents(2000), now: at(60) },
  { type: 'PlaceBid', auctionId: 'demo', bidId: 'b2', bidderId: 'bob', maxAmount: cents(1500), now: at(120) },
  { type: 'PlaceBid', auctionId: 'demo', bidId: 'b3', bidderId: 'bob', maxAmount: cents(1990), now: at(180) },
  { type: 'PlaceBid', auctionId: 'demo', bidId: 'b4', bidderId: 'carol', maxAmount: cents(6000), now: at(240) },
  { type: 'BuyNow', auctionId: 'demo', buyerId: 'dave', now: at(300) },
  { type: 'PlaceBid', auctionId: 'demo', bidId: 'b5', bidderId: 'alice', maxAmount: cents(7500), now: at(3540) },
  { type: 'CloseAuction', auctionId: 'demo', now: at(3600) },
  { type: 'CloseAuction', auctionId: 'demo', now: at(3660) },
];

const describeCommand = (c: AuctionCommand): string => {
  switch (c.type) {
    case 'CreateAuction': return `${c.sellerId} lists "${c.title}" from ${usd(c.startingPrice)} (hidden reserve, buy-now ${usd(c.buyNowPrice ?? 0)})`;
    case 'PlaceBid': return `${c.bidderId} bids up to ${usd(c.maxAmount)}`;
    case 'BuyNow': return `${c.buyerId} tries buy-now`;
    case 'CancelAuction': return `${c.userId} cancels`;
    case 'CloseAuction': return 'the scheduler closes the auction';
    case 'RetractBid': return `${c.bidderId} retracts ${c.bidId ?? 'its bids'} (${c.reason})`;
    case 'ApproveBidder': return `${c.sellerId} approves ${c.bidderId}`;
    case 'RevokeBidderApproval': return `${c.sellerId} revokes ${c.bidderId}'s approval`;
    case 'ReportNonPayment': return `${c.sellerId} reports that the winner did not pay`;
    case 'OfferSecondChance': return `${c.sellerId} offers ${c.bidderId} a second chance for ${c.expiresInSeconds} s`;
    case 'AcceptSecondChance': return `${c.bidderId} accepts its second-chance offer`;
    case 'DeclineSecondChance': return `${c.bidderId} declines its second-chance offer`;
  }
};

const describeEvent = (e: AuctionEvent): string => {
  switch (e.type) {
    case 'AuctionCreated': return `open until ${e.data.endsAt}`;
    case 'BidPlaced': return `${e.data.outcome}: ${e.data.leaderId} leads at ${usd(e.data.currentPrice)}, ${e.data.bidCount} bids` +
      `${e.data.reserveMet ? ', reserve met' : ''}${e.data.extended ? `, soft close: now ends ${e.data.endsAt}` : ''}`;
    case 'AuctionBoughtNow': return `sold to ${e.data.buyerId} for ${usd(e.data.price)}`;
    case 'AuctionCancelled': return 'cancelled';
    case 'AuctionClosed': return e.data.result === 'sold' ? `sold to ${e.data.winnerId} for ${usd(e.data.finalPrice ?? 0)}` : 'closed unsold';
    case 'BidRetracted': return `${e.data.bidderId} retracted ${e.data.retractedBidIds.length} bid(s): ${e.data.leaderId ?? 'nobody'} leads at ${usd(e.data.currentPrice)}, ${e.data.bidCount} bids`;
    case 'BidderApproved': return `${e.data.bidderId} approved`;
    case 'BidderApprovalRevoked': return `${e.data.bidderId} no longer approved`;
    case 'WinnerNonPaymentReported': return `${e.data.winnerId} did not pay: the sale fell through`;
    case 'SecondChanceOffered': return `second chance offered to ${e.data.bidderId} at ${usd(e.data.price)} until ${e.data.expiresAt}`;
    case 'SecondChanceAccepted': return `sold to ${e.data.bidderId} for ${usd(e.data.price)} by second-chance offer`;
    case 'SecondChanceDeclined': return `${e.data.bidderId} declined its second-chance offer`;
    case 'SealedBidPlaced': return `${e.data.bidderId} sealed ${usd(e.data.amount)}, ${e.data.bidCount} bids`;
  }
};

let events: AuctionEvent[] = [];
for (const command of script) {
  const minute = ((toMillis(command.now) - start) / 60_000).toFixed(0).padStart(2, ' ');
  const result = decide(command, fold(events));
  const outcome = E.isLeft(result)
    ? `refused ${result.left.code}: ${result.left.message}`
    : result.right.length === 0 ? 'already done (idempotent)' : result.right.map(describeEvent).join('; ');
  console.log(`min ${minute}  ${describeCommand(command).padEnd(62)} -> ${outcome}`);
  if (E.isRight(result)) events = [...events, ...result.right];
}
