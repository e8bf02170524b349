// What the page says about a sealed-bid auction (`sealed-first-price`, `sealed-second-price`), as
// pure functions of the public view (no DOM, so unit tests load them in Node). While it is open the
// public sees only the bid count, and the caller its own sealed bid; after the close the winner,
// the price and the revealed ranking (the public bid history's sealed rows).

/**
 * @typedef {(minor: number) => string} Money
 * @typedef {{ bidder: string, price: number, version: number, placedAt?: string, mine?: boolean }} SealedRowLike
 */

/** @param {unknown} format */
export const isSealed = (format) => format === 'sealed-first-price' || format === 'sealed-second-price';

/**
 * The format as a person reads it ('' for an English auction).
 * @param {unknown} format
 * @returns {string}
 */
export function formatText(format) {
  switch (format) {
    case 'sealed-first-price': return 'Sealed bids: the highest bid wins and pays its bid';
    case 'sealed-second-price': return 'Sealed bids (Vickrey): the highest bid wins and pays the second-highest bid';
    case 'dutch': return 'Dutch auction: the price falls until someone takes it';
    default: return '';
  }
}

/**
 * The caller's own sealed bid, as the page shows it to the caller alone.
 * @param {number | undefined} yourBid
 * @param {Money} money
 * @returns {string}
 */
export function yourSealedBidText(yourBid, money) {
  return typeof yourBid === 'number' ? `Your sealed bid: ${money(yourBid)}` : 'You have not placed a sealed bid.';
}

/**
 * The help under the amount field of a sealed auction.
 * @param {{ startingPrice: number, yourBid: number | undefined }} a
 * @param {Money} money
 * @returns {string}
 */
export function sealedHint(a, money) {
  return typeof a.yourBid === 'number'
    ? `To raise your sealed bid, enter more than ${money(a.yourBid)}. It cannot be lowered or retracted; nobody sees it before the close.`
    : `Enter ${money(a.startingPrice)} or more. Nobody sees your bid before the close; you may raise it until then.`;
}

/**
 * Who leads, for a sealed auction: nobody is shown before the close.
 * @param {Record<string, any>} a (status, leader)
 * @param {boolean} you the winner is the caller
 * @returns {string}
 */
export function sealedLeaderText(a, you) {
  if (a.status === 'cancelled') return 'The auction was cancelled.';
  if (a.status === 'unsold') return 'The auction ended without a sale.';
  if (a.status === 'sold' && typeof a.leader === 'string') return you ? 'You won this auction.' : `Won by ${a.leader}.`;
  return 'Sealed bids: who leads and what anyone bid stay hidden until the close.';
}

/**
 * The revealed ranking from the public history's sealed rows: each bidder's highest bid, highest
 * first; of equal bids the earlier (lower stream version) first.
 * @template {SealedRowLike} R
 * @param {readonly R[]} rows
 * @returns {R[]}
 */
export function revealedRanking(rows) {
  /** @type {Map<string, R>} */
  const best = new Map();
  for (const row of [...rows].sort((x, y) => x.version - y.version)) {
    const held = best.get(row.bidder);
    if (held === undefined || row.price > held.price) best.set(row.bidder, row);
  }
  return [...best.values()].sort((x, y) => y.price - x.price || x.version - y.version);
}
