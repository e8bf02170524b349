// The timed-sale suite of the benchmark: its options, and the figure and goal line it reports.
import assert from 'node:assert/strict';
import { parseBenchOptions, UsageError } from '../../../scripts/bench/options.js';
import type { BenchOptions } from '../../../scripts/bench/options.js';
import { formatSaleFigures, leadMsFor, saleFigureOf, saleGoalLine } from '../../../scripts/bench/sale-suite.js';
import { saleModes } from '../../../scripts/bench/suites.js';

const parsed = (argv: string[]): BenchOptions => {
  const o = parseBenchOptions(argv);
  if (o === 'help') assert.fail('help');
  return o;
};

describe('bench: the timed-sale suite', () => {
  it('takes --suite sale --lots --stagger-ms (default 1,000 lots 1 s apart; --quick 30 lots 200 ms apart)', () => {
    const o = parsed(['--suite', 'sale', '--lots', '1000', '--stagger-ms', '1000']);
    assert.deepEqual([o.suites, o.lots, o.staggerMs], [['sale'], 1000, 1000]);
    assert.deepEqual([parsed([]).lots, parsed([]).staggerMs], [1000, 1000]);
    assert.deepEqual([parsed(['--quick']).lots, parsed(['--quick']).staggerMs], [30, 200]);
    assert.equal(parsed(['--stagger-ms', '0']).staggerMs, 0);
    assert.ok(!parsed([]).suites.includes('sale'), 'only when named');
    assert.deepEqual(parsed(['--suite', 'all,sale']).suites, ['throughput', 'rebuild', 'fanout', 'pipeline', 'sale']);
  });

  it('refuses more than 1,000 lots, no lot, or a fractional stagger, naming the option', () => {
    for (const argv of [['--lots', '1001'], ['--lots', '0'], ['--lots', '2.5'], ['--stagger-ms', '0.5'], ['--stagger-ms', '-1']]) {
      assert.throws(() => parseBenchOptions(argv), (e: unknown) => e instanceof UsageError && e.message.includes(argv[0]!.slice(2)), argv.join(' '));
    }
  });

  it('runs in the modes asked for whose services are configured', () => {
    assert.deepEqual(saleModes(['embedded', 'embedded-disk', 'pg+redis', 'pg+redis+kafka'], {}), ['embedded']);
    assert.deepEqual(saleModes(['embedded', 'pg+redis', 'pg+redis+kafka'], { DATABASE_URL: 'x', REDIS_URL: 'y' }), ['embedded', 'pg+redis']);
  });

  it('reports the end-to-close delays, and meets its goal only when every lot closed once, in order, never early', () => {
    const lots = [10, 20, 30, 40].map((delayMs, i) => ({ lotNumber: i + 1, closes: 1, delayMs }));
    const figure = saleFigureOf('embedded', 200, lots, true, 123);
    assert.deepEqual([figure.closedOnce, figure.p50Ms, figure.p99Ms, figure.maxMs, figure.early], [4, 20, 40, 40, 0]);
    assert.equal(saleGoalLine(figure).met, true);
    assert.match(formatSaleFigures([figure]), /4 lots, 200 ms apart: created in 123 ms; p50 20 ms, p99 40 ms, max 40 ms/);

    assert.equal(saleGoalLine(saleFigureOf('embedded', 200, lots, false, 1)).met, false, 'out of order');
    const twice = saleFigureOf('embedded', 200, [...lots.slice(1), { lotNumber: 1, closes: 2, delayMs: 5 }], true, 1);
    assert.deepEqual([twice.closedTwice, saleGoalLine(twice).met], [1, false]);
    const never = saleFigureOf('embedded', 200, [...lots.slice(1), { lotNumber: 1, closes: 0, delayMs: null }], true, 1);
    assert.deepEqual([never.unclosed, saleGoalLine(never).met], [1, false]);
    const early = saleFigureOf('embedded', 200, [{ lotNumber: 1, closes: 1, delayMs: -3 }], true, 1);
    assert.deepEqual([early.early, saleGoalLine(early).met], [1, false]);
  });

  it('gives the lots time to be created before lot 1 ends', () => {
    assert.ok(leadMsFor(1000) > leadMsFor(30));
  });
});
