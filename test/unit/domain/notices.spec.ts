// Who is told what (domain/notices.ts): given the auction's events, when a command's events are
// applied, then these users hear these kinds.
import assert from 'node:assert/strict';
import * as E from 'fp-ts/lib/Either.js';
import type { AuctionCommand, AuctionEvent, Notice, NoticeState } from '../../../domain/index.js';
import { decide, evolveNotices, fold, noticesOf, watcherNoticeOf } from '../../../domain/index.js';
import { afterBids, bid, buyNow, cancel, close, created, retract, HOUR } from '../../support/decider.js';

const noticeState = (events: readonly AuctionEvent[]): NoticeState | undefined =>
  events.reduce<NoticeState | undefined>((state, event, i) => evolveNotices(state, event, i + 1), undefined);

/** The notices of the events `command` decides on the auction `events` make. */
const when = (events: readonly AuctionEvent[], command: AuctionCommand) => {
  const decided = decide(command, fold(events));
  if (E.isLeft(decided)) assert.fail(`${command.type} refused: ${decided.left.code}`);
  let state = noticeState(events);
  const notices: Notice[] = [];
  const toWatchers: string[] = [];
  for (const event of decided.right) {
    notices.push(...noticesOf(state, event));
    const kind = watcherNoticeOf(state, event);
    if (kind !== undefined) toWatchers.push(kind);
    state = evolveNotices(state, event, (state?.version ?? 0) + 1);
  }
  return { notices, toWatchers, state };
};

describe('notices', () => {
  const open = [created({ startingPrice: 1000 })];

  it('a bid that takes the lead tells the bidder who led: outbid', () => {
    const events = afterBids(open, bid('alice', 2000));
    assert.deepEqual(when(events, bid('bob', 3000)).notices, [{ userId: 'alice', kind: 'outbid' }]);
  });

  it('a bid that does not take the lead, or the leader raising its maximum, tells nobody', () => {
    const events = afterBids(open, bid('alice', 5000));
    assert.deepEqual(when(events, bid('bob', 3000)).notices, [], 'bob hears it from his own answer');
    assert.deepEqual(when(events, bid('alice', 8000)).notices, []);
    assert.deepEqual(when(open, bid('alice', 2000)).notices, [], 'the first bid outbids nobody');
  });

  it('a retraction tells nobody, and the new leader it leaves is the one a later bid outbids; the retracting bidder still hears the end', () => {
    const events = afterBids(open, bid('alice', 2000), bid('bob', 3000));
    const retracted = when(events, retract('bob', 120));
    assert.deepEqual(retracted.notices, []);
    assert.equal(retracted.state?.leaderId, 'alice');
    const after = afterBids(events, retract('bob', 120));
    assert.deepEqual(when(after, bid('carol', 5000, 180)).notices, [{ userId: 'alice', kind: 'outbid' }]);
    assert.deepEqual(when(after, close(HOUR)).notices, [{ userId: 'alice', kind: 'won' }, { userId: 'bob', kind: 'lost' }]);
  });

  it('a sale by bidding tells the winner won and every other bidder lost, each once', () => {
    const events = afterBids(open, bid('alice', 2000), bid('bob', 3000), bid('carol', 2600), bid('alice', 2900));
    assert.deepEqual(when(events, close(HOUR)).notices, [
      { userId: 'bob', kind: 'won' }, { userId: 'alice', kind: 'lost' }, { userId: 'carol', kind: 'lost' },
    ]);
  });

  it('an auction that ends unsold (reserve not met) tells every bidder lost', () => {
    const reserved = afterBids([created({ startingPrice: 1000, reservePrice: 9000 })], bid('alice', 2000), bid('bob', 3000));
    assert.deepEqual(when(reserved, close(HOUR)).notices, [{ userId: 'alice', kind: 'lost' }, { userId: 'bob', kind: 'lost' }]);
    assert.deepEqual(when(open, close(HOUR)).notices, [], 'no bidder, nobody to tell');
  });

  it('a buy-now tells the buyer won and the bidders lost', () => {
    const reserved = afterBids([created({ startingPrice: 1000, reservePrice: 5000, buyNowPrice: 9000 })], bid('alice', 2000));
    assert.deepEqual(when(reserved, buyNow('carol')).notices, [{ userId: 'carol', kind: 'won' }, { userId: 'alice', kind: 'lost' }]);
  });

  it('a cancellation tells the bidders and the watchers auction-cancelled', () => {
    const outcome = when(open, cancel('seller'));
    assert.deepEqual(outcome.notices, []);
    assert.deepEqual(outcome.toWatchers, ['auction-cancelled']);
    assert.equal(outcome.state?.outcome, 'cancelled');
  });

  it('an ended auction tells nobody anything more (a repeated close is no event; a state past the end is silent)', () => {
    const sold = afterBids(open, bid('alice', 2000), close(HOUR));
    const state = noticeState(sold);
    assert.equal(state?.outcome, 'sold');
    assert.equal(state?.leaderId, 'alice');
    const closing = sold[sold.length - 1]!;
    assert.deepEqual(noticesOf(state, closing), []);
    assert.equal(watcherNoticeOf(state, closing), undefined);
  });
});
