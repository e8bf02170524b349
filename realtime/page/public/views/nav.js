// The header's navigation: all auctions, and for a signed-in user their own lists (My listings for
// sellers, Analytics for analysts). The current view's link is marked with aria-current.
import { el, replace } from '../dom.js';

/** @typedef {import('../app.js').Context} Context */

/**
 * @param {Context} ctx
 * @param {HTMLElement} nav
 */
export function renderNav(ctx, nav) {
  const session = ctx.session();
  /** @type {[string, string][]} */
  const links = [['#/', 'Auctions']];
  if (session !== undefined) {
    links.push(['#/me/bids', 'My bids'], ['#/me/won', 'Won'], ['#/me/watchlist', 'Watchlist']);
    if (session.roles.includes('seller')) links.push(['#/me/listings', 'My listings']);
    if (session.roles.includes('analyst')) links.push(['#/analytics', 'Analytics']);
  }
  const here = location.hash === '' || location.hash === '#' ? '#/' : location.hash;
  replace(nav, el('ul', {}, links.map(([href, text]) => el('li', {}, el('a', { href, 'aria-current': here === href || (href !== '#/' && here.startsWith(`${href}/`)) ? 'page' : undefined }, text)))));
}
