// `npm run bench`: accepted bids per second over HTTP, with p50/p99 latency, beside an Express
// "hello world" route loaded the same way (issue #3). See `npm run bench -- --help`.
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mintToken } from '../../infra/index.js';
import { createBidPlan } from './bid-plan.js';
import { measureAtHalfRate } from './bid-to-frame.js';
import type { HalfRateFigures } from './bid-to-frame.js';
import { startChild } from './children.js';
import type { Child } from './children.js';
import { formatProfileSummary, readProfile, summariseProfile } from './cpu-profile.js';
import { cpuPerBid } from './cpu-time.js';
import { distributedGoals, formatDistributedNotes } from './distributed-goals.js';
import { requiredEnvironment, startSystemUnderTest } from './systems.js';
import type { SystemUnderTest } from './systems.js';
import { dataFolderFor } from './data-folder.js';
import { runSuites } from './suites.js';
import { loadBids, loadHello } from './load.js';
import type { LoadOptions } from './load.js';
import { parseBenchOptions, usage, UsageError } from './options.js';
import type { BenchOptions, Mode, ScenarioName } from './options.js';
import { formatGoals, throughputGoals } from './goals.js';
import type { GoalLine } from './goals.js';
import { formatNotes, formatTable } from './report.js';
import type { Row, VersionCheck } from './report.js';

const JWT_SECRET = 'gavelstream-bench-secret-0123456789abcdef';
const CURRENCY = 'USD';
const STARTING_PRICE = 1000;
const runId = randomUUID().slice(0, 8);

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

/** Variables the benchmark decides for its children; everything else is inherited. */
const decided = ['DATABASE_URL', 'REDIS_URL', 'REDIS_CLUSTER_NODES', 'EVENTSTORE_URL', 'KAFKA_BROKERS', 'PORT', 'REALTIME_PORT', 'DATA_DIR', 'LOG_LEVEL', 'AUTH_JWT_SECRET', 'RATE_LIMIT_PER_MINUTE', 'NODE_OPTIONS'];
const inherited = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([k]) => !decided.includes(k)));

interface Tokens {
  readonly seller: string;
  readonly bidders: readonly string[];
}

const mintTokens = async (bidders: number): Promise<Tokens> => ({
  seller: await mintToken({ secret: JWT_SECRET, sub: `bench-seller-${runId}`, roles: ['seller'], expiresIn: '2h' }),
  bidders: await Promise.all(
    Array.from({ length: bidders }, (_, i) => mintToken({ secret: JWT_SECRET, sub: `bench-bidder-${runId}-${i}`, roles: ['bidder'], expiresIn: '2h' })),
  ),
});

interface Created {
  readonly auctionId: string;
  readonly version: number;
}

/** Creates `count` auctions ending in an hour, a few requests at a time. */
const createAuctions = async (url: string, seller: string, count: number): Promise<Created[]> => {
  const endsAt = new Date(Date.now() + 3600_000).toISOString();
  const created: Created[] = new Array<Created>(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const response = await fetch(`${url}/v1/auctions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${seller}` },
        body: JSON.stringify({ title: `Bench lot ${i + 1}`, currency: CURRENCY, startingPrice: STARTING_PRICE, endsAt }),
      });
      const body: unknown = await response.json();
      const { auctionId, version } = (body ?? {}) as { auctionId?: unknown; version?: unknown };
      if (response.status !== 201 || typeof auctionId !== 'string' || typeof version !== 'number') {
        throw new Error(`creating an auction: ${response.status} ${JSON.stringify(body)}`);
      }
      created[i] = { auctionId, version };
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, count) }, worker));
  return created;
};

const labelOf = (scenario: ScenarioName, auctions: number) => (scenario === 'many' ? `many auctions (${auctions})` : 'one hot auction');

interface Context {
  readonly options: BenchOptions;
  readonly tokens: Tokens;
  readonly hello: Child;
  readonly profiles: string[];
}

