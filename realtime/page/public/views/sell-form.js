// "List an item", for signed-in sellers: `POST /v1/auctions` with prices typed in major units and
// sent as integer minor units, its format (English with an optional soft close; sealed bids, first
// or second price; or a Dutch clock with its drop, step and floor), and for all but a Dutch auction
// (whose clock decides its end) the end as a number of minutes from now on the server's clock. On
// success the page opens the new auction.
import { api } from '../api.js';
import { el, setText } from '../dom.js';
import { newIdempotencyKey } from '../ids.js';
import { parseAmount } from '../money.js';

/** @typedef {import('../app.js').Context} Context */

/**
 * @param {string} id
 * @param {string} label
 * @param {Record<string, string | number | boolean>} [attributes]
 */
const field = (id, label, attributes = {}) => {
  const input = el('input', { id, name: id, autocomplete: 'off', ...attributes });
  return { input, row: el('p', { class: 'field' }, el('label', { for: id }, label), input) };
};

/**
 * @param {Context} ctx
 * @returns {HTMLElement}
 */
export function sellForm(ctx) {
  const title = field('sell-title', 'Title', { required: true, maxlength: 200 });
  const currency = el('select', { id: 'sell-currency', name: 'currency' },
    Object.keys(ctx.config.currencies).map((code) => el('option', { value: code, selected: code === 'USD' }, code)));
  const format = el('select', { id: 'sell-format', name: 'format' },
    el('option', { value: 'english', selected: true }, 'English (open bidding, proxy bids)'),
    el('option', { value: 'sealed-first-price' }, 'Sealed bids, first price'),
    el('option', { value: 'sealed-second-price' }, 'Sealed bids, second price (Vickrey)'),
    el('option', { value: 'dutch' }, 'Dutch clock (descending price)'));
  const start = field('sell-start', 'Starting price', { inputmode: 'decimal', required: true, value: '10.00' });
  const drop = field('sell-drop', 'Drops by', { inputmode: 'decimal', value: '1.00' });
  const every = field('sell-every', 'Every (seconds)', { type: 'number', min: 1, max: 86400, step: 1, value: 60 });
  const floor = field('sell-floor', 'Floor price', { inputmode: 'decimal', value: '5.00' });
  const minutes = field('sell-minutes', 'Ends in (minutes)', { type: 'number', min: 1, max: 1440, step: 1, value: 10, required: true });
  const softClose = el('input', { type: 'checkbox', id: 'sell-soft', checked: true });
  const windowSeconds = field('sell-window', 'Soft-close window (seconds)', { type: 'number', min: 1, max: 86400, step: 1, value: 120 });
  const extensionSeconds = field('sell-extension', 'Extension (seconds)', { type: 'number', min: 1, max: 86400, step: 1, value: 120 });
  const message = el('p', { class: 'form-message', role: 'status' });
  /** @param {string} text */
  const fail = (text) => {
    message.dataset.tone = 'error';
    setText(message, text);
  };

  const softCloseSet = el('fieldset', {}, el('legend', {}, 'Soft close'),
    el('p', {}, softClose, ' ', el('label', { for: 'sell-soft' }, 'A late bid extends the end')),
    windowSeconds.row, extensionSeconds.row);
  const clockSet = el('fieldset', { hidden: true }, el('legend', {}, 'Dutch clock'), drop.row, every.row, floor.row);
  // What each format asks for: a sealed auction has no soft close; a Dutch one neither, and its clock decides its end.
  const showFormat = () => {
    softCloseSet.hidden = format.value !== 'english';
    clockSet.hidden = format.value !== 'dutch';
    minutes.row.hidden = format.value === 'dutch';
  };
  format.addEventListener('change', showFormat);

  const form = el('form', { class: 'sell-form', 'aria-labelledby': 'sell-heading', novalidate: true },
    el('h2', { id: 'sell-heading' }, 'List an item'),
    title.row,
    el('p', { class: 'field' }, el('label', { for: 'sell-format' }, 'Format'), format),
    el('p', { class: 'field' }, el('label', { for: 'sell-currency' }, 'Currency'), currency),
    start.row,
    minutes.row,
    softCloseSet,
    clockSet,
    el('button', { type: 'submit' }, 'List the item'),
    message);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const session = ctx.session();
    if (session === undefined) return fail('Sign in as a seller first.');
    const code = currency.value;
    const price = parseAmount(start.input.value, ctx.exponentOf(code), code);
    if (!price.ok) {
      start.input.focus();
      return fail(`Starting price: ${price.message}`);
    }
    /** @type {Record<string, unknown>} */
    const body = { title: title.input.value, currency: code, startingPrice: price.minor, format: format.value };
    if (format.value === 'dutch') {
      const decrement = parseAmount(drop.input.value, ctx.exponentOf(code), code);
      if (!decrement.ok) {
        drop.input.focus();
        return fail(`Drops by: ${decrement.message}`);
      }
      const least = parseAmount(floor.input.value, ctx.exponentOf(code), code);
      if (!least.ok) {
        floor.input.focus();
        return fail(`Floor price: ${least.message}`);
      }
      body.clock = { decrementAmount: decrement.minor, decrementEverySeconds: Number(every.input.value), floorPrice: least.minor };
    } else {
      const duration = Number(minutes.input.value);
      if (!Number.isInteger(duration) || duration < 1 || duration > 1440) {
        minutes.input.focus();
        return fail('Ends in: a whole number of minutes from 1 to 1440.');
      }
      body.endsAt = new Date(ctx.clock.now() + duration * 60_000).toISOString();
    }
    if (format.value === 'english' && softClose.checked) body.softClose = { windowSeconds: Number(windowSeconds.input.value), extensionSeconds: Number(extensionSeconds.input.value) };
    const answer = await api.createAuction(body, newIdempotencyKey(), session.token);
    if (!answer.ok) {
      const fields = Array.isArray(answer.error.details?.fields) ? answer.error.details.fields.map((/** @type {any} */ f) => `${String(f.path).replace(/^body\./, '')} ${f.message}`) : [];
      return fail(`Not listed: ${fields.length > 0 ? fields.join('; ') : answer.error.message}.`);
    }
    location.hash = `#/auctions/${encodeURIComponent(answer.body.auctionId)}`;
  });
  return form;
}
