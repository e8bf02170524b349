// Second-chance offers on the page of an ended auction (README "Second-chance offers"). The seller
// sees its bidders (GET /v1/auctions/:id/bidders) each with an "Offer second chance" button, the
// offers made and how each stands, and, while the auction is sold by bidding, "Report non-payment".
// The offered bidder sees its offer's price and expiry with Accept and Decline. Each answer is said
// in a sentence; the panel reloads when the auction's version moves.
import { api } from '../api.js';
import { formatDateTime } from '../clock.js';
import { el, replace, setText } from '../dom.js';
import { newIdempotencyKey } from '../ids.js';

/**
 * @typedef {import('../app.js').Context} Context
 * @typedef {Record<string, any>} AuctionState
 */

/** @type {Record<string, string>} */
const statusText = { open: 'open', expired: 'expired', accepted: 'accepted', declined: 'declined', lapsed: 'lapsed (sold to another bidder)' };

/**
 * @param {Context} ctx
 * @param {string} auctionId
 * @returns {{ element: HTMLElement, render: (a: AuctionState) => void }}
 */
export function secondChancePanel(ctx, auctionId) {
  const intro = el('p', { id: 'second-chance-intro', class: 'hint' });
  const actions = el('div', { id: 'second-chance-actions' });
  const list = el('ul', { id: 'second-chance-offers', class: 'second-chance-offers' });
  const result = el('p', { id: 'second-chance-result', class: 'form-message', role: 'status' });
  const element = el('section', { id: 'second-chance', class: 'second-chance', 'aria-labelledby': 'second-chance-heading', hidden: true },
    el('h2', { id: 'second-chance-heading' }, 'Second-chance offers'), intro, actions, list, result);
  /** @type {AuctionState | undefined} */
  let shown;
  /** The version and caller the panel was loaded for. @type {string | undefined} */
  let loadedFor;
  let busy = false;

  /** @param {number} minor */
  const money = (minor) => ctx.money(minor, String(shown?.currency));

  /**
   * @param {() => Promise<import('../api.js').ApiAnswer>} call
   * @param {string} done
   */
  const act = async (call, done) => {
    if (busy) return;
    busy = true;
    setText(result, '');
    const answer = await call();
    busy = false;
    result.dataset.tone = answer.ok ? 'success' : 'error';
    setText(result, answer.ok ? done : `Refused: ${answer.error.message}.`);
    loadedFor = undefined;
    void load();
  };

  const load = async () => {
    const a = shown;
    const session = ctx.session();
    if (a === undefined || session === undefined) return;
    const key = `${a.version}:${session.sub}`;
    if (loadedFor === key) return;
    loadedFor = key;
    const seller = session.sub === a.sellerId;
    const [offers, bidders] = await Promise.all([
      api.secondChanceOffers(auctionId, session.token),
      seller ? api.bidders(auctionId, session.token) : Promise.resolve(undefined),
    ]);
    if (shown === undefined || loadedFor !== key) return;
    /** @type {any[]} */
    const items = offers.ok && Array.isArray(offers.body?.items) ? offers.body.items : [];
    replace(list, ...items.map((o) => el('li', { 'data-status': o.status, 'data-bidder': o.bidder },
      `${seller ? `${o.bidder}: ` : 'Your offer: '}${money(o.price)}, ${statusText[o.status] ?? o.status}${o.status === 'open' ? `, until ${formatDateTime(o.expiresAt)}` : ''}`)));
    if (seller) {
      const open = new Set(items.filter((o) => o.status === 'open').map((o) => o.bidder));
      const soldByBidding = a.status === 'sold' && offers.ok && offers.body?.nonPaymentReported !== true && !items.some((o) => o.status === 'accepted');
      const offering = a.status === 'unsold' && !items.some((o) => o.status === 'accepted');
      setText(intro, soldByBidding
        ? 'If the winner does not pay, report it: the sale falls through and you may offer the item to another bidder at that bidder\'s maximum.'
        : offering ? 'Offer the item to a bidder at that bidder\'s own maximum bid.' : '');
      /** @type {any[]} */
      const rows = bidders !== undefined && bidders.ok && Array.isArray(bidders.body?.items) ? bidders.body.items : [];
      replace(actions,
        ...(soldByBidding ? [el('button', { type: 'button', id: 'report-non-payment', class: 'secondary',
          onclick: () => void act(() => api.reportNonPayment(auctionId, newIdempotencyKey(), session.token), 'Reported: the sale fell through.') }, 'Report non-payment')] : []),
        ...(offering ? [el('ul', { id: 'second-chance-bidders' }, ...rows.map((b) => el('li', { 'data-bidder': b.bidder }, `${b.bidder} `,
          el('button', { type: 'button', class: 'secondary', disabled: open.has(b.bidder),
            onclick: () => void act(() => api.offerSecondChance(auctionId, String(b.bidder), newIdempotencyKey(), session.token), `Offered to ${b.bidder}.`) },
          'Offer second chance'))))] : []));
      element.hidden = !soldByBidding && !offering && items.length === 0 && result.textContent === '';
      return;
    }
    const mine = items.find((o) => o.status === 'open');
    setText(intro, mine !== undefined ? `The seller offers you this item for ${money(mine.price)}, your maximum bid, until ${formatDateTime(mine.expiresAt)}.` : '');
    replace(actions, ...(mine !== undefined ? [
      el('button', { type: 'button', id: 'second-chance-accept', onclick: () => void act(() => api.answerSecondChance(auctionId, 'accept', newIdempotencyKey(), session.token), 'You bought it.') }, `Accept for ${money(mine.price)}`),
      ' ',
      el('button', { type: 'button', id: 'second-chance-decline', class: 'secondary', onclick: () => void act(() => api.answerSecondChance(auctionId, 'decline', newIdempotencyKey(), session.token), 'You declined the offer.') }, 'Decline'),
    ] : []));
    element.hidden = items.length === 0 && result.textContent === '';
  };

  return {
    element,
    render: (a) => {
      shown = a;
      const ended = a.status === 'sold' || a.status === 'unsold';
      if (!ended || ctx.session() === undefined || a.format !== undefined && a.format !== 'english') {
        element.hidden = true;
        return;
      }
      void load();
    },
  };
}
