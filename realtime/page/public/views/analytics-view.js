// The analysts' page (`#/analytics`, `#/analytics/<auctionId>`; role analyst): the market's
// summary figures and four Chart.js charts over `GET /v1/analytics/...`: the price curve of a chosen
// auction, bids per minute, sell-through and the sniping share by period. The charts update live
// without being drawn again from scratch: the chosen auction's curve gains a point from each
// `auction.updated` frame of the live connection (the frame carries the new price), and the market
// figures are fetched again every few seconds and shortly after each frame, conditionally on their
// ETag (a 304 changes nothing), their data changed in place.
import { api } from '../api.js';
import { el, replace, setText } from '../dom.js';
import { chartPanel, loadChartJs, paletteColour } from './chart-panel.js';

/**
 * @typedef {import('../app.js').Context} Context
 * @typedef {import('../app.js').View} View
 * @typedef {import('./chart-panel.js').ChartPanel} ChartPanel
 * @typedef {'minute' | 'hour' | 'day'} Bucket
 */

/** How often the market figures are fetched again while the page is visible. */
const REFRESH_MS = 5_000;
/** How long after a frame the market figures are fetched again (the analytics projector follows the log). */
const AFTER_FRAME_MS = 1_000;
/** The auctions the chooser offers: the most recently listed. */
const CHOOSER_SIZE = 20;

/** @type {Record<Bucket, string>} */
const bucketTexts = { minute: 'By minute, the last hour', hour: 'By hour, the last 24 hours', day: 'By day, the last 30 days' };

/** A period's start as its label (UTC). @param {string} iso @param {Bucket} bucket */
const periodLabel = (iso, bucket) => (bucket === 'day' ? iso.slice(0, 10) : bucket === 'hour' ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16));
/** @param {number | null} rate */
const percent = (rate) => (rate === null ? null : Math.round(rate * 1000) / 10);
/** @param {number} value */
const percentText = (value) => `${value}%`;
/** @param {number | null} seconds */
const secondsText = (seconds) => (seconds === null ? '–' : seconds < 120 ? `${Math.round(seconds * 10) / 10} s` : `${Math.round(seconds / 6) / 10} min`);

/**
 * @param {Context} ctx
 * @param {string | undefined} chosenId the auction whose price curve shows first
 * @returns {View}
 */
