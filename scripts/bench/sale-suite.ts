// The timed-sale suite of `npm run bench` (--suite sale): a sale of --lots lots closing
// --stagger-ms apart (hold-back on, so lot N also waits for lot N - 1), created over HTTP on the
// system under test (a child process, as for the throughput rows), then left to the scheduler. Per
// lot, from the event log: how many AuctionClosed it got (exactly one expected), the delay from its
// end to its AuctionClosed (`closedAt - endsAt`, both the server's clock), and whether the closes
// are in lot order in the log. Nothing about time is asserted.
import { setTimeout as sleep } from 'node:timers/promises';
import { mintToken } from '../../infra/index.js';
import { LatencyHistogram } from './delivery.js';
import type { GoalLine } from './goals.js';
import type { Mode } from './options.js';
import { startSystemUnderTest } from './systems.js';

/** What the log says of one lot once the sale is over. */
export interface LotClose {
  readonly lotNumber: number;
  /** How many AuctionClosed its stream holds. */
  readonly closes: number;
  /** closedAt - endsAt (ms) of its first AuctionClosed; null when it has none. */
  readonly delayMs: number | null;
}

export interface SaleFigure {
  readonly mode: Mode;
  readonly lots: number;
  readonly staggerMs: number;
  /** Lots with exactly one AuctionClosed. */
  readonly closedOnce: number;
  readonly unclosed: number;
  readonly closedTwice: number;
  /** A lot closed before its own end (never expected). */
  readonly early: number;
  /** The closes are in lot order in the log. */
  readonly inOrder: boolean;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly createMs: number;
}

/** The figure of a sale from its lots' closes (pure). `inOrder` comes from the log's positions. */
export const saleFigureOf = (mode: Mode, staggerMs: number, closes: readonly LotClose[], inOrder: boolean, createMs: number): SaleFigure => {
  const histogram = new LatencyHistogram();
  for (const c of closes) if (c.delayMs !== null) histogram.add(Math.max(0, c.delayMs));
  return {
    mode,
    lots: closes.length,
    staggerMs,
    closedOnce: closes.filter((c) => c.closes === 1).length,
    unclosed: closes.filter((c) => c.closes === 0).length,
    closedTwice: closes.filter((c) => c.closes > 1).length,
    early: closes.filter((c) => c.delayMs !== null && c.delayMs < 0).length,
    inOrder,
    p50Ms: histogram.percentile(50),
    p99Ms: histogram.percentile(99),
    maxMs: histogram.max(),
    createMs,
  };
};

const ms = (n: number): string => (Number.isNaN(n) ? '-' : `${n.toFixed(0)} ms`);

export const saleGoalLine = (f: SaleFigure): GoalLine => ({
  figure: `timed sale, ${f.lots.toLocaleString('en-US')} lots ${f.staggerMs} ms apart, ${f.mode}`,
  measured: `end -> AuctionClosed p50 ${ms(f.p50Ms)}, p99 ${ms(f.p99Ms)}, max ${ms(f.maxMs)}; ${f.closedOnce}/${f.lots} closed once${f.inOrder ? ', in order' : ', OUT OF ORDER'}${f.early > 0 ? `, ${f.early} early` : ''}`,
  goal: 'each lot closed exactly once, in lot order, never early',
  met: f.closedOnce === f.lots && f.inOrder && f.early === 0,
});

export const formatSaleFigures = (figures: readonly SaleFigure[]): string =>
  [
    'timed sale (--suite sale): per lot, the delay from its end to its AuctionClosed (server clock), hold-back on',
    ...figures.map((f) => `  ${f.mode.padEnd(15)} ${f.lots} lots, ${f.staggerMs} ms apart: created in ${ms(f.createMs)}; p50 ${ms(f.p50Ms)}, p99 ${ms(f.p99Ms)}, max ${ms(f.maxMs)}; `
      + `closed once ${f.closedOnce}, never ${f.unclosed}, twice or more ${f.closedTwice}, early ${f.early}; ${f.inOrder ? 'in lot order' : 'NOT in lot order'}`),
  ].join('\n');

export interface SaleSuiteOptions {
  readonly mode: Mode;
  readonly lots: number;
  readonly staggerMs: number;
  readonly jwtSecret: string;
  readonly runId: string;
  readonly env: NodeJS.ProcessEnv;
  readonly progress: (message: string) => void;
}

/** Time given to create the lots before lot 1 ends: 5 s, plus 20 ms a lot. */
export const leadMsFor = (lots: number): number => 5_000 + 20 * lots;

export const runSaleSuite = async (o: SaleSuiteOptions): Promise<SaleFigure> => {
  const label = `timed sale / ${o.mode}`;
  o.progress(`${label}: starting the server`);
  const system = await startSystemUnderTest({
    mode: o.mode,
    tag: `${o.runId}-sale-${o.mode.replace(/[^a-z]/g, '')}`,
    warn: o.progress,
    env: {
      ...o.env, PORT: '0', REALTIME_PORT: '0', DATA_DIR: 'memory', LOG_LEVEL: 'silent', AUTH_JWT_SECRET: o.jwtSecret, RATE_LIMIT_PER_MINUTE: '10000000',
      BENCH_NAMESPACE: `gs:bench:${o.runId}:sale:${o.mode}`,
    },
  });
  try {
    const seller = await mintToken({ secret: o.jwtSecret, sub: `bench-seller-${o.runId}`, roles: ['seller'], expiresIn: '2h' });
    const firstEndsAt = Date.now() + leadMsFor(o.lots);
    o.progress(`${label}: creating ${o.lots} lots, ${o.staggerMs} ms apart`);
    const started = performance.now();
    const response = await fetch(`${system.urls[0]!}/v1/sales`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${seller}`, 'Idempotency-Key': `bench-sale-${o.runId}-${o.mode}` },
      body: JSON.stringify({
        title: 'Benchmark sale', currency: 'USD', firstEndsAt: new Date(firstEndsAt).toISOString(), staggerMs: o.staggerMs, holdBack: true,
        lots: Array.from({ length: o.lots }, (_, i) => ({ title: `Lot ${i + 1}`, startingPrice: 1000 })),
      }),
    });
    const createMs = performance.now() - started;
    const body = (await response.json()) as { lots?: { lotNumber: number; auctionId: string }[] };
    if (response.status !== 201 || body.lots === undefined) throw new Error(`POST /v1/sales answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
    if (Date.now() > firstEndsAt) o.progress(`${label}: creating the lots took past lot 1's end; its delays include that`);
    const auctionIds = body.lots.map((l) => l.auctionId);
    const lastEndsAt = firstEndsAt + (o.lots - 1) * o.staggerMs;
    await sleep(Math.max(0, lastEndsAt - Date.now()));
    // Then until every lot closed (or a minute more).
    const deadline = Date.now() + 60_000;
    for (;;) {
      const answer = await system.logReader.ask({ type: 'closes', auctionIds });
      if (answer.type !== 'closes') throw new Error(`the log reader answered ${answer.type}`);
      if (answer.lots.every((l) => l.closes > 0) || Date.now() > deadline) {
        o.progress(`${label}: done`);
        return saleFigureOf(o.mode, o.staggerMs, answer.lots, answer.inOrder, createMs);
      }
      await sleep(500);
    }
  } finally {
    await system.stop();
  }
};
