// The front page: open auctions ending soonest (`GET /v1/auctions?status=open&sort=ending-soon`),
// each with its price, bids and time left on the server's clock; a way to open an auction by id;
// and, for sellers, a form to list an item.
import { api } from '../api.js';
import { formatRemaining } from '../clock.js';
import { el, replace, setText } from '../dom.js';
import { sellForm } from './sell-form.js';

/**
 * @typedef {import('../app.js').Context} Context
 * @typedef {import('../app.js').View} View
 */

const REFRESH_MS = 15_000;

/** @param {string} id */
export const auctionHref = (id) => `#/auctions/${encodeURIComponent(id)}`;

/**
 * @param {Context} ctx
 * @returns {View}
 */
export function listingView(ctx) {
  const list = el('ul', { class: 'auction-list', 'aria-labelledby': 'listing-title' });
  const note = el('p', { class: 'form-message', role: 'status' });
  /** @type {{ node: HTMLElement, endsAtMs: number }[]} */
  let countdowns = [];

  const tick = () => {
    const now = ctx.clock.now();
    for (const c of countdowns) setText(c.node, c.endsAtMs > now ? formatRemaining(c.endsAtMs - now) : 'closing…');
  };

  let loading = false;
  const load = async () => {
    if (loading) return;
    loading = true;
    try {
      const answer = await api.openAuctions({ token: ctx.session()?.token, limit: 25 });
      if (!answer.ok) {
        note.dataset.tone = 'error';
        setText(note, `Could not load the open auctions: ${answer.error.message}.`);
        return;
      }
      /** @type {any[]} */
      const items = Array.isArray(answer.body?.items) ? answer.body.items : [];
      note.dataset.tone = 'info';
      setText(note, items.length === 0 ? 'No auction is open right now.' : '');
      countdowns = [];
      replace(list, items.map((a) => {
        const left = el('span', { class: 'countdown' });
        countdowns.push({ node: left, endsAtMs: Date.parse(a.endsAt) });
        const bids = a.bidCount === 1 ? '1 bid' : `${a.bidCount} bids`;
        return el('li', { class: 'auction-card', 'data-auction-id': a.auctionId },
          el('h2', {}, el('a', { href: auctionHref(a.auctionId) }, a.title)),
          el('p', {},
            el('span', { class: 'price' }, ctx.money(a.currentPrice, a.currency)),
            ` · ${bids} · ends in `, left),
          a.youLead === true ? el('p', { class: 'badge you' }, 'You are the highest bidder') : null);
      }));
      tick();
    } finally {
      loading = false;
    }
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
    el('p', {}, el('button', { type: 'button', class: 'secondary', onclick: () => void load() }, 'Refresh')),
    note,
    list,
    openForm,
    session?.roles.includes('seller') === true ? sellForm(ctx) : null,
  );

  void load();
  const ticker = setInterval(tick, 500);
  const refresher = setInterval(() => {
    if (document.visibilityState === 'visible') void load();
  }, REFRESH_MS);
  return {
    element,
    dispose: () => {
      clearInterval(ticker);
      clearInterval(refresher);
    },
  };
}
