// The watch button: a toggle button named "Watch" whose pressed state (aria-pressed, drawn filled
// with a check mark) says the auction is on the user's watchlist, which brings notifications of its
// end (ending soon, cancelled). Shown to signed-in users only.
import { el, setText } from '../dom.js';

/** @typedef {import('../app.js').Context} Context */

/**
 * @param {Context} ctx
 * @param {string} auctionId
 * @param {string} [label] what the button names, for lists with many buttons
 * @returns {HTMLElement}
 */
export function watchButton(ctx, auctionId, label) {
  const button = el('button', { type: 'button', class: 'secondary watch', 'aria-pressed': 'false', 'data-watch': auctionId }, 'Watch');
  const note = el('span', { class: 'form-message', role: 'status' });
  const session = ctx.session();
  const wrap = el('span', { class: 'watch-control' }, button, note);
  if (session === undefined) {
    wrap.hidden = true;
    return wrap;
  }
  /** @param {boolean} watched */
  const show = (watched) => {
    button.setAttribute('aria-pressed', String(watched));
  };
  if (label !== undefined) button.setAttribute('aria-label', `Watch ${label}`);
  show(false);
  button.disabled = true;
  void ctx.watchlist.of(session).then((ids) => {
    show(ids.has(auctionId));
    button.disabled = false;
  });
  button.addEventListener('click', async () => {
    const next = button.getAttribute('aria-pressed') !== 'true';
    button.disabled = true;
    const answer = await ctx.watchlist.set(auctionId, next, session);
    button.disabled = false;
    if (answer.ok) {
      show(next);
      setText(note, '');
    } else {
      note.dataset.tone = 'error';
      setText(note, `Not changed: ${answer.message}`);
    }
  });
  return wrap;
}
