// The sign-in panel in the page's header: who is signed in (and until when), or two ways to sign in:
// the development sign-in (a name and roles; only while the server uses the development secret) and
// pasting a token from `npm run token`. A pasted token is checked with the server before it is kept.
import { api, request } from '../api.js';
import { formatClockTime } from '../clock.js';
import { el, replace, setText } from '../dom.js';
import { isExpired, readToken } from '../session.js';

/** @typedef {import('../app.js').Context} Context */

const NAME_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * @param {Context} ctx
 * @param {HTMLElement} panel
 */
export function renderSession(ctx, panel) {
  const session = ctx.session();
  const title = el('h2', { id: 'session-title', class: 'visually-hidden' }, 'Sign-in');
  if (session !== undefined) {
    const until = session.expiresAtMs === undefined ? '' : ` · until ${formatClockTime(session.expiresAtMs)}`;
    const who = el('p', { id: 'signed-in', tabindex: '-1' },
      'Signed in as ', el('strong', {}, session.sub),
      ` (${session.roles.length > 0 ? session.roles.join(', ') : 'no roles'})${until}`);
    replace(panel, title, who, el('button', { type: 'button', class: 'secondary', onclick: () => ctx.setSession(undefined) }, 'Sign out'));
    return;
  }

  const message = el('p', { id: 'signin-message', class: 'form-message', role: 'status' });
  /** @param {string} text */
  const fail = (text) => {
    message.dataset.tone = 'error';
    setText(message, text);
  };

  /** @param {string} token */
  const useToken = async (token) => {
    const claims = readToken(token);
    if (claims === undefined) return fail('That is not a token: expected three parts separated by dots (the output of npm run token).');
    if (isExpired(claims, ctx.clock.now())) return fail('That token has expired: mint a new one.');
    // Any route checks a presented token: a refused one is a 401 with the reason.
    const check = await request('GET', '/config.json', { token: claims.token });
    if (!check.ok) return fail(check.status === 401 ? `The server refused that token: ${check.error.message}.` : `Could not check the token: ${check.error.message}.`);
    ctx.setSession(claims);
    document.getElementById('signed-in')?.focus();
  };

  /** @type {HTMLElement[]} */
  const children = [title];
  if (ctx.config.devTokens.enabled) {
    const name = el('input', { id: 'signin-name', name: 'name', autocomplete: 'username', required: true, maxlength: 128, 'aria-describedby': 'signin-hint' });
    const bidder = el('input', { type: 'checkbox', name: 'role', value: 'bidder', checked: true });
    const seller = el('input', { type: 'checkbox', name: 'role', value: 'seller' });
    const form = el('form', { class: 'signin', 'aria-label': 'Development sign-in', novalidate: true },
      el('label', { for: 'signin-name' }, 'Your name'),
      name,
      el('fieldset', { class: 'roles' }, el('legend', {}, 'Roles'),
        el('label', {}, bidder, ' Bidder'),
        el('label', {}, seller, ' Seller')),
      el('button', { type: 'submit' }, 'Sign in'),
      el('p', { id: 'signin-hint', class: 'hint' }, 'Development sign-in: letters, digits and . _ : @ -'),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const sub = name.value.trim();
      if (!NAME_PATTERN.test(sub)) {
        name.setAttribute('aria-invalid', 'true');
        name.focus();
        return fail('Enter a name of 1 to 128 letters, digits or . _ : @ -');
      }
      name.removeAttribute('aria-invalid');
      const roles = [bidder, seller].filter((box) => box.checked).map((box) => box.value);
      if (roles.length === 0) return fail('Choose at least one role.');
      const answer = await api.devToken(sub, roles);
      if (!answer.ok) return fail(`Sign-in failed: ${answer.error.message}`);
      await useToken(answer.body.token);
    });
    children.push(form);
  } else {
    children.push(el('p', { class: 'hint' }, ctx.config.devTokens.message));
  }

  const tokenInput = el('textarea', { id: 'token-input', rows: 2, spellcheck: 'false', autocomplete: 'off' });
  const tokenForm = el('form', { class: 'token-form', 'aria-label': 'Sign in with a token', novalidate: true },
    el('label', { for: 'token-input' }, 'Bearer token (from npm run token)'),
    tokenInput,
    el('button', { type: 'submit' }, 'Use token'));
  tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void useToken(tokenInput.value);
  });
  children.push(el('details', { open: !ctx.config.devTokens.enabled }, el('summary', {}, 'Paste a token'), tokenForm));
  children.push(message);
  replace(panel, ...children);
}
