// What the two ways of buying on the auction page share (buy-now.js at a fixed price, dutch-panel.js
// at the clock's): who may buy (signed in, not the seller), the refusals a purchase can meet, and
// how its answer is told.
import { el, setText } from '../dom.js';

/**
 * @typedef {import('../app.js').Context} Context
 * @typedef {Record<string, any>} AuctionState
 */

/** What a refused purchase tells the buyer, by error code. @type {Record<string, string>} */
export const purchaseRefusals = {
  AUCTION_NOT_OPEN: 'This auction is not open.',
  SELLER_CANNOT_BID: 'You are the seller of this auction.',
  UNAUTHENTICATED: 'Your sign-in has expired: sign in again.',
  FORBIDDEN: 'Your sign-in lacks the bidder role.',
  ACCOUNT_SUSPENDED: 'Your account is suspended.',
  BIDDER_BLOCKED: 'The seller does not accept your bids.',
  BIDDER_NOT_APPROVED: 'The seller has not approved you for this auction.',
};

/**
 * In place of a buy button, what someone who may not buy sees (a sign-in button, or the seller's
 * note), or undefined when the session may buy.
 * @param {Context} ctx
 * @param {AuctionState} a
 * @returns {HTMLElement | undefined}
 */
export const cannotBuy = (ctx, a) => {
  const session = ctx.session();
  if (session === undefined) return el('button', { type: 'button', class: 'secondary', onclick: () => ctx.focusSignIn() }, 'Sign in to buy');
  if (session.sub === a.sellerId) return el('span', { class: 'hint' }, 'You are the seller: you cannot buy your own item.');
  return undefined;
};

/**
 * Tells how a purchase went: the price paid (the answer's, else the one asked), or why it was refused.
 * @param {HTMLElement} result
 * @param {import('../api.js').ApiAnswer} answer
 * @param {number} price
 * @param {(minor: number) => string} money
 * @param {Record<string, string>} [refusals] this way of buying's own words, before the shared ones
 */
export const showPurchase = (result, answer, price, money, refusals = {}) => {
  if (answer.ok) {
    result.dataset.tone = 'success';
    setText(result, `You bought it for ${money(typeof answer.body?.price === 'number' ? answer.body.price : price)}.`);
    return;
  }
  result.dataset.tone = 'error';
  setText(result, `Not bought: ${refusals[answer.error.code] ?? purchaseRefusals[answer.error.code] ?? answer.error.message}`);
};
