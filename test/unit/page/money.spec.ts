// The page's money: typed major units become integer minor units by decimal string arithmetic,
// exactly, with a clear message for anything else; formatting is exact too.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_AMOUNT, currencyExponents } from '../../../domain/index.js';
import type { MoneyModule } from '../../support/page-modules.js';
import { importPageModule } from '../../support/page-modules.js';

describe('page: money', () => {
  let m: MoneyModule;
  before(async () => {
    m = await importPageModule<MoneyModule>('money.js');
  });

  const minor = (text: string, exponent = 2) => {
    const r = m.parseAmount(text, exponent, 'USD');
    assert.ok(r.ok, `${text}: ${r.ok ? '' : r.message}`);
    return r.minor;
  };
  const refusal = (text: string, exponent = 2, currency = 'USD') => {
    const r = m.parseAmount(text, exponent, currency);
    assert.ok(!r.ok, `${text} should be refused, got ${r.ok ? r.minor : ''}`);
    return r.message;
  };

  it('parses decimal strings into integer minor units, with no floating-point error', () => {
    assert.equal(minor('12.5'), 1250);
    assert.equal(minor('12.50'), 1250);
    assert.equal(minor('12'), 1200);
    assert.equal(minor(' 0.29 '), 29); // 0.29 * 100 is 28.999999999999996 in binary floating point
    assert.equal(minor('1.15'), 115); // 1.15 * 100 is 114.99999999999999
    assert.equal(minor('.75'), 75);
    assert.equal(minor('7.'), 700);
    assert.equal(minor('+3.10'), 310);
    assert.equal(minor('1,234.56'), 123456);
    assert.equal(minor('12,345,678'), 1234567800);
    assert.equal(minor('100000000000.00'), MAX_AMOUNT);
    assert.equal(minor('1500', 0), 1500);
    assert.equal(minor('1.255', 3), 1255);
    assert.equal(minor('2.5', 3), 2500);
  });

  it('refuses what it cannot read exactly, saying why', () => {
    assert.equal(refusal(''), 'Enter an amount.');
    assert.equal(refusal('0'), 'Enter an amount above zero.');
    assert.equal(refusal('0.00'), 'Enter an amount above zero.');
    assert.equal(refusal('-5'), 'Enter an amount above zero.');
    assert.equal(refusal('12.345'), 'Amounts in USD have at most 2 decimal places.');
    assert.equal(refusal('1500.5', 0, 'JPY'), 'Amounts in JPY have no decimal places.');
    assert.equal(refusal('1,5'), 'Use a dot (.) for the decimal point, for example 12.50.');
    assert.match(refusal('1e3'), /Enter a number such as 12\.50/);
    assert.match(refusal('12.5.0'), /Enter a number/);
    assert.match(refusal('1,23.00'), /Enter a number/);
    assert.match(refusal('$12'), /Enter a number/);
    assert.match(refusal('.'), /Enter a number/);
    assert.match(refusal('NaN'), /Enter a number/);
    assert.match(refusal('Infinity'), /Enter a number/);
    assert.equal(refusal('100000000000.01'), 'That amount is too large.');
    assert.equal(refusal('9'.repeat(40)), 'That amount is too large.');
  });

  it('toDecimalString and parseAmount are inverse over every valid amount and exponent', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: MAX_AMOUNT }),
      fc.constantFrom(...new Set(Object.values(currencyExponents))),
      (amount, exponent) => {
        const text = m.toDecimalString(amount, exponent);
        const back = m.parseAmount(text, exponent);
        return back.ok && back.minor === amount;
      },
    ), { numRuns: 2000 });
  });

  it('formats exactly, with the currency\'s digits', () => {
    assert.equal(m.toDecimalString(5, 2), '0.05');
    assert.equal(m.toDecimalString(1250, 2), '12.50');
    assert.equal(m.toDecimalString(1500, 0), '1500');
    assert.equal(m.toDecimalString(1, 3), '0.001');
    assert.equal(m.formatMoney(1250, 'USD', 2, 'en-US'), '$12.50');
    assert.equal(m.formatMoney(MAX_AMOUNT - 1, 'USD', 2, 'en-US'), '$99,999,999,999.99');
    assert.equal(m.formatMoney(1500, 'JPY', 0, 'en-US'), '¥1,500');
    assert.match(m.formatMoney(1255, 'KWD', 3, 'en-US'), /^KWD\s1\.255$/u);
  });

  it('uses the server\'s exponents (the page reads them from /config.json)', () => {
    assert.equal(m.MAX_AMOUNT, BigInt(MAX_AMOUNT));
  });
});
