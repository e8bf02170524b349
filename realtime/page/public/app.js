// The live bidding page: reads the server's page configuration, keeps the sign-in (renewing an
// account's token before it expires) and the live connection (signed in with the same token, for
// notifications), and shows one view at a time by the address's fragment: `#/` the open auctions,
// `#/auctions/<id>` one auction, `#/sales/<id>` a timed sale's lots, `#/me/bids`, `#/me/won`, `#/me/watchlist`, `#/me/listings` the
// user's own lists, `#/analytics[/<auction id>]` the analysts' charts. Plain ES modules, no framework, no build step.
import * as accounts from './accounts.js';
import { api, watchDateHeaders } from './api.js';
import { ServerClock } from './clock.js';
import { byId, el, replace, setText } from './dom.js';
import { LiveConnection } from './live.js';
import { formatMoney } from './money.js';
import { Inbox } from './notifications.js';
import { isExpired, loadSession, refreshDelay, saveSession } from './session.js';
import { Watchlist } from './watchlist.js';
import { renderSession } from './views/session-panel.js';
import { auctionView } from './views/auction-view.js';
import { listingView } from './views/listing-view.js';
import { saleView } from './views/sale-view.js';
import { myListView, myListRoutes } from './views/my-lists.js';
import { renderNav } from './views/nav.js';
import { notificationTray } from './views/notification-tray.js';
import { analyticsView } from './views/analytics-view.js';

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
 *   inbox: Inbox,
 *   watchlist: Watchlist,
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

/** How soon a renewal that could not reach the server is tried again. */
const RENEW_RETRY_MS = 10_000;

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

  const inbox = new Inbox();
  /** @type {((status: import('./live.js').AuthStatus) => void) | undefined} */
  let trayAuth;
  const live = new LiveConnection({
    url: realtimeUrl(config.realtime),
    onTime: (serverTime) => clock.observe(serverTime),
    onStatus: (status) => {
      document.body.dataset.live = status.state;
      connection.dataset.state = status.state;
      setText(connection, connectionText(status));
    },
    onNotification: (frame) => inbox.add(frame),
    onAuth: (status) => {
      trayAuth?.(status);
      // An account's token that expired on the socket: renew it (the new token signs the socket in again).
      if (status.state === 'expired' && session?.refreshToken !== undefined) void renew();
    },
  });

  let session = loadSession();
  if (isExpired(session, Date.now()) && session?.refreshToken === undefined) {
    session = undefined;
    saveSession(undefined);
  }
  /** @type {View | undefined} */
  let current;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let renewTimer;

  /** Asks for a new access token before this one expires; a refused renewal signs out. */
  const renew = async () => {
    const before = session;
    if (before === undefined) return;
    const answer = await accounts.refresh(before);
    if (session !== before) return;
    if (answer.ok) ctx.setSession(answer.session);
    else if (answer.message === accounts.NETWORK_TROUBLE) {
      clearTimeout(renewTimer);
      renewTimer = setTimeout(() => void renew(), RENEW_RETRY_MS);
    } else ctx.setSession(undefined);
  };
  const scheduleRenewal = () => {
    clearTimeout(renewTimer);
    const delay = refreshDelay(session, Date.now());
    if (delay !== undefined) renewTimer = setTimeout(() => void renew(), delay);
  };

  /** @type {Context} */
  const ctx = {
    config,
    clock,
    live,
    inbox,
    watchlist: new Watchlist(),
    session: () => session,
    setSession: (next) => {
      const sameUser = next !== undefined && session !== undefined && next.sub === session.sub;
      session = next;
      saveSession(next);
      if (!sameUser) inbox.clear();
      live.authenticate(next?.token);
      scheduleRenewal();
      renderSession(ctx, byId('session'));
      renderNav(ctx, byId('nav'));
      tray.refresh();
      // A renewed token changes nothing on screen; another user (or none) redraws the view.
      if (!sameUser) route(false);
    },
    exponentOf: (currency) => config.currencies[currency] ?? 2,
    money: (minor, currency) => formatMoney(minor, currency, config.currencies[currency] ?? 2),
    focusSignIn: () => {
      const field = document.getElementById('signin-email') ?? document.getElementById('signin-name') ?? document.getElementById('token-input');
      for (let d = field?.closest('details'); d !== null && d !== undefined; d = d.parentElement?.closest('details')) d.open = true;
      field?.focus();
    },
  };
  const tray = notificationTray(ctx, byId('tray'));
  trayAuth = tray.authChanged;

  /** @param {boolean} moveFocus */
  const route = (moveFocus) => {
    current?.dispose();
    const m = /^#\/auctions\/([^/?#]+)$/.exec(location.hash);
    const auctionId = m?.[1] === undefined ? undefined : decodeURIComponent(m[1]);
    const mine = /^#\/me\/([a-z]+)$/.exec(location.hash)?.[1];
    const sale = /^#\/sales\/([^/?#]+)$/.exec(location.hash)?.[1];
    const analytics = /^#\/analytics(?:\/([^/?#]+))?$/.exec(location.hash);
    current = auctionId !== undefined ? auctionView(ctx, auctionId)
      : analytics !== null ? analyticsView(ctx, analytics[1] === undefined ? undefined : decodeURIComponent(analytics[1]))
      : sale !== undefined ? saleView(ctx, decodeURIComponent(sale))
      : mine !== undefined && myListRoutes.includes(/** @type {any} */ (mine)) ? myListView(ctx, /** @type {any} */ (mine))
      : listingView(ctx);
    renderNav(ctx, byId('nav'));
    replace(main, current.element);
    if (moveFocus) {
      // Tell screen readers the view changed: focus its heading.
      const heading = current.element.querySelector('h1');
      if (heading instanceof HTMLElement) heading.focus();
    }
  };

  renderSession(ctx, byId('session'));
  live.authenticate(session?.token);
  scheduleRenewal();
  if (isExpired(session, Date.now())) void renew();
  window.addEventListener('hashchange', () => route(true));
  route(false);
};

start().catch((error) => {
  const main = document.getElementById('main');
  if (main !== null) replace(main, el('p', { role: 'alert' }, `The page failed to start: ${error instanceof Error ? error.message : String(error)}`));
});
