import assert from 'node:assert/strict';
import { increment, nextStep, MinorUnits, MAX_AMOUNT } from '../../../domain/index.js';
import { amount } from '../../support/decider.js';

describe('money: increments by price tier (DESIGN.md section 7)', () => {
  const cases: [number, number][] = [
    [1, 5], [99, 5], [100, 25], [499, 25], [500, 50], [2_499, 50], [2_500, 100], [9_999, 100],
    [10_000, 250], [24_999, 250], [25_000, 500], [49_999, 500], [50_000, 1_000], [99_999, 1_000],
    [100_000, 2_500], [249_999, 2_500], [250_000, 5_000], [499_999, 5_000], [500_000, 10_000], [9_999_999, 10_000],
  ];
  for (const [price, expected] of cases) {
    it(`USD ${(price / 100).toFixed(2)} -> ${(expected / 100).toFixed(2)}`, () => {
      assert.equal(increment(amount(price), 'USD'), expected);
    });
  }

  it('scales with the currency exponent: JPY has no minor unit, KWD has three decimals', () => {
    assert.equal(increment(amount(50), 'JPY'), 1); // 0.05 yen rounds up to a whole yen
    assert.equal(increment(amount(1_000), 'JPY'), 25);
    assert.equal(increment(amount(10_000), 'JPY'), 100);
    assert.equal(increment(amount(1_000), 'KWD'), 250); // 1.000 KWD -> 0.250
  });

  it('accepts only positive whole amounts up to the maximum', () => {
    assert.ok(MinorUnits.is(1));
    assert.ok(MinorUnits.is(MAX_AMOUNT));
    for (const bad of [0, -1, 1.5, Number.NaN, MAX_AMOUNT + 1, '100', null]) assert.ok(!MinorUnits.is(bad), String(bad));
  });

  it('never steps past the maximum amount', () => {
    assert.equal(nextStep(amount(MAX_AMOUNT), 'USD'), MAX_AMOUNT);
  });
});
