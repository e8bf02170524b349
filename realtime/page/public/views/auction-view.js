// One auction, live: the price, the leader (you or someone else), the reserve and how it ended in a
// polite live region; the countdown on the server's clock and the end's date, time and time zone (a
// soft-close extension moves it and is announced); the bid form (maximum typed in major units, sent
// as integer minor units with a fresh Idempotency-Key per attempt) with the minimum next bid kept
// current and a sentence for every refusal (cleared when the price moves); buy-now while offered; a
// watch button; and the public bid history saying what each bid did.
//
// Where the state comes from: `GET /v1/auctions/:id` (everything, and with a token the caller's
// pseudonym), the realtime snapshot, then `auction.updated` frames. Each carries the stream version;
// newer live fields win, older answers only fill in what is missing.
//
// A sealed-bid auction (views/sealed-text.js) shows its format, the bid count and the caller's own
// sealed bid with a form to place or raise it; after the close the winner, the price and the
// revealed ranking.
import { api } from '../api.js';
import { formatClockTime, formatDateTime, formatRemaining } from '../clock.js';
import { el, replace, setText } from '../dom.js';
import { newIdempotencyKey } from '../ids.js';
import { acceptedMessage, refusedMessage } from '../messages.js';
import { parseAmount, toDecimalString } from '../money.js';
import { bidOutcome, minimumBidText, outcomeText, reserveText } from './auction-text.js';
import { buyNowPanel } from './buy-now.js';
import { dutchPanel } from './dutch-panel.js';
import { secondChancePanel } from './second-chance.js';
import { watchButton } from './watch-button.js';
import { formatText, isSealed, revealedRanking, sealedHint, sealedLeaderText, yourSealedBidText } from './sealed-text.js';

/**
 * @typedef {import('../app.js').Context} Context
 * @typedef {import('../app.js').View} View
 * @typedef {Record<string, any> & { version: number }} AuctionState
 */

const HISTORY_LIMIT = 25;
const RETRY_MS = 1_000;
const NOT_FOUND_RETRIES = 8;

/**
 * @param {Context} ctx
 * @param {string} auctionId
 * @returns {View}
 */
