// Approved bidders (domain/decide-approval.ts): an auction created with approvedBiddersOnly.
import { given, created, bid, buyNow, approve, revoke, close, HOUR } from '../../support/decider.js';

describe('decide: approved bidders', () => {
  const approvalOnly = [created({ approvedBiddersOnly: true, buyNowPrice: 9000 })];

  it('refuses a bid from a bidder the seller has not approved: BIDDER_NOT_APPROVED', () => {
    given(approvalOnly).when(bid('alice', 2000)).thenRejects('BIDDER_NOT_APPROVED');
  });
  it('refuses a buy-now from a bidder the seller has not approved', () => {
    given(approvalOnly).when(buyNow('alice')).thenRejects('BIDDER_NOT_APPROVED');
  });
  it('takes the bid once the seller approved the bidder', () => {
    given(approvalOnly).after(approve('alice')).when(bid('alice', 2000)).thenEventLike('BidPlaced', { leaderId: 'alice' });
  });
  it('refuses again once the approval is revoked; the bids placed stand', () => {
    const history = given(approvalOnly).after(approve('alice'), bid('alice', 2000), revoke('alice', 'seller', 90));
    history.when(bid('alice', 3000, 120)).thenRejects('BIDDER_NOT_APPROVED');
    history.when(close(HOUR)).thenEventLike('AuctionClosed', { result: 'sold', winnerId: 'alice' });
  });
  it('the seller still gets SELLER_CANNOT_BID, and cannot approve itself', () => {
    given(approvalOnly).when(bid('seller', 2000)).thenRejects('SELLER_CANNOT_BID');
    given(approvalOnly).when(approve('seller')).thenRejects('SELLER_CANNOT_BID');
  });
  it('approving twice, or revoking a bidder never approved, changes nothing', () => {
    given(approvalOnly).after(approve('alice')).when(approve('alice')).then([]);
    given(approvalOnly).when(revoke('bob')).then([]);
  });
  it('only the seller may approve or revoke: NOT_AUCTION_SELLER', () => {
    given(approvalOnly).when(approve('alice', 'mallory')).thenRejects('NOT_AUCTION_SELLER');
    given(approvalOnly).when(revoke('alice', 'mallory')).thenRejects('NOT_AUCTION_SELLER');
  });
  it('an auction without approvedBiddersOnly takes every bidder and refuses approvals: APPROVAL_NOT_REQUIRED', () => {
    given([created()]).when(bid('alice', 2000)).thenEventLike('BidPlaced', { leaderId: 'alice' });
    given([created()]).when(approve('alice')).thenRejects('APPROVAL_NOT_REQUIRED');
  });
  it('no approvals once the auction ended: AUCTION_NOT_OPEN', () => {
    given(approvalOnly).after(close(HOUR)).when(approve('alice', 'seller', HOUR + 1)).thenRejects('AUCTION_NOT_OPEN');
  });
  it('an unknown auction: AUCTION_NOT_FOUND', () => given([]).when(approve('alice')).thenRejects('AUCTION_NOT_FOUND'));
});
