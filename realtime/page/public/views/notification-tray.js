// The notification tray in the header, for a signed-in user: a button with the unread count that
// opens the list (newest first, each linking to its auction; opening marks all read), a polite live
// region that reads each new notification once, and what the live connection says about the
// sign-in of notifications (refused, expired, unavailable).
import { el, replace, setText } from '../dom.js';
import { formatClockTime } from '../clock.js';
import { noticeText } from '../notifications.js';

/**
 * @typedef {import('../app.js').Context} Context
 * @typedef {import('../live.js').AuthStatus} AuthStatus
 */

/** @param {string} id */
const auctionHref = (id) => `#/auctions/${encodeURIComponent(id)}`;

/**
 * Builds the tray into `host`; returns what the app calls when the sign-in of notifications changes.
 * @param {Context} ctx
 * @param {HTMLElement} host
 * @returns {{ authChanged: (status: AuthStatus) => void, refresh: () => void }}
 */
export function notificationTray(ctx, host) {
  const count = el('span', { id: 'tray-count', class: 'tray-count' });
  const toggle = el('button', { type: 'button', id: 'tray-button', class: 'secondary tray-button', 'aria-expanded': 'false', 'aria-controls': 'tray-panel' },
    'Notifications ', count);
  const list = el('ol', { id: 'tray-list', class: 'tray-list' });
  const empty = el('p', { class: 'hint' }, 'No notifications yet. Outbid, ending soon, won and lost arrive here while this page is open.');
  const authNote = el('p', { id: 'tray-auth', class: 'form-message', role: 'status' });
  const panel = el('div', { id: 'tray-panel', class: 'tray-panel', hidden: true, role: 'region', 'aria-label': 'Notifications' }, authNote, empty, list);
  const announcer = el('p', { id: 'tray-announce', class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const tray = el('div', { class: 'tray' }, toggle, panel, announcer);

  /** @param {number} minor @param {string} currency */
  const money = (minor, currency) => ctx.money(minor, currency);

  const render = () => {
    const inbox = ctx.inbox;
    setText(count, inbox.unread > 0 ? `(${inbox.unread} unread)` : '');
    toggle.dataset.unread = String(inbox.unread);
    empty.hidden = inbox.items.length > 0;
    replace(list, inbox.items.map((n) => el('li', { class: 'tray-item', 'data-kind': n.kind, 'data-id': n.id },
      el('a', { href: auctionHref(n.auctionId), onclick: () => close() }, noticeText(n, money)),
      typeof n.at === 'string' ? el('span', { class: 'hint' }, ' ', el('time', { datetime: n.at }, formatClockTime(n.at))) : null)));
  };

  const close = () => {
    panel.hidden = true;
    toggle.setAttribute('aria-expanded', 'false');
  };
  toggle.addEventListener('click', () => {
    const opening = panel.hidden;
    panel.hidden = !opening;
    toggle.setAttribute('aria-expanded', String(opening));
    if (opening) ctx.inbox.markAllRead();
  });
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      close();
      toggle.focus();
    }
  });

  let known = new Set(ctx.inbox.items.map((n) => n.id));
  ctx.inbox.listen(() => {
    const fresh = ctx.inbox.items.filter((n) => !known.has(n.id));
    known = new Set(ctx.inbox.items.map((n) => n.id));
    if (fresh[0] !== undefined) setText(announcer, `New notification: ${noticeText(fresh[0], money)}`);
    render();
  });

  const refresh = () => {
    const session = ctx.session();
    tray.hidden = session === undefined;
    if (session === undefined) close();
  };

  replace(host, tray);
  render();
  refresh();
  return {
    refresh,
    authChanged: (status) => {
      authNote.dataset.tone = status.state === 'authenticated' || status.state === 'pending' ? 'info' : 'error';
      switch (status.state) {
        case 'refused': setText(authNote, `Notifications are off: the server refused your sign-in (${status.message ?? 'no reason given'}).`); break;
        case 'expired': setText(authNote, 'Notifications are paused: your sign-in expired. Sign in again to receive them.'); break;
        case 'unavailable': setText(authNote, 'Notifications are unavailable for a moment; the page asks again shortly.'); break;
        default: setText(authNote, '');
      }
      toggle.dataset.auth = status.state;
    },
  };
}
