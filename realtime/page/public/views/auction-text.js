// What the page says about an auction's state, as pure functions of the public view (no DOM, so
// the unit tests load them in Node): how it ended, the reserve, the minimum next bid, and what each
// accepted bid did.

/**
 * @typedef {(minor: number) => string} Money
 * @typedef {Record<string, any>} StateLike (status, currentPrice, reserveMet)
 * @typedef {{ bidder: string, leader: string, tookLead: boolean, extended?: boolean }} BidLike
 */

/**
 * How an ended auction ended ("Sold for $26.00", "Unsold", "Cancelled"); '' while it runs.
 * @param {StateLike} a
 * @param {Money} money
 * @returns {string}
 */
export function outcomeText(a, money) {
  switch (a.status) {
    case 'sold': return typeof a.currentPrice === 'number' ? `Sold for ${money(a.currentPrice)}` : 'Sold';
    case 'unsold': return a.reserveMet === false ? 'Unsold: the reserve was not met' : 'Unsold';
    case 'cancelled': return 'Cancelled';
    default: return '';
  }
}

/**
 * The reserve indicator: "Reserve not met" while a reserve is not met; "Reserve met" once it is,
 * when the page knows there is one (the seller sees its reserve; anyone who saw it unmet); '' when
 * nothing tells a met reserve from none (the public view shows `reserveMet: true` for both).
 * @param {StateLike} a
 * @param {{ hasReserve: boolean | undefined }} known `hasReserve` undefined: not known
 * @returns {string}
 */
export function reserveText(a, known) {
  if (a.status === 'cancelled') return '';
  if (a.reserveMet === false) return 'Reserve not met';
  if (known.hasReserve === true) return 'Reserve met';
  if (known.hasReserve === false) return 'No reserve';
  return '';
}

/**
 * The help under the amount field: the least maximum the server takes now (`minimumBid`, the
 * domain's own rule, carried by every view and frame); the leader raises its own maximum instead.
 * @param {{ minimumBid?: number | null, youLead: boolean, yourMax?: number | undefined }} a
 * @param {Money} money
 * @returns {string}
 */
export function minimumBidText(a, money) {
  if (typeof a.minimumBid !== 'number') return '';
  if (a.youLead) {
    return typeof a.yourMax === 'number'
      ? `You are the highest bidder with a maximum of ${money(a.yourMax)}: to raise it, enter more.`
      : 'You are the highest bidder. To raise your maximum, enter more than your current maximum.';
  }
  return `Enter ${money(a.minimumBid)} or more.`;
}

/**
 * What an accepted bid did, as the public history shows it: it took the lead; its bidder (already
 * leading) raised their own maximum; or the leader's higher maximum outbid it at once by proxy.
 * A retraction's entry is no bid: its own note says what it took back.
 * @param {BidLike & { retraction?: boolean }} bid
 * @returns {'took the lead' | 'raised own maximum' | 'outbid by proxy' | ''}
 */
export function bidOutcome(bid) {
  if (bid.retraction === true) return '';
  if (bid.tookLead) return 'took the lead';
  return bid.leader === bid.bidder ? 'raised own maximum' : 'outbid by proxy';
}