const runScenario = async (ctx: Context, mode: Mode, scenario: ScenarioName, index: number): Promise<Row> => {
  const { options, tokens } = ctx;
  const auctions = scenario === 'many' ? options.auctions : 1;
  const label = labelOf(scenario, auctions);
  progress(`${label} / ${mode}: starting the server (load average ${load()})`);
  let system: SystemUnderTest | undefined;
  const folder = await dataFolderFor(mode);
  try {
    system = await startSystemUnderTest({
      mode,
      tag: `${runId}-${index}`,
      warn: progress,
      env: {
        ...inherited(),
        PORT: '0',
        REALTIME_PORT: '0',
        DATA_DIR: folder.dataDir,
        LOG_LEVEL: 'silent',
        AUTH_JWT_SECRET: JWT_SECRET,
        RATE_LIMIT_PER_MINUTE: '10000000',
        BENCH_NAMESPACE: `gs:bench:${runId}:${index}`,
      },
    });
    const server = system;
    const created = await createAuctions(server.urls[0]!, tokens.seller, auctions);
    const plan = createBidPlan({
      auctionIds: created.map((c) => c.auctionId),
      bidders: tokens.bidders.length,
      currency: CURRENCY,
      startingPrice: STARTING_PRICE,
      keyPrefix: `bench-${runId}-${index}`,
    });
    const bidLoad = { plan, bidderTokens: tokens.bidders };
    const same = (url: LoadOptions['url'], durationSeconds: number): LoadOptions => ({ url, connections: options.connections, durationSeconds });

    progress(`${label} / ${mode}: hello world for ${options.durationSeconds} s`);
    const hello = await loadHello(same(ctx.hello.url, options.durationSeconds));
    let warmAccepted = 0;
    if (options.warmupSeconds > 0) {
      progress(`${label} / ${mode}: warming up for ${options.warmupSeconds} s`);
      warmAccepted = (await loadBids(same(server.urls, options.warmupSeconds), bidLoad)).ok;
    }
    // One profile per process of the system (one in every mode but processes).
    const profileFile = (child: Child) =>
      options.profileDir === undefined ? undefined : join(resolve(options.profileDir), `${scenario}-${mode}${server.processes.length > 1 ? `-${child.name}` : ''}.cpuprofile`.replace(/[^\w.-]+/g, '-'));
    if (options.profileDir !== undefined) for (const child of server.processes) await child.ask({ type: 'profile-start' });
    progress(`${label} / ${mode}: bids for ${options.durationSeconds} s`);
    const cpuBefore = await server.cpuTimes();
    const bids = await loadBids(same(server.urls, options.durationSeconds), bidLoad);
    const cpu = cpuPerBid(cpuBefore, await server.cpuTimes(), bids.ok);
    for (const child of server.processes) {
      const file = profileFile(child);
      if (file === undefined) continue;
      await child.ask({ type: 'profile-stop', file });
      const title = server.processes.length > 1 ? `the ${child.name} process` : 'the server';
      ctx.profiles.push(formatProfileSummary(`CPU profile of ${title}, ${label} / ${mode} (${file})`, summariseProfile(await readProfile(file))));
    }

    // Requests in flight when a load stopped are still answered by the server: let them finish.
    await sleep(1000);
    let halfRate: HalfRateFigures | undefined;
    if (mode === 'processes' && scenario === 'many') {
      progress(`${label} / ${mode}: bids at half the maximum rate, and their frames, for ${options.durationSeconds} s`);
      halfRate = await measureAtHalfRate({
        urls: server.urls, realtimeUrl: server.realtimeUrl, auctionIds: created.map((c) => c.auctionId),
        load: bidLoad, maxOkPerSecond: bids.okPerSecond, durationSeconds: options.durationSeconds,
      });
    }
    const answer = await server.logReader.ask({ type: 'versions', auctionIds: created.map((c) => c.auctionId) }, 120_000);
    let versions: VersionCheck | undefined;
    if (answer.type === 'versions') {
      const bidEvents = answer.total - created.reduce((sum, c) => sum + c.version, 0);
      // The half-rate run waits for every answer, so it leaves none unanswered.
      const accepted = warmAccepted + bids.ok + (halfRate?.paced.ok ?? 0);
      const unanswered = bidEvents - accepted;
      const loads = options.warmupSeconds > 0 ? 2 : 1;
      versions = { streams: answer.streams, bidEvents, accepted, unanswered, addsUp: answer.streams === auctions && unanswered >= 0 && unanswered <= loads * options.connections };
    }
    return {
      scenario, label, mode, auctions, bids, hello, ratio: hello.okPerSecond > 0 ? bids.okPerSecond / hello.okPerSecond : 0,
      ...(versions !== undefined ? { versions } : {}), ...(halfRate !== undefined ? { halfRate } : {}), cpu,
    };
  } catch (error) {
    progress(`${label} / ${mode} failed: ${error instanceof Error ? error.message : String(error)}`);
    return { scenario, label, mode, auctions, failed: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
  } finally {
    await system?.stop();
    await folder.remove();
  }
};

const main = async (): Promise<number> => {
  let options;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`bench: ${error.message}\n\n${usage}`);
    return 2;
  }
  if (options === 'help') {
    console.log(usage);
    return 0;
  }
  if (options.profileDir !== undefined) await mkdir(options.profileDir, { recursive: true });

  const loadAtStart = loadavg();
  console.log(
    `gavelstream bench: ${options.connections} connections, ${options.durationSeconds} s per measured run (${options.warmupSeconds} s warm-up), ` +
      `${cpus().length} CPUs, node ${process.version}, load average ${load()} at start`,
  );
  const skipped: string[] = [];
  const modes = options.modes.filter((mode) => {
    const missing = requiredEnvironment(mode).filter((v) => (process.env[v] ?? '') === '');
    if (missing.length === 0) return true;
    const line = `${mode}: skipped (${missing.join(', ')} not set)`;
    skipped.push(line);
    console.log(line);
    return false;
  });

  const tokens = await mintTokens(options.bidders);
  const hello = await startChild({ name: 'hello-world server', module: new URL('./hello-server.js', import.meta.url), env: inherited() });
  const rows: Row[] = [];
  const profiles: string[] = [];
  try {
    await loadHello({ url: hello.url, connections: options.connections, durationSeconds: Math.max(1, options.warmupSeconds) });
    let index = 0;
    for (const mode of options.suites.includes('throughput') ? modes : []) {
      for (const scenario of options.scenarios) rows.push(await runScenario({ options, tokens, hello, profiles }, mode, scenario, index++));
    }
  } finally {
    await hello.stop();
  }
  const suites = await runSuites({ options, runId, jwtSecret: JWT_SECRET, env: inherited(), progress, distributed: ['DATABASE_URL', 'REDIS_URL'].every((v) => (process.env[v] ?? '') !== '') });

  if (rows.length > 0) {
    console.log('');
    console.log(formatTable(rows));
    console.log('');
    console.log('bids/s: accepted bids (201) per second; p50/p99: latency of the accepted bids; ratio: bids/s ÷ hello req/s.');
    console.log(formatNotes(rows));
    for (const line of formatDistributedNotes(rows)) console.log(line);
  }
  if (suites.notes.length > 0) console.log(`\n${suites.notes.join('\n')}`);
  for (const line of skipped) console.log(line);
  const goals: GoalLine[] = [...throughputGoals(rows), ...distributedGoals(rows), ...suites.goals];
  if (goals.length > 0) console.log(`\n${formatGoals(goals)}`);
  console.log(`load average ${load()} at the end (other processes on this machine share its CPUs)`);
  for (const profile of profiles) console.log(`\n${profile}`);
  if (options.json) {
    console.log(JSON.stringify({
      benchmark: 'gavelstream-bids',
      at: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      loadAverage: { start: loadAtStart, end: loadavg() },
      options: {
        connections: options.connections, durationSeconds: options.durationSeconds, warmupSeconds: options.warmupSeconds,
        auctions: options.auctions, bidders: options.bidders,
      },
      results: rows.map((r) => ({
        scenario: r.scenario, label: r.label, mode: r.mode, auctions: r.auctions,
        ...(r.bids !== undefined && r.hello !== undefined ? {
          bidsPerSecond: r.bids.okPerSecond, p50Ms: r.bids.p50Ms, p99Ms: r.bids.p99Ms,
          helloPerSecond: r.hello.okPerSecond, helloP50Ms: r.hello.p50Ms, helloP99Ms: r.hello.p99Ms, ratio: r.ratio,
          bidResponses: r.bids.responses, accepted: r.bids.ok, statuses: r.bids.statuses, errorCodes: r.bids.errorCodes,
          allP50Ms: r.bids.allP50Ms, allP99Ms: r.bids.allP99Ms, errors: r.bids.errors, timeouts: r.bids.timeouts,
          durationSeconds: r.bids.durationSeconds,
        } : {}),
        ...(r.versions !== undefined ? { versions: r.versions } : {}),
        ...(r.halfRate !== undefined ? { halfRate: r.halfRate } : {}),
        ...(r.cpu !== undefined ? { cpuPerBid: r.cpu } : {}),
        ...(r.failed !== undefined ? { failed: r.failed } : {}),
      })),
      skipped,
      rebuild: suites.rebuild,
      fanout: suites.fanout,
      sale: suites.sale,
      pipeline: suites.pipeline,
    }));
  }
  return rows.some((r) => r.failed !== undefined || r.versions?.addsUp === false) || suites.failed.length > 0 ? 1 : 0;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('bench: failed:', error);
    process.exitCode = 1;
  },
);
