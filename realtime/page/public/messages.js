// What the page says about a bid's outcome: a sentence for each answer of `POST /v1/auctions/:id/bids`
// (DESIGN.md section 5), refusals by code with the server's details (BID_TOO_LOW's minimum).

/**
 * @typedef {{ tone: 'success' | 'info' | 'error', text: string, minimumAmount?: number, retrySameKey: boolean }} BidMessage
 * @typedef {(minor: number) => string} Money
 */

/**
 * @param {{ leading: boolean, currentPrice: number }} accepted the 201 body
 * @param {number} maxAmount what was bid
 * @param {Money} money
 * @returns {BidMessage}
 */
export function acceptedMessage(accepted, maxAmount, money) {
  return accepted.leading
    ? { tone: 'success', text: `Bid accepted: you are the highest bidder at ${money(accepted.currentPrice)} (your maximum: ${money(maxAmount)}).`, retrySameKey: false }
    : { tone: 'info', text: `Your bid of ${money(maxAmount)} stands, but another bidder's maximum is higher: the price is now ${money(accepted.currentPrice)}.`, retrySameKey: false };
}

/**
 * @param {number} status HTTP status (0: no answer)
 * @param {{ code: string, message: string, details?: any }} error
 * @param {Money} money
 * @param {{ retryAfterSeconds?: number | undefined }} [extra]
 * @returns {BidMessage}
 */
export function refusedMessage(status, error, money, extra = {}) {
  const details = error.details !== null && typeof error.details === 'object' ? error.details : {};
  switch (error.code) {
    case 'BID_TOO_LOW': {
      const minimum = typeof details.minimumAmount === 'number' ? details.minimumAmount : undefined;
      return minimum === undefined
        ? { tone: 'error', text: `Your maximum is too low: ${error.message}.`, retrySameKey: false }
        : { tone: 'error', text: `Your maximum is too low: the least acceptable maximum now is ${money(minimum)}.`, minimumAmount: minimum, retrySameKey: false };
    }
    case 'AUCTION_NOT_OPEN':
      return { tone: 'error', text: `This auction is not taking bids: ${error.message}.`, retrySameKey: false };
    case 'SELLER_CANNOT_BID':
      return { tone: 'error', text: 'You are the seller of this auction, and a seller cannot bid on its own auction.', retrySameKey: false };
    case 'AUCTION_NOT_FOUND':
      return { tone: 'error', text: 'This auction does not exist.', retrySameKey: false };
    case 'UNAUTHENTICATED':
      return { tone: 'error', text: `You are not signed in, or your sign-in has expired (${error.message}): sign in again.`, retrySameKey: false };
    case 'FORBIDDEN':
      return { tone: 'error', text: 'Your sign-in does not allow bidding: it needs the bidder role.', retrySameKey: false };
    case 'INVALID_REQUEST': {
      const fields = Array.isArray(details.fields) ? details.fields.map((/** @type {any} */ f) => String(f?.message ?? '')).filter((/** @type {string} */ m) => m !== '') : [];
      return { tone: 'error', text: `The server refused the bid: ${fields.length > 0 ? fields.join('; ') : error.message}.`, retrySameKey: false };
    }
    case 'IDEMPOTENCY_KEY_REUSED':
      return { tone: 'error', text: 'This attempt was already used for another amount: press Place bid again.', retrySameKey: false };
    case 'IDEMPOTENCY_KEY_IN_PROGRESS':
    case 'BUSY':
      return { tone: 'error', text: 'The auction is busy right now. Press Place bid again: the same attempt is retried, so it cannot count twice.', retrySameKey: true };
    case 'RATE_LIMITED': {
      const seconds = extra.retryAfterSeconds ?? (typeof details.retryAfterSeconds === 'number' ? details.retryAfterSeconds : undefined);
      return { tone: 'error', text: `Too many requests: wait${seconds === undefined ? ' a moment' : ` ${seconds} s`} and try again.`, retrySameKey: true };
    }
    case 'NETWORK':
      return { tone: 'error', text: 'The server could not be reached, so the bid may or may not have been placed. Press Place bid again: the same attempt is retried, so it cannot count twice.', retrySameKey: true };
    default:
      return status >= 500
        ? { tone: 'error', text: `The server failed (${error.message}). Press Place bid again to retry the same attempt.`, retrySameKey: true }
        : { tone: 'error', text: `The bid was refused: ${error.message}.`, retrySameKey: false };
  }
}