export function analyticsView(ctx, chosenId) {
  const session = ctx.session();
  const heading = el('h1', { id: 'analytics-title', tabindex: '-1' }, 'Market analytics');
  if (session === undefined) {
    return {
      element: el('div', { class: 'analytics' }, heading,
        el('p', {}, 'Sign in as an analyst to see the market figures. ', el('button', { type: 'button', class: 'secondary', onclick: () => ctx.focusSignIn() }, 'Sign in'))),
      dispose: () => undefined,
    };
  }
  if (!session.roles.includes('analyst')) {
    return { element: el('div', { class: 'analytics' }, heading, el('p', {}, 'The market figures are for analysts: your sign-in lacks the analyst role.')), dispose: () => undefined };
  }
  const token = session.token;

  const note = el('p', { id: 'analytics-note', class: 'form-message', role: 'status' });
  const summary = el('dl', { id: 'analytics-summary', class: 'figures', 'aria-busy': 'true' });
  const auction = el('select', { id: 'analytics-auction', name: 'auction' });
  const bucket = /** @type {HTMLSelectElement} */ (el('select', { id: 'analytics-bucket', name: 'bucket' },
    /** @type {Bucket[]} */ (['minute', 'hour', 'day']).map((b) => el('option', { value: b, selected: b === 'hour' }, bucketTexts[b]))));
  const charts = el('div', { class: 'chart-grid', 'aria-busy': 'true' });
  const element = el('div', { class: 'analytics', id: 'analytics', 'data-refreshes': '0', 'data-unchanged': '0' },
    heading,
    el('p', { class: 'hint' }, 'Figures from the analytics tables, kept current from the event log; times in UTC.'),
    note,
    el('h2', {}, 'All time'),
    summary,
    el('form', { class: 'inline-form analytics-controls', 'aria-label': 'What the charts show', onsubmit: (/** @type {Event} */ e) => e.preventDefault() },
      el('p', { class: 'field' }, el('label', { for: 'analytics-auction' }, 'Auction'), auction),
      el('p', { class: 'field' }, el('label', { for: 'analytics-bucket' }, 'Periods'), bucket)),
    charts);

  let disposed = false;
  /** @type {Map<string, string>} the ETag of each path's last answer */
  const etags = new Map();
  /** @type {Map<string, any>} each path's last body */
  const bodies = new Map();
  const count = (/** @type {string} */ name) => { element.dataset[name] = String(Number(element.dataset[name] ?? '0') + 1); };

  /**
   * The body of `path` if it changed since the last fetch, else undefined (304, or a failure shown in the note).
   * @param {string} path
   */
  const fetchChanged = async (path) => {
    const answer = await api.analytics(path, token, etags.get(path));
    if (disposed) return undefined;
    count('refreshes');
    if (answer.status === 304) {
      count('unchanged');
      return undefined;
    }
    if (!answer.ok) {
      note.dataset.tone = 'error';
      setText(note, `Could not load ${path.split('?')[0]}: ${answer.error.message}.`);
      return undefined;
    }
    const etag = answer.headers.get('etag');
    if (etag !== null) etags.set(path, etag);
    bodies.set(path, answer.body);
    return answer.body;
  };

  // ---- the summary ----
  /** @param {any} s */
  const showSummary = (s) => {
    /** @type {[string, string, string][]} */
    const figures = [
      ['auctions', 'Auctions listed', String(s.auctions)],
      ['open', 'Open', String(s.open)],
      ['ended', 'Ended (sold or unsold)', String(s.ended)],
      ['sold', 'Sold', String(s.sold)],
      ['unsold', 'Unsold', String(s.unsold)],
      ['cancelled', 'Cancelled', String(s.cancelled)],
      ['sell-through', 'Sell-through', s.sellThroughRate === null ? '–' : percentText(/** @type {number} */ (percent(s.sellThroughRate)))],
      ['bids', 'Bids', String(s.bids)],
      ['last-minute-bids', 'Bids in the last minute', String(s.lastMinuteBids)],
      ['sniping', 'Sniping share', s.snipingShare === null ? '–' : percentText(/** @type {number} */ (percent(s.snipingShare)))],
      ['extensions', 'Extensions per ended auction', s.averageExtensions === null ? '–' : String(Math.round(s.averageExtensions * 100) / 100)],
      ['first-bid', 'Time to first bid (average)', secondsText(s.averageSecondsToFirstBid)],
      ['revenue', 'Revenue', s.revenue.length === 0 ? '–' : s.revenue.map((/** @type {any} */ r) => `${ctx.money(r.revenue, r.currency)} (${r.sold} sold)`).join(', ')],
    ];
    replace(summary, figures.map(([id, label, value]) => el('div', { class: 'figure' }, el('dt', {}, label), el('dd', { id: `summary-${id}` }, value))));
    summary.setAttribute('aria-busy', 'false');
  };

  // ---- the charts (made once Chart.js has loaded) ----
  /** @type {{ price: ChartPanel, bids: ChartPanel, sellThrough: ChartPanel, sniping: ChartPanel } | undefined} */
  let panels;
  /** The chosen auction's currency and curve: the API's points, then a point from each frame. */
  const curve = { auctionId: /** @type {string | undefined} */ (undefined), currency: 'USD', labels: /** @type {string[]} */ ([]), prices: /** @type {number[]} */ ([]), version: 0 };
  /** @type {(() => void) | undefined} */
  let unwatch;

  const drawCurve = () => panels?.price.update(curve.labels, [{ label: 'Price', data: curve.prices, colour: paletteColour('--accent') }]);

  /** The chosen auction's curve from the API; kept unless it holds at least the points the frames added. */
  const loadCurve = async () => {
    const id = curve.auctionId;
    if (id === undefined) return;
    const body = await fetchChanged(`auctions/${encodeURIComponent(id)}`);
    if (body === undefined || disposed || id !== curve.auctionId) return;
    curve.currency = body.currency;
    if (body.priceCurve.length >= curve.prices.length) {
      curve.labels = body.priceCurve.map((/** @type {any} */ p) => p.at.slice(11, 19));
      curve.prices = body.priceCurve.map((/** @type {any} */ p) => p.price);
      drawCurve();
    }
  };

  /** @param {string | undefined} id */
  const choose = (id) => {
    unwatch?.();
    unwatch = undefined;
    curve.auctionId = id;
    curve.labels = [];
    curve.prices = [];
    curve.version = 0;
    drawCurve();
    if (id === undefined) return;
    history.replaceState(null, '', `#/analytics/${encodeURIComponent(id)}`);
    void loadCurve();
    unwatch = ctx.live.watch(id, {
      onSnapshot: (snapshot) => { curve.version = Math.max(curve.version, snapshot.version); },
      onUpdate: (frame) => {
        if (frame.auctionId !== curve.auctionId || frame.version <= curve.version) return;
        curve.version = frame.version;
        if (typeof frame.currentPrice === 'number') {
          curve.labels.push(new Date(ctx.clock.now()).toISOString().slice(11, 19));
          curve.prices.push(frame.currentPrice);
          drawCurve();
        }
        soon();
      },
      onError: (_code, message) => {
        note.dataset.tone = 'error';
        setText(note, `Live updates of this auction stopped: ${message}`);
      },
    });
  };
  auction.addEventListener('change', () => choose(auction.value === '' ? undefined : auction.value));

  const loadChooser = async () => {
    const body = await fetchChanged(`auctions?limit=${CHOOSER_SIZE}`);
    if (body === undefined) return;
    /** @type {any[]} */
    const items = body.items;
    const ids = items.map((a) => a.auctionId);
    if (chosenId !== undefined && !ids.includes(chosenId)) ids.unshift(chosenId);
    // Titles are in the public view, not in the analytics tables.
    const titles = await Promise.all(ids.map(async (id) => {
      const view = await api.auction(id, token);
      return view.ok && typeof view.body?.title === 'string' ? view.body.title : id;
    }));
    if (disposed) return;
    const selected = curve.auctionId ?? chosenId ?? ids[0];
    replace(auction, ids.map((id, i) => {
      const figures = items.find((a) => a.auctionId === id);
      return el('option', { value: id, selected: id === selected }, figures === undefined ? titles[i] : `${titles[i]} (${figures.status}, ${figures.currency})`);
    }));
    if (curve.auctionId === undefined && selected !== undefined) choose(selected);
  };

  const loadMarket = async () => {
    const b = /** @type {Bucket} */ (bucket.value);
    const [s, perMinute, sell, snipe] = await Promise.all([
      fetchChanged('summary'), fetchChanged('bids-per-minute'), fetchChanged(`sell-through?bucket=${b}`), fetchChanged(`sniping?bucket=${b}`),
    ]);
    if (disposed || panels === undefined) return;
    if (s !== undefined) showSummary(s);
    if (perMinute !== undefined) {
      panels.bids.update(perMinute.items.map((/** @type {any} */ m) => m.minute.slice(11, 16)), [
        { label: 'Bids', data: perMinute.items.map((/** @type {any} */ m) => m.bids), colour: paletteColour('--accent') },
        { label: 'In an auction\u2019s last minute', data: perMinute.items.map((/** @type {any} */ m) => m.lastMinuteBids), colour: paletteColour('--other') },
      ]);
    }
    if (sell !== undefined) {
      panels.sellThrough.update(sell.items.map((/** @type {any} */ p) => periodLabel(p.period, b)), [
        { label: 'Sold, % of ended', data: sell.items.map((/** @type {any} */ p) => percent(p.rate)), colour: paletteColour('--you') },
      ]);
    }
    if (snipe !== undefined) {
      panels.sniping.update(snipe.items.map((/** @type {any} */ p) => periodLabel(p.period, b)), [
        { label: 'Bids in the last minute, %', data: snipe.items.map((/** @type {any} */ p) => percent(p.share)), colour: paletteColour('--other') },
      ]);
    }
    charts.setAttribute('aria-busy', 'false');
  };
  bucket.addEventListener('change', () => void loadMarket());

  const refresh = async () => {
    await Promise.all([loadMarket(), loadCurve(), loadChooser()]);
  };
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let soonTimer;
  /** Fetches the market figures again shortly (a frame said something changed). */
  const soon = () => {
    if (soonTimer !== undefined) return;
    soonTimer = setTimeout(() => {
      soonTimer = undefined;
      void loadMarket();
    }, AFTER_FRAME_MS);
  };

  const refresher = setInterval(() => {
    if (document.visibilityState === 'visible') void refresh();
  }, REFRESH_MS);

  void (async () => {
    let Chart;
    try {
      Chart = await loadChartJs();
    } catch (error) {
      note.dataset.tone = 'error';
      setText(note, `The charts could not load: ${error instanceof Error ? error.message : String(error)}.`);
      return;
    }
    if (disposed) return;
    // Axis ticks fall between whole minor units too: those stay unlabelled.
    const money = (/** @type {number} */ value) => (Number.isInteger(value) ? ctx.money(value, curve.currency) : '');
    const whole = (/** @type {number} */ value) => (Number.isInteger(value) ? String(value) : '');
    panels = {
      price: chartPanel(Chart, { id: 'chart-price', title: 'Price curve', description: 'the chosen auction\u2019s visible price after each bid (UTC).', type: 'line', format: money }),
      bids: chartPanel(Chart, { id: 'chart-bids', title: 'Bids per minute', description: 'across the market, the last hour (UTC).', type: 'bar', format: whole }),
      sellThrough: chartPanel(Chart, { id: 'chart-sell-through', title: 'Sell-through', description: 'auctions sold, as a share of those that ended.', type: 'bar', format: percentText, yMax: 100 }),
      sniping: chartPanel(Chart, { id: 'chart-sniping', title: 'Sniping share', description: 'bids placed in an auction\u2019s last minute, as a share of all bids.', type: 'bar', format: percentText, yMax: 100 }),
    };
    replace(charts, panels.price.element, panels.bids.element, panels.sellThrough.element, panels.sniping.element);
    if (chosenId !== undefined) choose(chosenId);
    await refresh();
  })();

  return {
    element,
    dispose: () => {
      disposed = true;
      clearInterval(refresher);
      clearTimeout(soonTimer);
      unwatch?.();
      if (panels !== undefined) for (const panel of Object.values(panels)) panel.destroy();
    },
  };
}
