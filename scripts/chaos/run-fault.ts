// One fault under load, then the checks (issue 11): the fault prepares (if it must, before any
// auction exists); the seller creates the fault's own auctions; subscribers follow them over
// WebSockets; bidders bid on them, retrying every key until it is answered; the fault strikes and
// is repaired while the load goes on; the load stops (keys in flight get a bounded time to be
// answered), some keys are sent again to see their answers replayed, the system settles, and the
// checks compare what the clients were told and saw with the event log, the read models (against
// a rebuild), the read API and the live cache; then the fault's own checks; last, whatever the
// fault left broken (a node not running, a service down) is repaired, and counts as a violation.
import { setTimeout as sleep } from 'node:timers/promises';
import { commandIdFor } from '../../commands/index.js';
import type { EventLog } from '../../domain/index.js';
import type { RedisClient, SqlExecutor } from '../../infra/index.js';
import {
  checkAnswers, checkExactlyOnce, checkFrameSequence, compareWithRebuild, laggards, loggedBids, streamHeads, streamsBehind,
} from './checks/index.js';
import type { LiveReaders } from './checks/index.js';
import type { Fault } from './faults/index.js';
import { BidLoad, createAuctions, startSubscribers } from './load/index.js';
import type { Bidder, KeyRecord } from './load/index.js';
import type { FaultReport } from './report.js';
import type { ChaosTarget } from './target/index.js';

export interface RunSettings {
  readonly auctions: number;
  readonly subscribers: number;
  /** Auctions each subscriber follows. */
  readonly follow: number;
  /** Load before the fault strikes, and after it is over (ms). */
  readonly warmupMs: number;
  readonly afterMs: number;
  /** How long keys still unanswered when the load stops keep being retried. */
  readonly drainMs: number;
  /** Keys answered at the first attempt that are sent again (besides every retried key). */
  readonly confirmSample: number;
  /** The longest wait for the system to settle (and for the recovery to show). */
  readonly settleMs: number;
  readonly paceMs: readonly [number, number];
  readonly requestTimeoutMs: number;
}

export interface Participants {
  readonly sellerToken: string;
  readonly bidders: readonly Bidder[];
}

/** What the checks read directly: the target's database (log and read models) and its Redis. */
export interface Probes {
  readonly sql: SqlExecutor;
  readonly log: EventLog;
  readonly redis: RedisClient | undefined;
}

/** An hour: the default auction outlives the run. */
const LONG_AFTER_THE_RUN_MS = 60 * 60_000;

const STARTING_PRICE = 1_000;

/** Retries `work` (a query while PostgreSQL comes back, say) until it succeeds or `timeoutMs` passes. */
const persist = async <T>(work: () => Promise<T>, timeoutMs: number): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await sleep(250);
    }
  }
};

/** Polls until nothing lags `heads`; the time it took, or undefined (with what still lags) at the deadline. */
const catchUp = async (readers: LiveReaders, heads: () => Promise<ReadonlyMap<string, number>>, timeoutMs: number): Promise<{ ms: number | undefined; behind: string[] }> => {
  const started = Date.now();
  const target = await heads();
  let behind: string[] = [];
  while (Date.now() - started < timeoutMs) {
    behind = await laggards(readers, target);
    if (behind.length === 0) return { ms: Date.now() - started, behind };
    await sleep(200);
  }
  return { ms: undefined, behind };
};

const statusLabel = (record: KeyRecord): string[] =>
  record.attempts.map(({ answer }) => (answer.kind === 'network' ? `network ${answer.error}` : `${answer.status}${answer.code !== undefined ? ` ${answer.code}` : ''}`));

/** A 5xx label that breaks "accepted, refused by a rule, or 503 with a code" (the balancer's own 502/504 allowed when the fault expects them). */
const unclearServerError = (label: string, balancerErrorsExpected: boolean): boolean =>
  /^5\d\d/.test(label) && !/^503 [A-Z_]+$/.test(label) && !(balancerErrorsExpected && /^50[24]$/.test(label));

