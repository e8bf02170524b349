// The live bidding page: reads the server's page configuration, keeps the sign-in and the live
// connection, and shows one view at a time by the address's fragment: `#/` the open auctions ending
// soonest, `#/auctions/<id>` one auction. Plain ES modules, no framework, no build step.
import { api, watchDateHeaders } from './api.js';
import { ServerClock } from './clock.js';
import { byId, el, replace, setText } from './dom.js';
import { LiveConnection } from './live.js';
import { formatMoney } from './money.js';
import { isExpired, loadSession, saveSession } from './session.js';
import { renderSession } from './views/session-panel.js';
import { auctionView } from './views/auction-view.js';
import { listingView } from './views/listing-view.js';

/**
 * @typedef {import('./session.js').Session} Session
 * @typedef {import('./live.js').LiveStatus} LiveStatus
 * @typedef {{ realtime: { port: number, path: string } | null, devTokens: { enabled: boolean, message: string }, currencies: Record<string, number> }} PageConfig
 * @typedef {{ element: HTMLElement, dispose: () => void }} View
 * @typedef {{
 *   config: PageConfig,
 *   clock: ServerClock,
 *   live: LiveConnection,
 *   session: () => Session | undefined,
 *   setSession: (session: Session | undefined) => void,
 *   exponentOf: (currency: string) => number,
 *   money: (minor: number, currency: string) => string,
 *   focusSignIn: () => void,
 * }} Context
 */

/** @param {PageConfig['realtime']} realtime */
const realtimeUrl = (realtime) => {
  if (realtime === null) return undefined;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const host = location.hostname.includes(':') ? `[${location.hostname}]` : location.hostname;
  return `${scheme}://${host}:${realtime.port}${realtime.path}`;
};

/** @param {LiveStatus} status */
const connectionText = (status) => {
  switch (status.state) {
    case 'connecting': return 'Connecting to live updates…';
    case 'reconnecting':
      return status.retryInMs === undefined
        ? `Reconnecting to live updates (attempt ${status.attempt})…`
        : `Connection to live updates lost: reconnecting (attempt ${status.attempt}, next try in ${Math.max(1, Math.round(status.retryInMs / 1000))} s)…`;
    case 'offline': return 'You are offline: live updates resume when the network is back.';
    case 'unavailable': return status.message ?? 'Live updates are not available.';
    default: return '';
  }
};

const start = async () => {
  const main = byId('main');
  const connection = byId('connection');
  const clock = new ServerClock();
  watchDateHeaders((header) => clock.observeHttpDate(header));

  const answer = await api.config();
  if (!answer.ok) {
    replace(main, el('h1', {}, 'Gavelstream'), el('p', { role: 'alert' }, `The page could not load its configuration: ${answer.error.message}.`));
    return;
  }
  /** @type {PageConfig} */
  const config = answer.body;

  const live = new LiveConnection({
    url: realtimeUrl(config.realtime),
    onTime: (serverTime) => clock.observe(serverTime),
    onStatus: (status) => {
      document.body.dataset.live = status.state;
      connection.dataset.state = status.state;
      setText(connection, connectionText(status));
    },
  });

  let session = loadSession();
  if (isExpired(session, Date.now())) {
    session = undefined;
    saveSession(undefined);
  }
  /** @type {View | undefined} */
  let current;

  /** @type {Context} */
  const ctx = {
    config,
    clock,
    live,
    session: () => session,
    setSession: (next) => {
      session = next;
      saveSession(next);
      renderSession(ctx, byId('session'));
      route(false);
    },
    exponentOf: (currency) => config.currencies[currency] ?? 2,
    money: (minor, currency) => formatMoney(minor, currency, config.currencies[currency] ?? 2),
    focusSignIn: () => {
      const field = document.getElementById('signin-name') ?? document.getElementById('token-input');
      const details = field?.closest('details');
      if (details !== null && details !== undefined) details.open = true;
      field?.focus();
    },
  };

  /** @param {boolean} moveFocus */
  const route = (moveFocus) => {
    current?.dispose();
    const m = /^#\/auctions\/([^/?#]+)$/.exec(location.hash);
    const auctionId = m?.[1] === undefined ? undefined : decodeURIComponent(m[1]);
    current = auctionId === undefined ? listingView(ctx) : auctionView(ctx, auctionId);
    replace(main, current.element);
    if (moveFocus) {
      // Tell screen readers the view changed: focus its heading.
      const heading = current.element.querySelector('h1');
      if (heading instanceof HTMLElement) heading.focus();
    }
  };

  renderSession(ctx, byId('session'));
  window.addEventListener('hashchange', () => route(true));
  route(false);
};

start().catch((error) => {
  const main = document.getElementById('main');
  if (main !== null) replace(main, el('p', { role: 'alert' }, `The page failed to start: ${error instanceof Error ? error.message : String(error)}`));
});
