// The fuzz suite (issue 8): fast-check-generated hostile HTTP requests over every route (with and
// without Idempotency-Key, every role, hostile subjects) and hostile WebSocket frames, against the
// whole system in embedded mode and on PostgreSQL + Redis. It asserts no 5xx (but the documented
// retryable 503s), every 4xx in the error model, no crash, and afterwards that the log and the read
// models changed only by commands that answered 2xx. Seeded: see fuzz-run.ts (FUZZ_SEED, FUZZ_RUNS).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { auctionIdOfStream } from '../../domain/index.js';
import { serviceUrl } from '../support/services.js';
import type { Backend, TestSystem } from '../support/system.js';
import { embedded, eventually, startTestSystem } from '../support/system.js';
import { setUpAuctionsInEveryState } from './auction-states.js';
import { FuzzWorld } from './fuzz-world.js';
import { fuzzSettings, runFuzz } from './fuzz-run.js';
import { batchArb } from './http-arbitraries.js';
import { exportProblems } from './export-sweep.js';
import { attemptProblems, logProblems, readModelProblems, readWholeLog } from './log-checks.js';
import { socketsArb } from './ws-arbitraries.js';
import { hostileSocketsStep } from './ws-checks.js';

/** Problems that differ only in ids, once each with a count. */
const summarise = (problems: readonly string[]): string[] => {
  const counts = new Map<string, number>();
  for (const p of problems) {
    const key = p.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([p, n]) => (n > 1 ? `${n}x ${p}` : p));
};

const inSeconds = (s: number): string => new Date(Date.now() + s * 1000).toISOString();

const hostileInputSuite = (backend: () => Backend) => {
  let sys: TestSystem;
  let world: FuzzWorld;

  before(async function () {
    this.timeout(120_000);
    // A short ?minVersion= wait: hostile minVersions would otherwise hold each request for 5 s.
    sys = await startTestSystem(backend(), { readApi: { minVersionWaitMs: 200 } });
    world = new FuzzWorld(sys);
    await setUpAuctionsInEveryState(world);
  });
  after(async function () {
    this.timeout(60_000);
    await sys?.stop();
  });

  it('HTTP: no hostile request gets a 5xx, an answer outside the error model, or a cut-off body', async function () {
    this.timeout(240_000);
    try {
      await runFuzz('HTTP', fc.asyncProperty(batchArb, (batch) => world.batch(batch)), fuzzSettings(40, 45_000));
    } finally {
      console.log(`    answers: ${world.summary()}`);
    }
  });

  it('WebSocket: hostile frames get error frames or a close, and a fresh honest client still gets its snapshot', async function () {
    this.timeout(240_000);
    const honestAuctionId = world.auctionIds[0]!;
    await runFuzz('WebSocket', fc.asyncProperty(socketsArb, (sockets) => hostileSocketsStep(sys, world.auctionIds, honestAuctionId, sockets)), fuzzSettings(12, 30_000));
  });

  it('afterwards: the log holds only what 2xx commands wrote, all of it readable (also as audit exports), and the read models are its projection', async function () {
    this.timeout(180_000);
    const problems: string[] = [];
    // The projector is caught up: a last valid auction is readable through the read API.
    const last = await world.must({
      intent: 'last', method: 'POST', path: '/v1/auctions', id: { kind: 'known', pick: 0, suffix: '' }, query: [],
      auth: { kind: 'token', sub: 'fz-sam', roles: ['seller'] }, idempotencyKey: undefined, contentType: 'application/json', accept: undefined, requestId: undefined,
      body: { kind: 'json', value: { title: 'The last lot', currency: 'USD', startingPrice: 1_000, endsAt: inSeconds(3_600) } },
    });
    const caughtUp = await eventually(async () => {
      const r = await fetch(`${sys.url}/v1/auctions/${String(last.auctionId)}?minVersion=${String(last.version)}`);
      return r.status === 200 ? true : undefined;
    }, 'the last auction in the read API', 30_000).catch(() => false);
    if (!caughtUp) problems.push(`the read API never showed the last auction ${String(last.auctionId)}: the projector is stuck`);

    let events;
    try {
      events = await readWholeLog(sys.resources.log);
    } catch (err) {
      problems.push(`the log cannot be read: ${(err as Error).message.slice(0, 300)}`);
    }
    if (events !== undefined) {
      problems.push(...logProblems(events, world.acceptedVersions));
      const known = new Set(events.map((e) => auctionIdOfStream(e.streamId) ?? e.streamId));
      problems.push(...(await attemptProblems(sys.resources.sql, known)));
    }
    problems.push(...(await exportProblems(world)));
    if (caughtUp) problems.push(...(await readModelProblems(sys.resources.sql, sys.resources.log, sys.config.pseudonymSecret)));
    else problems.push('the read models were not compared with the log: the projector never caught up');
    if (problems.length > 0) assert.fail(`the log or the read models changed other than by accepted commands:\n  ${summarise(problems).join('\n  ')}`);
  });
};

describe('fuzz: hostile input, embedded', () => hostileInputSuite(() => embedded));

describe('fuzz: hostile input, PostgreSQL and Redis', function () {
  let backend: Backend;
  before(function () {
    const what = 'the fuzz suite on PostgreSQL and Redis';
    backend = { name: 'services', databaseUrl: serviceUrl(this, 'DATABASE_URL', what), redisUrl: serviceUrl(this, 'REDIS_URL', what) };
  });
  hostileInputSuite(() => backend);
});
