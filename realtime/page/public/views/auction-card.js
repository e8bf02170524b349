// One auction in a list (the listing, the user's own lists): title, price, bids, time left or how
// it ended, buy-now, the caller's standing, a watch button; and `LiveCards`, which keeps a list's
// cards current over the live connection (a bounded number of subscriptions per socket).
import { formatDateTime, formatRemaining } from '../clock.js';
import { dutchPrice } from '../dutch-clock.js';
import { el, setText } from '../dom.js';
import { outcomeText } from './auction-text.js';
import { watchButton } from './watch-button.js';

/**
 * @typedef {import('../app.js').Context} Context
 * @typedef {Record<string, any> & { auctionId: string, version: number }} Summary
 * @typedef {{ element: HTMLElement, auctionId: string, update: (incoming: Record<string, any>) => void, tick: (nowMs: number) => void }} Card
 */

/** Subscriptions a list may use: the server allows 50 per socket, and an auction view needs one. */
export const LIST_SUBSCRIPTION_LIMIT = 40;

/** @param {string} id */
export const auctionHref = (id) => `#/auctions/${encodeURIComponent(id)}`;

/**
 * @param {Context} ctx
 * @param {Summary} summary
 * @returns {Card}
 */
export function auctionCard(ctx, summary) {
  /** @type {Summary} */
  let a = { ...summary };
  const price = el('span', { class: 'price' });
  const bids = el('span', { class: 'bids' });
  const when = el('span', { class: 'countdown' });
  const endsAt = el('time', { class: 'ends-at hint' });
  const standing = el('p', { class: 'standing' });
  const buyNow = el('p', { class: 'buy-now-note' });
  const element = el('li', { class: 'auction-card', 'data-auction-id': a.auctionId },
    el('h2', {}, el('a', { href: auctionHref(a.auctionId) }, a.title)),
    el('p', {}, price, ' · ', bids, ' · ', when),
    el('p', {}, endsAt),
    buyNow,
    standing,
    watchButton(ctx, a.auctionId, a.title));

  const render = () => {
    element.dataset.version = String(a.version);
    element.dataset.status = a.status;
    setText(price, ctx.money(a.currentPrice, a.currency));
    setText(bids, a.format === 'dutch' ? 'Dutch: the price drops' : a.bidCount === 1 ? '1 bid' : `${a.bidCount} bids`);
    endsAt.setAttribute('datetime', a.endsAt);
    setText(endsAt, `${a.status === 'open' || a.status === 'scheduled' ? 'Ends' : 'Ended'} ${formatDateTime(a.endedAt ?? a.endsAt)}`);
    buyNow.hidden = typeof a.buyNowPrice !== 'number' || a.status !== 'open' || a.format === 'dutch';
    setText(buyNow, typeof a.buyNowPrice === 'number' ? `Buy it now: ${ctx.money(a.buyNowPrice, a.currency)}` : '');
    const you = typeof a.yourPseudonym === 'string' && a.leader === a.yourPseudonym;
    let text = '';
    if (a.status === 'sold' && you) text = 'You won this auction.';
    else if (you) text = 'You are the highest bidder.';
    else if (typeof a.yourMaxAmount === 'number') text = a.status === 'open' ? `Outbid: your maximum was ${ctx.money(a.yourMaxAmount, a.currency)}.` : 'You did not win.';
    setText(standing, text);
    standing.dataset.standing = you ? 'leading' : typeof a.yourMaxAmount === 'number' ? 'outbid' : 'none';
    standing.hidden = text === '';
  };

  render();
  return {
    element,
    auctionId: a.auctionId,
    update: (incoming) => {
      if (typeof incoming.version !== 'number' || incoming.version < a.version) return;
      const next = { ...a, ...incoming };
      if (incoming.buyNowPrice === null) delete next.buyNowPrice;
      if (typeof incoming.status !== 'string' && typeof incoming.outcome === 'string') {
        next.status = incoming.outcome === 'live' ? a.status : incoming.outcome;
      }
      a = next;
      render();
    },
    tick: (nowMs) => {
      // A Dutch auction's price moves with the clock, with no frame for each drop.
      if (a.format === 'dutch' && a.status === 'open' && typeof a.clock === 'object' && a.clock !== null) setText(price, ctx.money(dutchPrice(/** @type {any} */ (a), nowMs), a.currency));
      if (a.status === 'open') {
        const endsAtMs = Date.parse(a.endsAt);
        setText(when, endsAtMs > nowMs ? `ends in ${formatRemaining(endsAtMs - nowMs)}` : 'closing…');
      } else if (a.status === 'scheduled') {
        setText(when, `opens in ${formatRemaining(Date.parse(a.startsAt) - nowMs)}`);
      } else {
        setText(when, outcomeText(a, (minor) => ctx.money(minor, a.currency)));
      }
    },
  };
}

/**
 * Makes `list`'s children `elements`, in order, moving only what is out of place (a focused card
 * that stays in place keeps the focus).
 * @param {HTMLElement} list
 * @param {HTMLElement[]} elements
 */
export function placeInOrder(list, elements) {
  elements.forEach((element, i) => {
    if (list.children[i] !== element) list.insertBefore(element, list.children[i] ?? null);
  });
  while (list.children.length > elements.length) list.lastElementChild?.remove();
}

/**
 * A list of cards kept current over the live connection: `show(items)` puts the items' cards in
 * order, reusing the card (and its subscription) of an auction already shown, so a refresh sends
 * frames only for auctions that came or went; the first LIST_SUBSCRIPTION_LIMIT are followed.
 */
export class LiveCards {
  /** @param {Context} ctx */
  constructor(ctx) {
    this.ctx = ctx;
    /** @type {Map<string, { card: Card, stop: (() => void) | undefined }>} */
    this.shown = new Map();
  }

  /**
   * @param {Summary[]} items
   * @returns {Card[]} the cards, in the items' order
   */
  show(items) {
    /** @type {Map<string, { card: Card, stop: (() => void) | undefined }>} */
    const next = new Map();
    for (const item of items) {
      if (next.has(item.auctionId)) continue;
      const kept = this.shown.get(item.auctionId);
      if (kept !== undefined) kept.card.update(item);
      next.set(item.auctionId, kept ?? { card: auctionCard(this.ctx, item), stop: undefined });
    }
    for (const [id, entry] of this.shown) if (!next.has(id)) entry.stop?.();
    let followed = 0;
    for (const entry of next.values()) {
      if (followed < LIST_SUBSCRIPTION_LIMIT) {
        followed += 1;
        const { card } = entry;
        entry.stop ??= this.ctx.live.watch(card.auctionId, {
          onSnapshot: (snapshot) => card.update(snapshot),
          onUpdate: (update) => card.update(update),
          // A list shows what it has; the auction's own view explains errors.
          onError: () => undefined,
        });
      } else {
        entry.stop?.();
        entry.stop = undefined;
      }
    }
    this.shown = next;
    return [...next.values()].map((e) => e.card);
  }

  /** Stops following every card. */
  stop() {
    for (const entry of this.shown.values()) entry.stop?.();
    this.shown = new Map();
  }
}
