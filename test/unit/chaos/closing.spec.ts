// The chaos suite's closing check (the clock-skew fault): every auction that was to end has its
// AuctionClosed, no bid comes after it in the stream, every acknowledged bid precedes it and was
// sent before the end; bids stamped after their answer arrived are counted (a clock ahead).
import assert from 'node:assert/strict';
import { checkClosing } from '../../../scripts/chaos/checks/closing.js';
import type { StreamEntry } from '../../../scripts/chaos/checks/event-log.js';
import type { Answer, KeyRecord } from '../../../scripts/chaos/load/records.js';

const END = 10_000;
const ending = new Map([['a1', END]]);

const ok = (bidId: string, version: number): Answer => ({ kind: 'http', status: 201, code: undefined, body: { bidId, version, currentPrice: 1000, leading: true }, replayed: false });
const closedOut: Answer = { kind: 'http', status: 409, code: 'AUCTION_NOT_OPEN', body: { error: { code: 'AUCTION_NOT_OPEN' } }, replayed: false };

/** A key answered once: sent at `sentAt`, answered 100 ms later. */
const key = (name: string, sentAt: number, answer: Answer, auctionId = 'a1'): KeyRecord => ({
  userId: 'u1', key: name, auctionId, maxAmount: 1500, attempts: [{ sentAt, at: sentAt + 100, answer, phase: 'load' }],
});
const bid = (bidId: string, version: number, placedAt: number, auctionId = 'a1'): StreamEntry => ({ auctionId, version, type: 'BidPlaced', bidId, placedAt });
const close = (version: number, auctionId = 'a1'): StreamEntry => ({ auctionId, version, type: 'AuctionClosed', bidId: undefined, placedAt: undefined });

describe('chaos: closing decided in the stream', () => {
  it('passes bids acknowledged before the close and the end, and a refusal after them', () => {
    const result = checkClosing(ending, [bid('b1', 2, 1_050), bid('b2', 3, 9_050), close(4)], [key('k1', 1_000, ok('b1', 2)), key('k2', 9_000, ok('b2', 3)), key('k3', 10_500, closedOut)]);
    assert.deepEqual(result, { closed: 1, acknowledged: 2, stampedAhead: 0, problems: [] });
  });

  it('counts bids stamped later than their answer arrived: only a clock ahead does that', () => {
    const result = checkClosing(ending, [bid('b1', 2, 3_050), bid('b2', 3, 5_120), close(4)], [key('k1', 1_000, ok('b1', 2)), key('k2', 5_000, ok('b2', 3))]);
    assert.equal(result.stampedAhead, 1);
    assert.deepEqual(result.problems, []);
  });

  it('names an auction that ended without its AuctionClosed', () => {
    const result = checkClosing(ending, [bid('b1', 2, 1_050)], [key('k1', 1_000, ok('b1', 2))]);
    assert.equal(result.closed, 0);
    assert.match(result.problems[0]!, /auction a1 ended at .* but its stream holds no AuctionClosed/);
  });

  it('names a bid after the close in the stream, and an acknowledgement at or after the close', () => {
    const result = checkClosing(ending, [bid('b1', 2, 1_050), close(3), bid('b2', 4, 9_950)], [key('k1', 1_000, ok('b1', 2)), key('k2', 9_900, ok('b2', 4))]);
    assert.deepEqual(result.problems, [
      'auction a1: bid b2 at version 4, after the AuctionClosed at version 3',
      'key k2 (user u1, auction a1) was acknowledged at version 4, not before the AuctionClosed at version 3',
    ]);
  });

  it('names a bid acknowledged though first sent after the end', () => {
    const result = checkClosing(ending, [bid('b1', 2, 10_250), close(3)], [key('k1', 10_200, ok('b1', 2))]);
    assert.deepEqual(result.problems, ["key k1 (user u1, auction a1) was acknowledged though first sent 200 ms after the auction's end"]);
  });

  it('leaves auctions that were not to end out of the count', () => {
    const result = checkClosing(ending, [bid('b9', 2, 1_050, 'a2'), close(2)], [key('k9', 1_000, ok('b9', 2), 'a2')]);
    assert.deepEqual(result, { closed: 1, acknowledged: 0, stampedAhead: 0, problems: [] });
  });
});