export const runFault = async (
  target: ChaosTarget,
  fault: Fault,
  settings: RunSettings,
  participants: Participants,
  probes: Probes,
  say: (line: string) => void,
): Promise<FaultReport> => {
  const violations: string[] = [];
  if (fault.prepare !== undefined) await fault.prepare({ target, sql: probes.sql, auctionIds: [], say });
  const created = await createAuctions(target.url, participants.sellerToken, {
    count: settings.auctions, startingPrice: STARTING_PRICE, lastsMs: fault.endsAfterMs ?? (() => LONG_AFTER_THE_RUN_MS), title: `chaos ${fault.name}`,
  });
  const auctionIds = created.map((a) => a.auctionId);
  const subscribers = startSubscribers(target.realtimeUrl, auctionIds, settings.subscribers, settings.follow);
  const readers: LiveReaders = { url: target.url, redis: probes.redis, subscribers };
  const heads = () => persist(() => streamHeads(probes.sql, auctionIds), 60_000);
  const subscribed = await catchUp(readers, heads, 15_000);
  if (subscribed.ms === undefined) violations.push(`subscribers never got the new auctions: ${subscribed.behind.slice(0, 3).join('; ')}`);

  const load = new BidLoad({ url: target.url, bidders: participants.bidders, auctionIds, startingPrice: STARTING_PRICE, paceMs: settings.paceMs, requestTimeoutMs: settings.requestTimeoutMs });
  say(`load on ${auctionIds.length} auctions: ${participants.bidders.length} bidders, ${subscribers.length} subscribers`);
  load.start();
  await sleep(settings.warmupMs);
  const faultStart = Date.now();
  say(`fault: ${fault.title}`);
  await fault.inject({ target, sql: probes.sql, auctionIds, say });
  const faultEnd = Date.now();
  say(`fault over after ${((faultEnd - faultStart) / 1000).toFixed(1)} s; load goes on for ${settings.afterMs / 1000} s`);
  // Recovery: everything the log held when the fault ended reaches the read API, the cache and the subscribers.
  const recovery = catchUp(readers, heads, settings.settleMs);
  await sleep(settings.afterMs);
  await load.stop(settings.drainMs);
  const recovered = await recovery;
  if (recovered.ms === undefined) violations.push(`not recovered within ${settings.settleMs} ms of the fault's end: ${recovered.behind.slice(0, 3).join('; ')}`);
  const confirmed = await load.confirm(settings.confirmSample, settings.drainMs);
  say(`load stopped: ${load.records.length} keys; ${confirmed} sent again to see their answers replayed; settling`);

  // Settle: the read models have every stream of the log, and the read paths are at the log's head.
  const settled = await catchUp(readers, heads, settings.settleMs);
  if (settled.ms === undefined) violations.push(`did not converge within ${settings.settleMs} ms: ${settled.behind.slice(0, 5).join('; ')}`);
  await persist(async () => {
    if ((await streamsBehind(probes.sql)) !== 0) throw new Error('the read models are behind the log');
  }, settings.settleMs).catch(() => violations.push('the read models never caught up with the whole log'));
  for (const s of subscribers) s.stop();

  // The checks.
  const records = load.records;
  const finalHeads = await heads();
  const answers = checkAnswers(records);
  const once = checkExactlyOnce(records, await loggedBids(probes.sql, auctionIds), (r) => commandIdFor(r.userId, r.key));
  let framesReceived = 0;
  let framesMissed = 0;
  let framesDoubled = 0;
  let resyncs = 0;
  let reconnections = 0;
  for (const s of subscribers) {
    reconnections += Math.max(0, s.connections - 1);
    for (const auctionId of s.auctionIds) {
      const frames = checkFrameSequence(s.entries.get(auctionId) ?? [], finalHeads.get(auctionId));
      framesReceived += frames.received;
      framesMissed += frames.missed;
      framesDoubled += frames.doubled;
      resyncs += frames.resyncs;
      violations.push(...frames.problems.map((p) => `${s.name}, auction ${auctionId}: ${p}`));
    }
  }
  const rebuild = await compareWithRebuild(probes.sql, probes.log, target.secrets.pseudonym);
  violations.push(...once.problems, ...answers.problems, ...rebuild.problems.map((p) => `read models differ from a rebuild: ${p}`));
  if (answers.unresolved > 0) violations.push(`${answers.unresolved} keys never got a final answer within the run's bound`);

  const statuses: Record<string, number> = {};
  for (const label of records.flatMap(statusLabel)) statuses[label] = (statuses[label] ?? 0) + 1;
  const unclear = Object.entries(statuses).filter(([label]) => unclearServerError(label, fault.balancerErrorsExpected === true));
  for (const [label, n] of unclear) violations.push(`${n} answers ${label}: a command must be accepted, refused by a rule, or answered 503 with a code`);
  const own = fault.check === undefined
    ? undefined
    : await fault.check({ sql: probes.sql, auctionIds, endsAt: new Map(created.map((a) => [a.auctionId, a.endsAt])), records, subscribers });
  if (own !== undefined) violations.push(...own.problems);
  const repaired = await target.heal();
  violations.push(...repaired.map((r) => `after the fault, ${r}`));
  const firstOk = records.flatMap((r) => r.attempts).filter((a) => a.answer.kind === 'http' && a.answer.status === 201 && a.at >= faultEnd).reduce((min, a) => Math.min(min, a.at), Number.POSITIVE_INFINITY);

  return {
    fault: fault.name,
    title: fault.title,
    keys: records.length,
    acknowledged: once.acknowledged,
    foundInLog: once.found,
    lost: once.lost,
    duplicates: once.duplicates,
    answeredDifferently: answers.answeredDifferently + once.mismatched,
    wronglyAccepted: once.wronglyAccepted + once.strangers,
    unresolved: answers.unresolved,
    replayed: answers.replayedKeys,
    framesReceived,
    framesMissed,
    framesDoubled,
    resyncs,
    reconnections,
    statuses,
    faultMs: faultEnd - faultStart,
    firstCommandMs: Number.isFinite(firstOk) ? firstOk - faultEnd : undefined,
    convergedMs: recovered.ms,
    readModelRows: rebuild.rows,
    readModelsEqual: rebuild.problems.length === 0,
    ...(own !== undefined ? { faultSummary: own.summary } : {}),
    violations,
  };
};
