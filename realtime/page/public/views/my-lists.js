// The signed-in user's own lists, kept current over the live connection: "My bids" (auctions bid
// on, the user's maximum, leading or outbid: `GET /v1/me/bids`), "Won" (`GET /v1/me/won`),
// "Watchlist" (`GET /v1/me/watchlist`) and, for sellers, "My listings" (`GET /v1/auctions?sellerId=
// <me>&status=…`) with the block list when the server offers one.
import { api } from '../api.js';
import { el, setText } from '../dom.js';
import { LiveCards, placeInOrder } from './auction-card.js';
import { blockList } from './block-list.js';

/**
 * @typedef {import('../app.js').Context} Context
 * @typedef {import('../app.js').View} View
 * @typedef {import('./auction-card.js').Card} Card
 * @typedef {'bids' | 'won' | 'watchlist' | 'listings'} MyRoute
 */

/** @type {readonly MyRoute[]} */
export const myListRoutes = ['bids', 'won', 'watchlist', 'listings'];

/** @type {Record<MyRoute, { title: string, empty: string }>} */
const texts = {
  bids: { title: 'My bids', empty: 'You have not bid on any auction yet.' },
  won: { title: 'Won', empty: 'You have not won an auction yet.' },
  watchlist: { title: 'Watchlist', empty: 'Your watchlist is empty: press Watch on an auction to follow it here.' },
  listings: { title: 'My listings', empty: 'You have no auction with this status.' },
};

const LISTING_STATUSES = ['open', 'scheduled', 'sold', 'unsold', 'cancelled'];

/**
 * @param {Context} ctx
 * @param {MyRoute} route
 * @returns {View}
 */
export function myListView(ctx, route) {
  const session = ctx.session();
  const heading = el('h1', { id: 'my-title', tabindex: '-1' }, texts[route].title);
  const note = el('p', { id: 'my-note', class: 'form-message', role: 'status' });
  const list = el('ul', { id: 'my-list', class: 'auction-list', 'aria-labelledby': 'my-title', 'aria-busy': 'true' });
  /** @type {Card[]} */
  let cards = [];
  const live = new LiveCards(ctx);
  let disposed = false;

  if (session === undefined) {
    return {
      element: el('div', { class: 'my-list' }, heading,
        el('p', {}, 'Sign in to see this list. ', el('button', { type: 'button', class: 'secondary', onclick: () => ctx.focusSignIn() }, 'Sign in'))),
      dispose: () => undefined,
    };
  }
  if (route === 'listings' && !session.roles.includes('seller')) {
    return { element: el('div', { class: 'my-list' }, heading, el('p', {}, 'My listings are for sellers: your sign-in lacks the seller role.')), dispose: () => undefined };
  }

  const status = el('select', { id: 'my-status', name: 'status' }, LISTING_STATUSES.map((s) => el('option', { value: s }, s)));
  status.addEventListener('change', () => void load());

  const load = async () => {
    list.setAttribute('aria-busy', 'true');
    const answer = route === 'listings'
      ? await api.listing({ status: status.value, sort: 'newly-listed', sellerId: session.sub, limit: 50, token: session.token })
      : await api.mine(route, session.token);
    if (disposed) return;
    list.setAttribute('aria-busy', 'false');
    if (!answer.ok) {
      note.dataset.tone = 'error';
      setText(note, `Could not load the list: ${answer.error.message}.`);
      return;
    }
    /** @type {any[]} */
    const items = Array.isArray(answer.body?.items) ? answer.body.items : [];
    note.dataset.tone = 'info';
    setText(note, items.length === 0 ? texts[route].empty : '');
    cards = live.show(items);
    placeInOrder(list, cards.map((c) => c.element));
    tick();
  };
  const tick = () => {
    const now = ctx.clock.now();
    for (const card of cards) card.tick(now);
  };

  const element = el('div', { class: 'my-list' },
    heading,
    route === 'listings' ? el('p', { class: 'field' }, el('label', { for: 'my-status' }, 'Status'), status) : null,
    note,
    list,
    route === 'listings' ? blockList(ctx, session) : null);

  void load();
  const ticker = setInterval(tick, 500);
  return {
    element,
    dispose: () => {
      disposed = true;
      clearInterval(ticker);
      live.stop();
    },
  };
}
