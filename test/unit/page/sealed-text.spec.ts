// What the page says about a sealed-bid auction (views/sealed-text.js): its format, the caller's
// own sealed bid, no leader while open, and the revealed ranking after the close.
import assert from 'node:assert/strict';
import { importPageModule } from '../../support/page-modules.js';

interface Row { bidder: string; price: number; version: number }
interface SealedTextModule {
  isSealed(format: unknown): boolean;
  formatText(format: unknown): string;
  yourSealedBidText(yourBid: number | undefined, money: (minor: number) => string): string;
  sealedHint(a: { startingPrice: number; yourBid: number | undefined }, money: (minor: number) => string): string;
  sealedLeaderText(a: Record<string, unknown>, you: boolean): string;
  revealedRanking<R extends Row>(rows: readonly R[]): R[];
}

const dollars = (minor: number) => `$${(minor / 100).toFixed(2)}`;

describe('page: sealed-bid texts', () => {
  let m: SealedTextModule;
  before(async () => {
    m = await importPageModule<SealedTextModule>('views/sealed-text.js');
  });

  it('names the sealed formats, and nothing for an English auction', () => {
    assert.equal(m.isSealed('sealed-first-price'), true);
    assert.equal(m.isSealed('english'), false);
    assert.match(m.formatText('sealed-second-price'), /second-highest/);
    assert.equal(m.formatText('english'), '');
  });

  it('shows the caller its own bid, and the least it may bid or raise to', () => {
    assert.equal(m.yourSealedBidText(2500, dollars), 'Your sealed bid: $25.00');
    assert.equal(m.yourSealedBidText(undefined, dollars), 'You have not placed a sealed bid.');
    assert.match(m.sealedHint({ startingPrice: 1000, yourBid: undefined }, dollars), /^Enter \$10\.00 or more\./);
    assert.match(m.sealedHint({ startingPrice: 1000, yourBid: 2500 }, dollars), /more than \$25\.00/);
  });

  it('names no leader while open, the winner once sold', () => {
    assert.match(m.sealedLeaderText({ status: 'open', leader: null }, false), /hidden until the close/);
    assert.equal(m.sealedLeaderText({ status: 'sold', leader: 'bidder-1' }, false), 'Won by bidder-1.');
    assert.equal(m.sealedLeaderText({ status: 'sold', leader: 'bidder-1' }, true), 'You won this auction.');
    assert.equal(m.sealedLeaderText({ status: 'unsold', leader: null }, false), 'The auction ended without a sale.');
  });

  it('ranks each bidder by its highest bid, highest first, the earlier first on a tie', () => {
    const rows = [
      { bidder: 'a', price: 2500, version: 2 }, { bidder: 'b', price: 3000, version: 3 },
      { bidder: 'a', price: 3000, version: 4 }, { bidder: 'c', price: 1000, version: 5 },
    ];
    assert.deepEqual(m.revealedRanking([...rows].reverse()).map((r) => [r.bidder, r.price]), [['b', 3000], ['a', 3000], ['c', 1000]]);
  });
});
