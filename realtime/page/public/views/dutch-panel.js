// A Dutch auction on the auction page: its clock's price ticking down live (computed from the
// view's `clock` and the server's time: no frame comes for a drop), the floor, the countdown to the
// next drop, and a "Buy at <price>" button that accepts the price (`POST /v1/auctions/:id/buy-now`;
// the server charges the clock's price when it takes the command: this or, a moment later, lower).
// After a sale: sold at the price. Hidden for every other format.
import { api } from '../api.js';
import { formatClockTime, formatRemaining } from '../clock.js';
import { dutchPrice, nextDrop } from '../dutch-clock.js';
import { el, replace, setText } from '../dom.js';
import { cannotBuy, showPurchase } from './purchase.js';

/**
 * @typedef {import('../app.js').Context} Context
 * @typedef {Record<string, any>} AuctionState
 */

/** @type {Record<string, string>} */
const refusals = { AUCTION_NOT_OPEN: 'This auction is not open: someone else may have bought it first.' };

/**
 * @param {Context} ctx
 * @param {string} auctionId
 * @param {{ price: HTMLElement, bought: () => void }} options the page's main price (kept on the clock's) and what to do after a purchase
 * @returns {{ element: HTMLElement, render: (a: AuctionState) => void, tick: () => void }}
 */
export function dutchPanel(ctx, auctionId, options) {
  const now = el('strong', { id: 'dutch-price', class: 'price' });
  const label = el('span', { class: 'label' }, 'Price now ');
  const floor = el('p', { id: 'dutch-floor' });
  const drop = el('p', { id: 'dutch-next-drop', class: 'hint', role: 'timer', 'aria-live': 'off' });
  const actions = el('p', { class: 'buy-now-actions' });
  const result = el('p', { id: 'dutch-result', class: 'form-message', role: 'status' });
  const element = el('section', { id: 'dutch', class: 'buy-now dutch', 'aria-labelledby': 'dutch-heading', hidden: true },
    el('h2', { id: 'dutch-heading' }, 'Dutch auction: the price drops until someone buys'),
    el('p', { class: 'price-line' }, label, now),
    floor, drop, actions, result);
  /** @type {AuctionState | undefined} */
  let shown;
  let busy = false;
  /** The price the button shows (redrawn when the clock moves). @type {number | undefined} */
  let buttonPrice;

  /** @param {number} minor */
  const money = (minor) => ctx.money(minor, String(shown?.currency));

  /** @param {AuctionState} a */
  const live = (a) => a.status === 'open' || a.status === 'scheduled';

  const draw = () => {
    const a = shown;
    if (a === undefined || a.format !== 'dutch' || typeof a.clock !== 'object' || a.clock === null) {
      element.hidden = true;
      return;
    }
    element.hidden = false;
    setText(floor, `Floor price ${money(a.clock.floorPrice)}: drops by ${money(a.clock.decrementAmount)} every ${formatRemaining(a.clock.decrementEverySeconds * 1000)}.`);
    if (!live(a)) {
      element.dataset.status = a.status;
      setText(label, a.status === 'sold' ? 'Sold at ' : 'Last price ');
      setText(now, money(a.currentPrice));
      setText(drop, a.status === 'sold' ? `Sold at ${money(a.currentPrice)}.` : a.status === 'unsold' ? 'Nobody bought it: the clock ran out at the floor.' : 'The auction was cancelled.');
      replace(actions);
      buttonPrice = undefined;
      return;
    }
    tick();
  };

  const tick = () => {
    const a = shown;
    if (a === undefined || a.format !== 'dutch' || !live(a) || typeof a.clock !== 'object' || a.clock === null) return;
    const nowMs = ctx.clock.now();
    const clocked = /** @type {import('../dutch-clock.js').Clocked} */ (a);
    const price = dutchPrice(clocked, nowMs);
    element.dataset.status = a.status;
    setText(label, 'Price now ');
    setText(now, money(price));
    now.dataset.price = String(price);
    setText(options.price, money(price));
    const startsAtMs = Date.parse(a.startsAt);
    const endsAtMs = Date.parse(a.endsAt);
    const next = nextDrop(clocked, nowMs);
    if (nowMs < startsAtMs) setText(drop, `The clock starts at ${formatClockTime(startsAtMs)}.`);
    else if (nowMs >= endsAtMs) setText(drop, 'The clock ran out: closing…');
    else if (next === null) setText(drop, `At the floor: ends unsold in ${formatRemaining(endsAtMs - nowMs)} if nobody buys.`);
    else setText(drop, `Next drop to ${money(next.price)} in ${formatRemaining(next.atMs - nowMs)}.`);
    if (price !== buttonPrice || actions.childElementCount === 0) drawActions(a, price, nowMs >= startsAtMs && nowMs < endsAtMs);
  };

  /**
   * @param {AuctionState} a
   * @param {number} price
   * @param {boolean} running
   */
  const drawActions = (a, price, running) => {
    buttonPrice = price;
    const refused = cannotBuy(ctx, a);
    if (refused !== undefined) return replace(actions, refused);
    replace(actions, el('button', { type: 'button', id: 'dutch-buy', disabled: busy || !running, onclick: () => void buy(price) }, `Buy at ${money(price)}`));
  };

  /** @param {number} price */
  const buy = async (price) => {
    const session = ctx.session();
    if (session === undefined || busy) return;
    busy = true;
    buttonPrice = undefined;
    tick();
    const answer = await api.buyNow(auctionId, session.token);
    busy = false;
    buttonPrice = undefined;
    showPurchase(result, answer, price, money, refusals);
    if (answer.ok) options.bought();
    else if (answer.error.code === 'UNAUTHENTICATED') ctx.setSession(undefined);
    draw();
  };

  return {
    element,
    render: (a) => {
      shown = a;
      draw();
    },
    tick,
  };
}