export function auctionView(ctx, auctionId) {
  /** @type {AuctionState | undefined} */
  let auction;
  /** @type {string | undefined} */
  let yourPseudonym;
  /** Your highest maximum here, when known (your view's `yourMaxAmount`, your accepted bids). @type {number | undefined} */
  let yourMax;
  /** @type {number | undefined} */
  let shownEndsAtMs;
  /** Whether the auction has a reserve, when known (the seller sees it; an unmet reserve shows one). @type {boolean | undefined} */
  let hasReserve;
  /** The price when the form's last message was written: a move of the price clears it. @type {number | undefined} */
  let messagePrice;
  let disposed = false;
  /** @type {ReturnType<typeof setTimeout>[]} */
  const timers = [];
  /** @param {() => void} fn @param {number} ms */
  const later = (fn, ms) => {
    timers.push(setTimeout(() => {
      if (!disposed) fn();
    }, ms));
  };

  // ---- the DOM, built once; renders update text and attributes only (focus stays put) ----------
  const heading = el('h1', { id: 'auction-title', tabindex: '-1' }, 'Loading the auction…');
  const description = el('p', { class: 'description' });
  const price = el('strong', { id: 'price', class: 'price' }, '–');
  const leader = el('p', { id: 'leader', class: 'leader', 'data-leader': 'none' });
  const priceLabel = el('span', { class: 'label' }, 'Current price ');
  const reserve = el('p', { id: 'reserve', class: 'reserve' });
  const outcome = el('p', { id: 'outcome', class: 'outcome' });
  const summary = el('div', { id: 'live-summary', 'aria-live': 'polite', 'aria-atomic': 'true' },
    outcome,
    el('p', { class: 'price-line' }, priceLabel, price),
    leader,
    reserve);
  const bidCount = el('span', { id: 'bid-count' });
  const starting = el('span', { id: 'starting-price' });
  const liveBadge = el('span', { id: 'live-badge', class: 'live-badge' });
  const endsLabel = el('span', { id: 'ends-label' }, 'Ends in');
  const countdown = el('span', { id: 'countdown', role: 'timer', 'aria-live': 'off' }, '–');
  const endsTime = el('time', { id: 'ends-time' });
  const extendedBadge = el('span', { id: 'extended', class: 'badge extended', hidden: true }, 'extended');
  const ends = el('p', { id: 'ends', class: 'ends' }, endsLabel, ' ', countdown, ' · ', endsTime, ' ', extendedBadge);
  const statusNote = el('p', { id: 'status-note', class: 'status-note', role: 'status' });
  const formatNote = el('p', { id: 'format', class: 'format', hidden: true });
  const yourSealed = el('p', { id: 'your-sealed-bid', class: 'your-sealed-bid', hidden: true });
  const rankingList = el('ol', { id: 'ranking', class: 'ranking' });
  const rankingPanel = el('section', { id: 'ranking-panel', class: 'ranking-panel', 'aria-labelledby': 'ranking-heading', hidden: true },
    el('h2', { id: 'ranking-heading' }, 'Revealed bids, highest first'), rankingList);
  const formHeading = el('h2', { id: 'bid-heading' }, 'Place a bid');

  const amount = el('input', {
    id: 'bid-amount', name: 'maxAmount', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'bid-hint bid-error',
  });
  const amountLabel = el('label', { for: 'bid-amount' }, 'Your maximum bid');
  const hint = el('p', { id: 'bid-hint', class: 'hint' });
  const submit = el('button', { type: 'submit', id: 'bid-submit' }, 'Place bid');
  const bidError = el('p', { id: 'bid-error', class: 'form-message', 'data-tone': 'error', role: 'alert' });
  const bidResult = el('p', { id: 'bid-result', class: 'form-message', role: 'status' });
  const suggestion = el('p', { id: 'bid-suggestion' });
  const form = el('form', { id: 'bid-form', class: 'bid-form', 'aria-labelledby': 'bid-heading', novalidate: true },
    formHeading, yourSealed,
    el('p', { class: 'field' }, amountLabel, amount), hint, submit, bidError, suggestion, bidResult);
  const buyNow = buyNowPanel(ctx, auctionId, {
    bought: () => {
      // The answer comes before the frame: clear what the bid form said.
      clearMessages();
    },
  });
  // A Dutch auction takes no bids: its panel shows the clock and accepts its price instead of the form.
  const dutch = dutchPanel(ctx, auctionId, { price, bought: () => clearMessages() });
  const watch = watchButton(ctx, auctionId);
  const secondChance = secondChancePanel(ctx, auctionId);

  const historyBody = el('tbody');
  const historyNote = el('p', { id: 'history-note', class: 'hint' });
  const history = el('table', { id: 'history', class: 'history' },
    el('caption', {}, 'Accepted bids, newest first'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Time'), el('th', { scope: 'col' }, 'Bidder'), el('th', { scope: 'col' }, 'Price after the bid'), el('th', { scope: 'col' }, 'Notes'))),
    historyBody);

  const element = el('article', { class: 'auction', 'aria-labelledby': 'auction-title', 'data-auction-id': auctionId },
    el('p', {}, el('a', { href: '#/' }, '← All open auctions')),
    heading,
    el('p', { class: 'auction-actions' }, watch),
    description,
    formatNote,
    statusNote,
    el('div', { class: 'auction-body', hidden: true },
      el('section', { class: 'live-panel', 'aria-label': 'Price and time left' },
        summary,
        el('p', { class: 'meta' }, bidCount, ' · ', starting, ' · ', liveBadge),
        ends),
      dutch.element,
      form,
      buyNow.element,
      rankingPanel,
      secondChance.element,
      el('section', { class: 'history-panel', 'aria-labelledby': 'history-heading' },
        el('h2', { id: 'history-heading' }, 'Bid history'), history, historyNote)));
  const body = /** @type {HTMLElement} */ (element.querySelector('.auction-body'));
  const historyPanel = /** @type {HTMLElement} */ (element.querySelector('.history-panel'));

  // ---- state ------------------------------------------------------------------------------------
  /** @param {number} minor */
  const money = (minor) => (auction === undefined ? String(minor) : ctx.money(minor, auction.currency));

  /**
   * Takes what an answer or frame says about the auction: a newer version's fields win; an older
   * one only fills in fields not known yet (such as the description, absent from frames).
   * @param {Record<string, any>} incoming
   */
  const merge = (incoming) => {
    if (typeof incoming.version !== 'number') return;
    if (typeof incoming.status !== 'string' && typeof incoming.outcome === 'string') {
      // A live-cache shape: the status of a live auction follows from the clock.
      const live = incoming.outcome === 'live';
      incoming = { ...incoming, status: !live ? incoming.outcome : Date.parse(incoming.startsAt) > ctx.clock.now() ? 'scheduled' : 'open' };
    }
    if (typeof incoming.yourPseudonym === 'string') yourPseudonym = incoming.yourPseudonym;
    if (typeof incoming.yourMaxAmount === 'number') yourMax = Math.max(yourMax ?? 0, incoming.yourMaxAmount);
    if (Object.hasOwn(incoming, 'reservePrice')) hasReserve = incoming.reservePrice !== null;
    if (incoming.reserveMet === false) hasReserve = true;
    const previous = auction;
    if (previous !== undefined && incoming.version >= previous.version) {
      // A newer view or frame without buy-now or a minimum: they are gone (frames say null).
      incoming = { ...incoming };
      const fullView = typeof incoming.title === 'string';
      for (const key of ['buyNowPrice', 'minimumBid']) {
        if (incoming[key] === null || (fullView && !(key in incoming))) incoming[key] = undefined;
      }
    }
    auction = previous === undefined ? /** @type {AuctionState} */ ({ ...incoming })
      : incoming.version >= previous.version ? { ...previous, ...incoming } : { ...incoming, ...previous };
    render(previous);
  };

  /** @param {AuctionState | undefined} previous */
  const render = (previous) => {
    const a = auction;
    if (a === undefined) return;
    if (previous === undefined) {
      body.hidden = false;
      if (statusNote.dataset.tone !== 'error') setText(statusNote, '');
    }
    if (typeof a.title === 'string') {
      setText(heading, a.title);
      document.title = `${a.title} · Gavelstream`;
    }
    setText(description, typeof a.description === 'string' ? a.description : '');
    const sealed = isSealed(a.format);
    setText(formatNote, formatText(a.format));
    formatNote.hidden = formatText(a.format) === '';
    element.dataset.format = typeof a.format === 'string' ? a.format : 'english';
    if (typeof a.currency === 'string') {
      setText(price, money(a.currentPrice));
      setText(starting, `starting price ${money(a.startingPrice)}`);
      setText(amountLabel, sealed ? `Your sealed bid (${a.currency})` : `Your maximum bid (${a.currency})`);
      yourSealed.hidden = !sealed || ctx.session() === undefined;
      setText(yourSealed, sealed ? yourSealedBidText(yourMax, money) : '');
    }
    setText(formHeading, sealed ? 'Your sealed bid' : 'Place a bid');
    if (form.getAttribute('aria-busy') !== 'true') setText(submit, submitLabel(a));
    setText(bidCount, a.format === 'dutch' ? 'Dutch auction' : a.bidCount === 1 ? '1 bid' : `${a.bidCount} bids`);
    const ended = a.status === 'sold' || a.status === 'unsold' || a.status === 'cancelled';
    setText(priceLabel, a.status === 'sold' ? 'Final price ' : sealed ? 'Starting price ' : ended ? 'Last price ' : 'Current price ');
    setText(outcome, typeof a.currency === 'string' ? outcomeText(a, money) : '');
    outcome.dataset.status = a.status;
    setText(reserve, reserveText(a, { hasReserve }));
    reserve.dataset.met = String(a.reserveMet === true);
    renderLeader(a);
    renderEnds(a, previous);
    // The price moved to another than the one the form's message was written for: it no longer holds.
    if (messagePrice !== undefined && previous !== undefined && previous.currentPrice !== a.currentPrice && a.currentPrice !== messagePrice) clearMessages();
    renderForm(a);
    const isDutch = a.format === 'dutch';
    buyNow.render(isDutch ? { ...a, buyNowPrice: undefined } : a, yourPseudonym);
    dutch.render(a);
    secondChance.render(a);
    form.hidden = isDutch;
    historyPanel.hidden = isDutch;
    if (previous === undefined || previous.bidCount !== a.bidCount || previous.version !== a.version) refreshHistory();
  };

  /** What the bid button says: a sealed auction's places the caller's sealed bid, then raises it. @param {AuctionState} a */
  const submitLabel = (a) => (!isSealed(a.format) ? 'Place bid' : yourMax === undefined ? 'Place sealed bid' : 'Raise sealed bid');

  /** @param {AuctionState} a */
  const renderLeader = (a) => {
    const you = a.leader !== null && a.leader !== undefined && a.leader === yourPseudonym;
    const ended = a.status === 'sold' || a.status === 'unsold' || a.status === 'cancelled';
    leader.dataset.leader = a.leader === null || a.leader === undefined ? 'none' : you ? 'you' : 'other';
    if (isSealed(a.format)) {
      setText(leader, sealedLeaderText(a, you));
      return;
    }
    let text;
    if (a.status === 'cancelled') text = 'The auction was cancelled.';
    else if (a.status === 'unsold') text = 'The auction ended without a sale.';
    else if (a.leader === null || a.leader === undefined) text = ended ? 'The auction ended.' : a.format === 'dutch' ? 'No taker yet.' : 'No bids yet.';
    else if (a.status === 'sold') text = you ? 'You won this auction.' : `Sold to someone else (${a.leader}).`;
    else text = you ? 'You are the highest bidder.' : `Someone else is the highest bidder (${a.leader}).`;
    setText(leader, text);
  };

  /**
   * @param {AuctionState} a
   * @param {AuctionState | undefined} previous
   */
  const renderEnds = (a, previous) => {
    const endsAtMs = Date.parse(a.endsAt);
    if (Number.isNaN(endsAtMs)) return;
    ends.dataset.endsAt = a.endsAt;
    endsTime.setAttribute('datetime', a.endsAt);
    const ended = a.status !== 'open' && a.status !== 'scheduled';
    setText(endsTime, `${ended ? '' : 'ends '}${formatDateTime(ended && typeof a.endedAt === 'string' ? a.endedAt : endsAtMs)}`);
    if (shownEndsAtMs !== undefined && endsAtMs > shownEndsAtMs && a.status === 'open' && previous !== undefined) {
      extendedBadge.hidden = false;
      ends.dataset.extended = 'true';
      statusNote.dataset.tone = 'info';
      setText(statusNote, `A late bid extended the auction: it now ends at ${formatClockTime(endsAtMs)}.`);
    }
    shownEndsAtMs = endsAtMs;
    if (a.status !== 'open' && a.status !== 'scheduled') {
      setText(endsLabel, 'Ended');
      countdown.hidden = true;
      extendedBadge.hidden = true;
      if (previous !== undefined && previous.status !== a.status) setText(statusNote, 'Bidding has ended.');
    }
    tick();
  };

  const tick = () => {
    const a = auction;
    if (a === undefined || shownEndsAtMs === undefined) return;
    dutch.tick();
    const now = ctx.clock.now();
    if (a.status === 'scheduled') {
      const startsAtMs = Date.parse(a.startsAt);
      if (startsAtMs <= now) {
        // Opening is a moment on the clock, not an event: no frame comes for it.
        auction = { ...a, status: 'open' };
        renderForm(auction);
        return;
      }
      setText(endsLabel, 'Opens in');
      setText(countdown, formatRemaining(startsAtMs - now));
    } else if (a.status === 'open') {
      setText(endsLabel, 'Ends in');
      setText(countdown, shownEndsAtMs > now ? formatRemaining(shownEndsAtMs - now) : 'closing…');
    }
  };

  /** @param {AuctionState} a */
  const renderForm = (a) => {
    const session = ctx.session();
    let reason = '';
    if (session === undefined) reason = 'Sign in (at the top of the page) to bid.';
    else if (!session.roles.includes('bidder')) reason = 'Your sign-in lacks the bidder role, so you cannot bid.';
    else if (a.status === 'scheduled') reason = `Bidding opens at ${formatClockTime(a.startsAt)}.`;
    else if (a.status !== 'open' && a.status !== undefined) reason = 'Bidding has ended.';
    const blocked = reason !== '';
    amount.disabled = blocked;
    submit.disabled = blocked || form.getAttribute('aria-busy') === 'true';
    if (blocked) {
      setText(hint, reason);
      amount.removeAttribute('placeholder');
    }
    else if (session !== undefined && a.sellerId === session.sub) setText(hint, 'You are this auction\'s seller: the server refuses a seller\'s bids.');
    else if (isSealed(a.format) && typeof a.currency === 'string') {
      setText(hint, sealedHint({ startingPrice: a.startingPrice, yourBid: yourMax }, money));
      hint.dataset.minimum = String(yourMax === undefined ? a.startingPrice : yourMax + 1);
      amount.removeAttribute('placeholder');
    } else {
      const youLead = a.leader !== null && a.leader !== undefined && a.leader === yourPseudonym;
      const minimum = typeof a.currency === 'string' ? minimumBidText({ minimumBid: a.minimumBid, youLead, yourMax }, money) : '';
      setText(hint, `${minimum}${minimum === '' ? '' : ' '}Every bid is a maximum: the system bids for you up to it, one increment at a time.`);
      hint.dataset.minimum = typeof a.minimumBid === 'number' ? String(a.minimumBid) : '';
      if (typeof a.minimumBid === 'number' && typeof a.currency === 'string' && !youLead) {
        amount.setAttribute('placeholder', toDecimalString(a.minimumBid, ctx.exponentOf(a.currency)));
      } else amount.removeAttribute('placeholder');
    }
  };

  // ---- the bid form -----------------------------------------------------------------------------
  /** The attempt whose answer was lost (network, busy): retried with the same key, so it counts once. @type {{ minor: number, key: string } | undefined} */
  let unanswered;

  /** @param {string} text */
  const fieldError = (text) => {
    amount.setAttribute('aria-invalid', 'true');
    setText(bidError, text);
    messagePrice = auction?.currentPrice;
    amount.focus();
  };

  /** Clears what the form said about the last attempt (the price moved: it no longer holds). */
  const clearMessages = () => {
    messagePrice = undefined;
    amount.removeAttribute('aria-invalid');
    setText(bidError, '');
    replace(suggestion);
    setText(bidResult, '');
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const session = ctx.session();
    const a = auction;
    if (session === undefined) {
      ctx.focusSignIn();
      return;
    }
    if (a === undefined || typeof a.currency !== 'string' || form.getAttribute('aria-busy') === 'true') return;
    const parsed = parseAmount(amount.value, ctx.exponentOf(a.currency), a.currency);
    if (!parsed.ok) return fieldError(parsed.message);
    amount.removeAttribute('aria-invalid');
    setText(bidError, '');
    replace(suggestion);
    setText(bidResult, '');
    const key = unanswered !== undefined && unanswered.minor === parsed.minor ? unanswered.key : newIdempotencyKey();
    unanswered = { minor: parsed.minor, key };
    form.setAttribute('aria-busy', 'true');
    submit.disabled = true;
    setText(submit, 'Placing bid…');
    const answer = await api.bid(auctionId, parsed.minor, key, session.token);
    form.removeAttribute('aria-busy');
    setText(submit, submitLabel(a));
    if (disposed) return;
    if (answer.ok) {
      unanswered = undefined;
      if (typeof answer.body?.bidderPseudonym === 'string') yourPseudonym = answer.body.bidderPseudonym;
      yourMax = Math.max(yourMax ?? 0, parsed.minor);
      const message = isSealed(a.format)
        ? { tone: 'success', text: `Sealed bid placed: ${money(parsed.minor)}. Nobody sees it before the close.` }
        : acceptedMessage(answer.body, parsed.minor, money);
      bidResult.dataset.tone = message.tone;
      setText(bidResult, message.text);
      messagePrice = typeof answer.body?.currentPrice === 'number' ? answer.body.currentPrice : auction?.currentPrice;
      amount.value = '';
      if (auction !== undefined) render(auction);
    } else {
      const retryAfter = Number(answer.headers?.get('retry-after') ?? NaN);
      const message = refusedMessage(answer.status, answer.error, money, Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {});
      if (!message.retrySameKey) unanswered = undefined;
      if (answer.error.code === 'UNAUTHENTICATED') ctx.setSession(undefined);
      setText(bidError, isSealed(a.format) && message.minimumAmount !== undefined
        ? `Your sealed bid is too low: it must be at least ${money(message.minimumAmount)}.` : message.text);
      messagePrice = auction?.currentPrice;
      if (message.minimumAmount !== undefined) {
        const minimum = message.minimumAmount;
        replace(suggestion, el('button', {
          type: 'button', class: 'secondary',
          onclick: () => {
            amount.value = toDecimalString(minimum, ctx.exponentOf(a.currency));
            amount.focus();
          },
        }, `Use ${money(minimum)}`));
      }
    }
    if (auction !== undefined) renderForm(auction);
  });

  // ---- bid history ------------------------------------------------------------------------------
  let historyBusy = false;
  let historyAgain = false;
  const refreshHistory = async () => {
    if (historyBusy) {
      historyAgain = true;
      return;
    }
    historyBusy = true;
    try {
      do {
        historyAgain = false;
        const answer = await api.bids(auctionId, { token: ctx.session()?.token, limit: HISTORY_LIMIT, minVersion: auction?.version });
        if (disposed) return;
        if (!answer.ok) {
          setText(historyNote, `The bid history could not be loaded: ${answer.error.message}.`);
          if (answer.status === 503 || answer.status === 0) later(() => void refreshHistory(), RETRY_MS);
          return;
        }
        if (typeof answer.body?.yourPseudonym === 'string' && yourPseudonym === undefined) {
          yourPseudonym = answer.body.yourPseudonym;
          if (auction !== undefined) renderLeader(auction);
        }
        /** @type {any[]} */
        const items = Array.isArray(answer.body?.items) ? answer.body.items : [];
        replace(historyBody, items.map(historyRow));
        const sealedOpen = isSealed(auction?.format) && (auction?.status === 'open' || auction?.status === 'scheduled');
        setText(historyNote, sealedOpen ? 'Sealed bids are revealed when the auction closes.'
          : items.length === 0 ? 'No bids yet.' : answer.body.nextCursor !== null ? `The latest ${items.length} bids.` : '');
        renderRanking(items.filter((b) => b.sealed === true));
      } while (historyAgain);
    } finally {
      historyBusy = false;
    }
  };

  /** The revealed ranking of a closed sealed auction (its sealed rows in the public history). @param {any[]} rows */
  const renderRanking = (rows) => {
    rankingPanel.hidden = rows.length === 0;
    replace(rankingList, revealedRanking(rows).map((b) => el('li', { class: b.mine === true ? 'mine' : undefined, 'data-bidder': b.bidder },
      `${b.mine === true ? `You (${b.bidder})` : b.bidder}: ${money(b.price)}`)));
  };

  /** @param {any} bid */
  const historyRow = (bid) => {
    const mine = bid.mine === true;
    const notes = bid.sealed === true ? ['sealed bid', mine && typeof bid.maxAmount === 'number' ? 'yours' : ''].filter((n) => n !== '') : [
      bidOutcome({ bidder: String(bid.bidder), leader: String(bid.leader), tookLead: bid.tookLead === true, retraction: bid.retraction === true }),
      bid.retraction === true && Array.isArray(bid.retractedBidIds)
        ? `retracted ${bid.retractedBidIds.length === 1 ? 'a bid' : `${bid.retractedBidIds.length} bids`}` : '',
      bid.retracted === true ? 'later retracted' : '',
      bid.extended === true ? 'extended the end' : '',
      mine && typeof bid.maxAmount === 'number' ? `your maximum ${money(bid.maxAmount)}` : '',
    ].filter((n) => n !== '');
    return el('tr', { 'data-version': bid.version, class: mine ? 'mine' : undefined },
      el('td', {}, el('time', { datetime: bid.placedAt }, formatClockTime(bid.placedAt))),
      el('td', {}, mine ? `You (${bid.bidder})` : bid.bidder),
      el('td', {}, money(bid.price)),
      el('td', {}, notes.join(' · ')));
  };

  // ---- loading and live updates -----------------------------------------------------------------
  let notFoundTries = 0;
  const load = async () => {
    const answer = await api.auction(auctionId, ctx.session()?.token);
    if (disposed) return;
    if (answer.ok) {
      merge(answer.body);
      return;
    }
    if (answer.error.code === 'AUCTION_NOT_FOUND' && auction === undefined) {
      // A just-created auction reaches the read model a moment after the command's answer.
      notFoundTries += 1;
      if (notFoundTries <= NOT_FOUND_RETRIES) later(() => void load(), RETRY_MS);
      else setText(heading, 'No such auction');
      setText(statusNote, notFoundTries <= NOT_FOUND_RETRIES ? 'Looking for this auction…' : `There is no auction with the id ${auctionId}.`);
      return;
    }
    if (auction === undefined) setText(statusNote, `The auction could not be loaded: ${answer.error.message}.`);
  };

  let liveNotFound = 0;
  const unwatch = ctx.live.watch(auctionId, {
    onSnapshot: (snapshot) => merge(snapshot),
    onUpdate: (update) => merge(update),
    onError: (code, message) => {
      if (code === 'AUCTION_NOT_FOUND' && liveNotFound < NOT_FOUND_RETRIES) {
        liveNotFound += 1;
        later(() => ctx.live.resubscribe(auctionId), RETRY_MS);
        return;
      }
      statusNote.dataset.tone = 'error';
      setText(statusNote, `Live updates: ${message}`);
    },
  });

  const showLive = () => {
    const state = ctx.live.status.state;
    liveBadge.dataset.state = state;
    setText(liveBadge, state === 'open' ? 'live' : state === 'unavailable' ? 'not live' : state === 'offline' ? 'offline' : 'reconnecting…');
  };
  showLive();

  void load();
  const ticker = setInterval(() => {
    tick();
    showLive();
  }, 250);
  return {
    element,
    dispose: () => {
      disposed = true;
      clearInterval(ticker);
      for (const t of timers) clearTimeout(t);
      unwatch();
    },
  };
}
