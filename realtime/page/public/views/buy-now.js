// Buy-now on the auction page: while the auction offers it (`buyNowPrice` in the view and frames),
// a button with the price; pressing it asks once more ("Buy for $120.00?") before
// `POST /v1/auctions/:id/buy-now`, and says how that went. Not for the seller, nor signed out.
import { api } from '../api.js';
import { el, replace, setText } from '../dom.js';
import { cannotBuy, showPurchase } from './purchase.js';

/**
 * @typedef {import('../app.js').Context} Context
 * @typedef {Record<string, any>} AuctionState
 */

/** @type {Record<string, string>} */
const refusals = { BUY_NOW_UNAVAILABLE: 'Buy-now is no longer offered: a bid came first.' };

/**
 * @param {Context} ctx
 * @param {string} auctionId
 * @param {{ bought: () => void }} events
 * @returns {{ element: HTMLElement, render: (a: AuctionState, yourPseudonym: string | undefined) => void }}
 */
export function buyNowPanel(ctx, auctionId, events) {
  const offer = el('p', { id: 'buy-now-offer', class: 'buy-now-offer' });
  const actions = el('p', { class: 'buy-now-actions' });
  const result = el('p', { id: 'buy-now-result', class: 'form-message', role: 'status' });
  const element = el('section', { id: 'buy-now', class: 'buy-now', 'aria-labelledby': 'buy-now-heading', hidden: true },
    el('h2', { id: 'buy-now-heading' }, 'Buy it now'), offer, actions, result);
  /** @type {AuctionState | undefined} */
  let shown;
  let confirming = false;
  let busy = false;

  /** @param {number} minor */
  const money = (minor) => ctx.money(minor, String(shown?.currency));

  const draw = () => {
    const a = shown;
    const offered = a !== undefined && typeof a.buyNowPrice === 'number' && a.status === 'open';
    // Keep the section while it reports a purchase, so its answer stays readable.
    element.hidden = !offered && result.textContent === '';
    if (!offered || a === undefined) {
      replace(actions);
      setText(offer, '');
      confirming = false;
      return;
    }
    setText(offer, `Skip the bidding: buy it now for ${money(a.buyNowPrice)}. Offered until the first bid${a.reserveMet === false ? ' or until the reserve is met' : ''}.`);
    const refused = cannotBuy(ctx, a);
    if (refused !== undefined) return replace(actions, refused);
    if (!confirming) {
      return replace(actions, el('button', { type: 'button', id: 'buy-now-button', disabled: busy, onclick: () => { confirming = true; draw(); document.getElementById('buy-now-confirm')?.focus(); } },
        `Buy it now for ${money(a.buyNowPrice)}`));
    }
    replace(actions,
      el('button', { type: 'button', id: 'buy-now-confirm', disabled: busy, onclick: () => void buy(a.buyNowPrice) }, `Confirm: buy for ${money(a.buyNowPrice)}`),
      ' ',
      el('button', { type: 'button', class: 'secondary', onclick: () => { confirming = false; draw(); document.getElementById('buy-now-button')?.focus(); } }, 'Cancel'));
  };

  /** @param {number} price */
  const buy = async (price) => {
    const session = ctx.session();
    if (session === undefined || busy) return;
    busy = true;
    draw();
    const answer = await api.buyNow(auctionId, session.token);
    busy = false;
    confirming = false;
    showPurchase(result, answer, price, money, refusals);
    if (answer.ok) events.bought();
    draw();
  };

  return {
    element,
    render: (a) => {
      shown = a;
      draw();
    },
  };
}
