// A seller's block list (README, Accounts): bidders whose bids on the seller's auctions the server
// refuses (409 BIDDER_BLOCKED). `GET /v1/me/blocked-bidders` lists them, `PUT` / `DELETE
// /v1/me/blocked-bidders/:userId` change it. Shown only when the server answers the list: a server
// without accounts answers 404, and the section stays hidden.
import { api } from '../api.js';
import { el, replace, setText } from '../dom.js';

/**
 * @typedef {import('../app.js').Context} Context
 * @typedef {import('../session.js').Session} Session
 */

const USER_PATTERN = /^[A-Za-z0-9._:@|-]{1,256}$/;

/**
 * @param {Context} _ctx
 * @param {Session} session
 * @returns {HTMLElement}
 */
export function blockList(_ctx, session) {
  const list = el('ul', { id: 'blocked-list', class: 'blocked-list' });
  const note = el('p', { id: 'blocked-note', class: 'form-message', role: 'status' });
  const input = el('input', { id: 'block-user', name: 'userId', autocomplete: 'off', spellcheck: 'false', maxlength: 256, 'aria-describedby': 'block-hint' });
  const form = el('form', { class: 'inline-form', 'aria-label': 'Block a bidder', novalidate: true },
    el('label', { for: 'block-user' }, 'Bidder\'s user id'), input, el('button', { type: 'submit' }, 'Block'));
  const section = el('section', { id: 'block-section', class: 'block-section', 'aria-labelledby': 'block-heading', hidden: true, 'data-state': 'loading' },
    el('h2', { id: 'block-heading' }, 'Blocked bidders'),
    el('p', { id: 'block-hint', class: 'hint' }, 'A blocked bidder cannot bid on any of your auctions.'),
    form, note, list);

  /** @param {string} text */
  const fail = (text) => {
    note.dataset.tone = 'error';
    setText(note, text);
  };

  /** @param {string[]} bidders */
  const render = (bidders) => {
    replace(list, bidders.length === 0 ? el('li', { class: 'hint' }, 'Nobody is blocked.')
      : bidders.map((id) => el('li', {}, el('span', {}, id), ' ',
        el('button', { type: 'button', class: 'secondary', 'aria-label': `Unblock ${id}`, onclick: () => void change(id, false) }, 'Unblock'))));
  };

  const load = async () => {
    const answer = await api.blockedBidders(session.token);
    if (!answer.ok) {
      // 404: this server has no block lists; anything else is said.
      section.hidden = answer.status === 404;
      section.dataset.state = answer.status === 404 ? 'unavailable' : 'error';
      if (answer.status !== 404) fail(`Could not load the block list: ${answer.error.message}.`);
      return;
    }
    section.hidden = false;
    section.dataset.state = 'ready';
    render(Array.isArray(answer.body?.bidders) ? answer.body.bidders.filter((/** @type {unknown} */ b) => typeof b === 'string') : []);
  };

  /**
   * @param {string} userId
   * @param {boolean} blocked
   */
  const change = async (userId, blocked) => {
    const answer = await api.setBlocked(userId, blocked, session.token);
    if (!answer.ok) {
      const reasons = /** @type {Record<string, string>} */ ({ CANNOT_BLOCK_SELF: 'you cannot block yourself', BLOCK_LIST_FULL: 'the block list is full' });
      return fail(`Not changed: ${reasons[answer.error.code] ?? answer.error.message}.`);
    }
    note.dataset.tone = 'success';
    setText(note, blocked ? `${userId} is blocked.` : `${userId} is no longer blocked.`);
    await load();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = input.value.trim();
    if (!USER_PATTERN.test(id)) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return fail('Enter the bidder\'s user id.');
    }
    input.removeAttribute('aria-invalid');
    input.value = '';
    void change(id, true);
  });

  void load();
  return section;
}
