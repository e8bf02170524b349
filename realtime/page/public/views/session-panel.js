// The account panel in the page's header. Signed in: who (and until when), and Sign out. Signed
// out, one disclosure holds: sign in with an e-mail address and a password, create an account, and
// behind "Developer" the development sign-in (a name and roles; only while the server uses the
// development secret) and a token box (a token from `npm run token`, checked with the server before
// it is kept). A server without accounts answers 404: the forms say so and open "Developer".
import { api, request } from '../api.js';
import * as accounts from '../accounts.js';
import { formatClockTime } from '../clock.js';
import { el, replace, setText } from '../dom.js';
import { isExpired, readToken } from '../session.js';

/** @typedef {import('../app.js').Context} Context */

const NAME_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;
const COUNTRY_PATTERN = /^[A-Z]{2}$/;

/**
 * A labelled input in a paragraph.
 * @param {string} id
 * @param {string} label
 * @param {Record<string, string | number | boolean>} [attributes]
 */
const field = (id, label, attributes = {}) => {
  const input = el('input', { id, name: id, ...attributes });
  return { input, row: el('p', { class: 'field' }, el('label', { for: id }, label), input) };
};

/**
 * @param {Context} ctx
 * @param {HTMLElement} panel
 */
export function renderSession(ctx, panel) {
  const session = ctx.session();
  const title = el('h2', { id: 'session-title', class: 'visually-hidden' }, 'Your account');
  if (session !== undefined) {
    const until = session.expiresAtMs === undefined || session.refreshToken !== undefined ? '' : ` · until ${formatClockTime(session.expiresAtMs)}`;
    const how = session.source === 'development' ? ' · development sign-in' : session.source === 'token' ? ' · pasted token' : '';
    const name = el('strong', { title: session.sub }, session.sub);
    // An account's user id is a UUID: show its display name once the profile answers.
    if (session.source === 'account') {
      void api.profile(session.token).then((answer) => {
        if (answer.ok && typeof answer.body?.displayName === 'string' && answer.body.displayName !== '') setText(name, answer.body.displayName);
      });
    }
    const who = el('p', { id: 'signed-in', tabindex: '-1' },
      'Signed in as ', name,
      ` (${session.roles.length > 0 ? session.roles.join(', ') : 'no roles'})${until}${how}`);
    const signOut = el('button', {
      type: 'button', class: 'secondary',
      onclick: async () => {
        signOut.disabled = true;
        await accounts.signOut(session);
        ctx.setSession(undefined);
        document.getElementById('account-summary')?.focus();
      },
    }, 'Sign out');
    replace(panel, title, who, signOut);
    return;
  }

  const message = el('p', { id: 'signin-message', class: 'form-message', role: 'status' });
  /** @param {string} text */
  const fail = (text) => {
    message.dataset.tone = 'error';
    setText(message, text);
  };
  /** @param {import('../session.js').Session} next */
  const signedIn = (next) => {
    ctx.setSession(next);
    document.getElementById('signed-in')?.focus();
  };

  const developer = el('details', { id: 'developer', class: 'developer' }, el('summary', {}, 'Developer'));
  /** @param {accounts.SessionAnswer} answer */
  const settle = (answer) => {
    if (answer.ok) return signedIn(answer.session);
    fail(answer.message);
    if (answer.unavailable === true) {
      developer.open = true;
      (document.getElementById('signin-name') ?? document.getElementById('token-input'))?.focus();
    }
  };

  // ---- sign in with an account ----
  const email = field('signin-email', 'E-mail address', { type: 'email', autocomplete: 'username', required: true, maxlength: 254 });
  const password = field('signin-password', 'Password', { type: 'password', autocomplete: 'current-password', required: true, maxlength: 200 });
  const signInForm = el('form', { class: 'account-form', 'aria-labelledby': 'signin-heading', novalidate: true },
    el('h3', { id: 'signin-heading' }, 'Sign in'), email.row, password.row, el('button', { type: 'submit' }, 'Sign in'));
  signInForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (email.input.value.trim() === '' || password.input.value === '') return fail('Enter your e-mail address and your password.');
    settle(await accounts.signIn(email.input.value.trim(), password.input.value));
  });

  // ---- create an account ----
  const newEmail = field('signup-email', 'E-mail address', { type: 'email', autocomplete: 'email', required: true, maxlength: 254 });
  const newPassword = field('signup-password', 'Password (10 characters or more)', { type: 'password', autocomplete: 'new-password', required: true, minlength: 10, maxlength: 200 });
  const displayName = field('signup-name', 'Display name', { autocomplete: 'nickname', required: true, maxlength: 80 });
  const country = field('signup-country', 'Country (two letters, such as DE)', { autocomplete: 'country', required: true, maxlength: 2, size: 3 });
  const signUpForm = el('form', { class: 'account-form', 'aria-labelledby': 'signup-heading', novalidate: true },
    el('h3', { id: 'signup-heading' }, 'Create an account'), newEmail.row, newPassword.row, displayName.row, country.row,
    el('button', { type: 'submit' }, 'Create account'));
  signUpForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const code = country.input.value.trim().toUpperCase();
    if (newPassword.input.value.length < 10) {
      newPassword.input.focus();
      return fail('A password needs at least 10 characters.');
    }
    if (!COUNTRY_PATTERN.test(code)) {
      country.input.focus();
      return fail('Country: two letters, such as DE or US.');
    }
    settle(await accounts.register({ email: newEmail.input.value.trim(), password: newPassword.input.value, displayName: displayName.input.value.trim(), country: code }));
  });

  // ---- developer: the development sign-in and the token box ----
  /** @param {string} token @param {import('../session.js').SessionSource} source */
  const useToken = async (token, source) => {
    const claims = readToken(token, source);
    if (claims === undefined) return fail('That is not a token: expected three parts separated by dots (the output of npm run token).');
    if (isExpired(claims, ctx.clock.now())) return fail('That token has expired: mint a new one.');
    // Any route checks a presented token: a refused one is a 401 with the reason.
    const check = await request('GET', '/config.json', { token: claims.token });
    if (!check.ok) return fail(check.status === 401 ? `The server refused that token: ${check.error.message}.` : `Could not check the token: ${check.error.message}.`);
    signedIn(claims);
  };

  if (ctx.config.devTokens.enabled) {
    const name = el('input', { id: 'signin-name', name: 'name', autocomplete: 'off', required: true, maxlength: 128, 'aria-describedby': 'signin-hint' });
    const bidder = el('input', { type: 'checkbox', name: 'role', value: 'bidder', checked: true });
    const seller = el('input', { type: 'checkbox', name: 'role', value: 'seller' });
    const analyst = el('input', { type: 'checkbox', name: 'role', value: 'analyst' });
    const form = el('form', { class: 'signin', 'aria-label': 'Development sign-in', novalidate: true },
      el('p', { class: 'field' }, el('label', { for: 'signin-name' }, 'Your name'), name),
      el('fieldset', { class: 'roles' }, el('legend', {}, 'Roles'),
        el('label', {}, bidder, ' Bidder'),
        el('label', {}, seller, ' Seller'),
        el('label', {}, analyst, ' Analyst')),
      el('button', { type: 'submit' }, 'Development sign-in'),
      el('p', { id: 'signin-hint', class: 'hint' }, 'Any name (letters, digits and . _ : @ -): the server uses the development secret.'),
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
      const roles = [bidder, seller, analyst].filter((box) => box.checked).map((box) => box.value);
      if (roles.length === 0) return fail('Choose at least one role.');
      const answer = await api.devToken(sub, roles);
      if (!answer.ok) return fail(`Sign-in failed: ${answer.error.message}`);
      await useToken(answer.body.token, 'development');
    });
    developer.append(form);
  } else {
    developer.append(el('p', { class: 'hint' }, ctx.config.devTokens.message));
  }
  const tokenInput = el('textarea', { id: 'token-input', rows: 2, spellcheck: 'false', autocomplete: 'off' });
  const tokenForm = el('form', { class: 'token-form', 'aria-label': 'Sign in with a token', novalidate: true },
    el('label', { for: 'token-input' }, 'Bearer token (from npm run token)'),
    tokenInput,
    el('button', { type: 'submit', class: 'secondary' }, 'Use token'));
  tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void useToken(tokenInput.value, 'token');
  });
  developer.append(tokenForm);

  const menu = el('details', { id: 'account-menu', class: 'account-menu' },
    el('summary', { id: 'account-summary' }, 'Sign in or create an account'),
    el('div', { class: 'account-panel' },
      signInForm,
      el('details', { class: 'signup' }, el('summary', {}, 'New here? Create an account'), signUpForm),
      developer,
      message));
  replace(panel, title, menu);
}
