// Money on the page: amounts are integer minor units (cents), exactly as the server counts them.
// What a person types ("12.50") is parsed as a decimal string into an integer, never through a
// floating-point number; formatting hands Intl an exact decimal string.

/** The largest amount the server accepts, in minor units (domain/money.ts MAX_AMOUNT). */
export const MAX_AMOUNT = 10_000_000_000_000n;

/**
 * @typedef {{ ok: true, minor: number } | { ok: false, message: string }} ParsedAmount
 */

/**
 * Parses an amount in major units ("1,250.5", "12", ".75") into integer minor units of a currency
 * with `exponent` decimal places. Refuses anything it cannot read exactly, with a message saying why.
 * @param {string} text
 * @param {number} exponent digits after the decimal point (2 for USD, 0 for JPY, 3 for KWD)
 * @param {string} [currency] named in messages
 * @returns {ParsedAmount}
 */
export function parseAmount(text, exponent, currency = '') {
  const s = text.trim().replace(/^[+]/, '');
  const unit = currency === '' ? 'this currency' : currency;
  if (s === '') return { ok: false, message: 'Enter an amount.' };
  if (s.startsWith('-')) return { ok: false, message: 'Enter an amount above zero.' };
  if (/^\d+,\d{1,2}$/.test(s)) return { ok: false, message: 'Use a dot (.) for the decimal point, for example 12.50.' };
  const m = /^(\d+|\d{1,3}(?:,\d{3})+)?(?:\.(\d*))?$/.exec(s);
  if (m === null || (m[1] === undefined && (m[2] === undefined || m[2] === ''))) {
    return { ok: false, message: 'Enter a number such as 12.50 (digits, an optional dot and decimals).' };
  }
  const whole = (m[1] ?? '0').replace(/,/g, '');
  const fraction = m[2] ?? '';
  if (fraction.length > exponent) {
    return {
      ok: false,
      message: exponent === 0 ? `Amounts in ${unit} have no decimal places.` : `Amounts in ${unit} have at most ${exponent} decimal place${exponent === 1 ? '' : 's'}.`,
    };
  }
  if (whole.length > 20) return { ok: false, message: 'That amount is too large.' };
  const minor = BigInt(whole) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, '0') || '0');
  if (minor <= 0n) return { ok: false, message: 'Enter an amount above zero.' };
  if (minor > MAX_AMOUNT) return { ok: false, message: 'That amount is too large.' };
  return { ok: true, minor: Number(minor) };
}

/**
 * The exact decimal text of an amount in minor units: 1250 with exponent 2 -> "12.50".
 * @param {number} minor a whole number
 * @param {number} exponent
 * @returns {string}
 */
export function toDecimalString(minor, exponent) {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not a whole number of minor units: ${minor}`);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(digits.length - exponent)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** @type {Map<string, Intl.NumberFormat>} */
const formats = new Map();

/**
 * An amount for people: "$1,250.50", "¥1,500", "KWD 1.250" (in the browser's locale).
 * @param {number} minor
 * @param {string} currency ISO 4217 code
 * @param {number} exponent
 * @param {string} [locale]
 * @returns {string}
 */
export function formatMoney(minor, currency, exponent, locale) {
  const key = `${locale ?? ''}|${currency}|${exponent}`;
  let format = formats.get(key);
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent });
    } catch {
      format = new Intl.NumberFormat(locale, { minimumFractionDigits: exponent, maximumFractionDigits: exponent });
    }
    formats.set(key, format);
  }
  // An exact decimal string: Intl formats it without passing through a binary fraction.
  return format.format(/** @type {`${number}`} */ (toDecimalString(minor, exponent)));
}
