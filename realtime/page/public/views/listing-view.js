// The front page: open auctions ending soonest (`GET /v1/auctions?status=open&sort=ending-soon`),
// searched by title (`q`) and filtered by seller (`sellerId`); each card kept current over the live
// connection (price, bids, end, how it ended) with the time left on the server's clock. New
// auctions appear on the periodic refresh. Also a way to open an auction by id, and for sellers a
// form to list an item.
import { api } from '../api.js';
import { el, setText } from '../dom.js';
import { LiveCards, auctionHref, placeInOrder } from './auction-card.js';
import { sellForm } from './sell-form.js';
import { tickAndRefresh } from './timers.js';

export { auctionHref } from './auction-card.js';

/**
 * @typedef {import('../app.js').Context} Context
 * @typedef {import('../app.js').View} View
 * @typedef {import('./auction-card.js').Card} Card
 */

const REFRESH_MS = 30_000;
const SELLER_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;

/** The last search, kept while the page is open (back from an auction finds it again). */
const remembered = { q: '', seller: '' };

/**
 * @param {Context} ctx
 * @returns {View}
 */
export function listingView(ctx) {
  const list = el('ul', { id: 'auction-list', class: 'auction-list', 'aria-labelledby': 'listing-title', 'aria-busy': 'true' });
  const note = el('p', { id: 'listing-note', class: 'form-message', role: 'status' });
  /** @type {Card[]} */
  let cards = [];
  const live = new LiveCards(ctx);
  let disposed = false;

  const tick = () => {
    const now = ctx.clock.now();
    for (const card of cards) card.tick(now);
  };

  // ---- search ----
  const q = el('input', { id: 'search-q', name: 'q', type: 'search', maxlength: 100, autocomplete: 'off', value: remembered.q });
  const seller = el('input', { id: 'search-seller', name: 'seller', maxlength: 128, autocomplete: 'off', spellcheck: 'false', value: remembered.seller });
  const searchForm = el('form', { id: 'search', class: 'search-form', role: 'search', 'aria-label': 'Search the open auctions', novalidate: true },
    el('p', { class: 'field' }, el('label', { for: 'search-q' }, 'Title contains'), q),
    el('p', { class: 'field' }, el('label', { for: 'search-seller' }, 'Seller'), seller),
    el('p', { class: 'search-buttons' },
      el('button', { type: 'submit' }, 'Search'), ' ',
      el('button', { type: 'button', class: 'secondary', onclick: () => { q.value = ''; seller.value = ''; void load(); } }, 'Clear')));
  searchForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });

  let generation = 0;
  const load = async () => {
    const sellerId = seller.value.trim();
    if (sellerId !== '' && !SELLER_PATTERN.test(sellerId)) {
      note.dataset.tone = 'error';
      seller.setAttribute('aria-invalid', 'true');
      setText(note, 'Seller: a user id of letters, digits and . _ : @ -');
      return;
    }
    seller.removeAttribute('aria-invalid');
    remembered.q = q.value;
    remembered.seller = sellerId;
    const mine = ++generation;
    list.setAttribute('aria-busy', 'true');
    const answer = await api.listing({ status: 'open', sort: 'ending-soon', q: q.value, sellerId, limit: 25, token: ctx.session()?.token });
    if (disposed || mine !== generation) return;
    list.setAttribute('aria-busy', 'false');
    if (!answer.ok) {
      note.dataset.tone = 'error';
      setText(note, `Could not load the open auctions: ${answer.error.message}.`);
      return;
    }
    /** @type {any[]} */
    const items = Array.isArray(answer.body?.items) ? answer.body.items : [];
    const searching = q.value.trim() !== '' || sellerId !== '';
    note.dataset.tone = 'info';
    setText(note, items.length === 0
      ? (searching ? 'No open auction matches.' : 'No auction is open right now.')
      : (searching ? `${items.length}${answer.body.nextCursor !== null ? ' or more' : ''} open auction${items.length === 1 ? ' matches' : 's match'}.` : ''));
    cards = live.show(items);
    placeInOrder(list, cards.map((c) => c.element));
    tick();
  };

  const idInput = el('input', { id: 'open-id', name: 'auctionId', autocomplete: 'off', spellcheck: 'false' });
  const openForm = el('form', { class: 'inline-form', 'aria-label': 'Open an auction by id', novalidate: true },
    el('label', { for: 'open-id' }, 'Auction id'), idInput, el('button', { type: 'submit', class: 'secondary' }, 'Open'));
  openForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = idInput.value.trim();
    if (id !== '') location.hash = auctionHref(id);
  });

  const session = ctx.session();
  const element = el('div', { class: 'listing' },
    el('h1', { id: 'listing-title', tabindex: '-1' }, 'Open auctions, ending soonest'),
    searchForm,
    note,
    list,
    el('p', {}, el('button', { type: 'button', class: 'secondary', onclick: () => void load() }, 'Refresh the list')),
    openForm,
    session?.roles.includes('seller') === true ? sellForm(ctx) : null,
  );

  void load();
  const stopTimers = tickAndRefresh(tick, load, REFRESH_MS);
  return {
    element,
    dispose: () => {
      disposed = true;
      stopTimers();
      live.stop();
    },
  };
}
