// A timed sale (`#/sales/<id>`, GET /v1/sales/:id): its lots in lot order, each a card with its
// price, bids, time left on the server's clock and how it ended, linking to the lot's own auction
// view; kept current over the live connection, so the lots are seen closing one by one. The socket
// takes a bounded number of subscriptions, so the page follows the first LIST_SUBSCRIPTION_LIMIT
// lots still open (the next to close), moving on as they end; a periodic refresh catches the rest.
import { api } from '../api.js';
import { formatDateTime } from '../clock.js';
import { el, setText } from '../dom.js';
import { LIST_SUBSCRIPTION_LIMIT, auctionCard, placeInOrder } from './auction-card.js';
import { tickAndRefresh } from './timers.js';

/**
 * @typedef {import('../app.js').Context} Context
 * @typedef {import('../app.js').View} View
 * @typedef {import('./auction-card.js').Card} Card
 * @typedef {{ lotNumber: number, auctionId: string, title: string, auction: (Record<string, any> & { auctionId: string, version: number }) | null }} SaleLot
 * @typedef {{ card: Card, lotNumber: number, status: string, stop: (() => void) | undefined }} LotEntry
 */

const REFRESH_MS = 10_000;

/** @param {string} id */
export const saleHref = (id) => `#/sales/${encodeURIComponent(id)}`;

/** @param {string} status */
const stillOpen = (status) => status === 'open' || status === 'scheduled';

/**
 * Which lots to follow: the first `limit` still open, in lot order (pure).
 * @param {{ lotNumber: number, status: string }[]} lots
 * @param {number} limit
 * @returns {Set<number>} their lot numbers
 */
export function lotsToFollow(lots, limit) {
  return new Set([...lots].sort((a, b) => a.lotNumber - b.lotNumber).filter((l) => stillOpen(l.status)).slice(0, limit).map((l) => l.lotNumber));
}

/**
 * @param {Context} ctx
 * @param {string} saleId
 * @returns {View}
 */
export function saleView(ctx, saleId) {
  const heading = el('h1', { id: 'sale-title', tabindex: '-1' }, 'Sale');
  const about = el('p', { id: 'sale-about', class: 'hint' });
  const progress = el('p', { id: 'sale-progress', role: 'status' });
  const note = el('p', { id: 'sale-note', class: 'form-message', role: 'alert' });
  const list = el('ol', { id: 'lot-list', class: 'auction-list lot-list', 'aria-labelledby': 'sale-title', 'aria-busy': 'true' });
  /** @type {Map<number, LotEntry>} */
  const lots = new Map();
  let disposed = false;

  const showProgress = () => {
    const ended = [...lots.values()].filter((l) => !stillOpen(l.status)).length;
    list.dataset.closed = String(ended);
    setText(progress, lots.size === 0 ? '' : ended === lots.size ? `All ${lots.size} lots have closed.` : `${ended} of ${lots.size} lots closed.`);
  };

  /** Follows the next lots to close, and stops following those that ended or fell behind. */
  const follow = () => {
    const wanted = lotsToFollow([...lots.values()], LIST_SUBSCRIPTION_LIMIT);
    for (const [lotNumber, entry] of lots) {
      if (wanted.has(lotNumber)) {
        entry.stop ??= ctx.live.watch(entry.card.auctionId, {
          onSnapshot: (snapshot) => changed(entry, snapshot),
          onUpdate: (update) => changed(entry, update),
          onError: () => undefined,
        });
      } else if (entry.stop !== undefined && stillOpen(entry.status)) {
        entry.stop();
        entry.stop = undefined;
      }
    }
  };

  /**
   * @param {LotEntry} entry
   * @param {Record<string, any>} incoming
   */
  const changed = (entry, incoming) => {
    entry.card.update(incoming);
    const status = entry.card.element.dataset.status ?? entry.status;
    if (status === entry.status) return;
    entry.status = status;
    showProgress();
    // A lot ended: the next one still open is followed in its place.
    if (!stillOpen(status)) queueMicrotask(follow);
  };

  const load = async () => {
    const answer = await api.sale(saleId, ctx.session()?.token);
    if (disposed) return;
    list.setAttribute('aria-busy', 'false');
    if (!answer.ok) {
      note.dataset.tone = 'error';
      setText(note, answer.status === 404 ? `There is no sale ${saleId}.` : `Could not load the sale: ${answer.error.message}.`);
      return;
    }
    setText(note, '');
    const sale = answer.body;
    setText(heading, sale.title);
    document.title = `${sale.title}: Gavelstream`;
    const every = sale.staggerMs >= 1000 ? `${sale.staggerMs / 1000} s` : `${sale.staggerMs} ms`;
    setText(about, `${sale.lots.length} lot${sale.lots.length === 1 ? '' : 's'}, closing one every ${every} from ${formatDateTime(sale.firstEndsAt)}`
      + `${sale.holdBack ? '; a lot never closes before the one before it' : ''}${sale.softClose !== null ? `; a bid in a lot's last ${sale.softClose.windowSeconds} s extends that lot` : ''}.`);
    for (const lot of /** @type {SaleLot[]} */ (sale.lots)) {
      if (lot.auction === null) continue;
      const known = lots.get(lot.lotNumber);
      if (known !== undefined) {
        changed(known, lot.auction);
        continue;
      }
      const card = auctionCard(ctx, lot.auction);
      card.element.dataset.lotNumber = String(lot.lotNumber);
      card.element.querySelector('h2')?.prepend(el('span', { class: 'lot-number' }, `Lot ${lot.lotNumber}: `));
      lots.set(lot.lotNumber, { card, lotNumber: lot.lotNumber, status: lot.auction.status, stop: undefined });
    }
    placeInOrder(list, [...lots.values()].sort((a, b) => a.lotNumber - b.lotNumber).map((l) => l.card.element));
    showProgress();
    follow();
    tick();
  };

  const tick = () => {
    const now = ctx.clock.now();
    for (const entry of lots.values()) entry.card.tick(now);
  };

  const element = el('div', { class: 'sale', 'data-sale-id': saleId },
    heading, about, progress, note, list,
    el('p', {}, el('button', { type: 'button', class: 'secondary', onclick: () => void load() }, 'Refresh the sale')));

  void load();
  const stopTimers = tickAndRefresh(tick, load, REFRESH_MS);
  return {
    element,
    dispose: () => {
      disposed = true;
      stopTimers();
      for (const entry of lots.values()) entry.stop?.();
    },
  };
}
