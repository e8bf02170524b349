// The fan-out suite of `npm run bench`: `subscribers` WebSocket clients (spread over client
// processes) follow one auction on the system under test (a child process, as `npm start` runs it,
// REALTIME_MAX_CONNECTIONS_PER_ADDRESS=0), while bids arrive over HTTP at a steady 20 per second.
// The clients are cheap real WebSockets (fanout-subscriber.ts): every socket reads every byte and
// checks every `auction.updated` is the next version, by looking at bytes; a sample of
// SAMPLED_SOCKETS decodes each frame as a browser would. Delivery latency: from the moment a bid's
// request is sent to the moment each socket receives the frame of the version its 201 answered (so
// it includes the bid's own commit; the 201 -> frame time is at most this), on every socket and on
// the sample. The server's RSS (process.memoryUsage over IPC) is sampled before the sockets and with
// them (each after a full garbage collection, with the JS heap in use), and during the bids (the
// peak is reported); its CPU time and the clients' over the bids.
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { mintToken } from '../../infra/index.js';
import { freshDatabase } from './database.js';
import { formatProfileSummary, readProfile, summariseProfile } from './cpu-profile.js';
import { LatencyHistogram } from './delivery.js';
import { forkFanoutChild } from './fanout-ipc.js';
import type { FanoutChild } from './fanout-ipc.js';
import type { GoalLine } from './goals.js';

export const FANOUT_GOAL_P99_MS = 100;
export const FANOUT_BIDS_PER_SECOND = 20;
/** Sockets (spread over the connection order) that decode every frame in full. */
export const SAMPLED_SOCKETS = 200;

export type FanoutMode = 'embedded' | 'pg+redis';

export interface FanoutOptions {
  readonly mode: FanoutMode;
  readonly subscribers: number;
  readonly durationSeconds: number;
  readonly jwtSecret: string;
  readonly runId: string;
  /** The environment the server inherits (the suite sets its own variables on top). */
  readonly env: NodeJS.ProcessEnv;
  readonly progress: (message: string) => void;
  /** A folder for a CPU profile of the server over the bids, or undefined. */
  readonly profileDir?: string | undefined;
}

export interface FanoutFigure {
  readonly mode: FanoutMode;
  readonly subscribers: number;
  readonly clientProcesses: number;
  readonly bidsSent: number;
  readonly bidsAccepted: number;
  /** The non-201 answers, e.g. "409 BID_TOO_LOW x2". */
  readonly refused: string;
  readonly bidP99Ms: number;
  readonly deliveries: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Deliveries and p99 on the sampled sockets alone (they decode every frame in full). */
  readonly sampleDeliveries: number;
  readonly sampleP99Ms: number;
  /** p99 from each bid's 201 (not its request) to the frame: the node's share, without the commit. */
  readonly afterAnswerP99Ms: number;
  readonly missing: number;
  readonly closedSockets: number;
  /** Sockets that received something wrong (a gap, a frame out of order, an error frame), and the first such thing. */
  readonly wrongSockets: number;
  readonly firstProblem: string;
  /** CPU time over the bids per accepted bid: the server's, and all client processes'. */
  readonly serverCpuMsPerBid: number;
  /** Of which in the kernel (sending to the sockets; on loopback, much of the receiving side too). */
  readonly serverSystemCpuMsPerBid: number;
  readonly clientCpuMsPerBid: number;
  readonly rssIdleMb: number;
  readonly rssSubscribedMb: number;
  readonly rssPeakMb: number;
  /** The JavaScript heap in use (after a full collection) without and with the sockets. */
  readonly heapIdleMb: number;
  readonly heapSubscribedMb: number;
  /** Where the server's CPU time went over the bids (with --profile). */
  readonly profile?: string | undefined;
}

const now = () => performance.timeOrigin + performance.now();
const mb = (bytes: number) => bytes / (1024 * 1024);

/** The CPU time a child has used so far: [user + system, system] in ms. */
const cpuMsOf = async (child: FanoutChild): Promise<[number, number]> => {
  const answer = await child.ask({ type: 'cpu' });
  if (answer.type !== 'cpu') throw new Error(`expected CPU time, got ${answer.type}`);
  return [(answer.userMicros + answer.systemMicros) / 1000, answer.systemMicros / 1000];
};

/** The server's RSS; with `collect`, after a full garbage collection, and its heap used too. */
const memoryOf = async (server: FanoutChild, collect = false): Promise<{ rss: number; heapUsed: number }> => {
  const answer = await server.ask({ type: 'memory', collect });
  if (answer.type !== 'memory') throw new Error(`expected the server's memory, got ${answer.type}`);
  return answer;
};

/** How many client processes for so many sockets: one per 5,000, at most two (the machine's CPUs). */
export const clientProcessesFor = (subscribers: number): number => Math.min(2, Math.max(1, Math.ceil(subscribers / 5000)));

/** `total` split into `parts` shares that differ by at most one. */
export const shares = (total: number, parts: number): number[] =>
  Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));

const createAuction = async (url: string, seller: string): Promise<string> => {
  const response = await fetch(`${url}/v1/auctions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${seller}` },
    body: JSON.stringify({ title: 'Fan-out lot', currency: 'USD', startingPrice: 1000, endsAt: new Date(Date.now() + 3600_000).toISOString() }),
  });
  const body = (await response.json()) as { auctionId?: unknown };
  if (response.status !== 201 || typeof body.auctionId !== 'string') throw new Error(`creating the auction: ${response.status} ${JSON.stringify(body)}`);
  return body.auctionId;
};

export const runFanout = async (options: FanoutOptions): Promise<FanoutFigure> => {
  const { mode, subscribers, progress } = options;
  const database = mode === 'pg+redis' ? await freshDatabase(process.env.DATABASE_URL!) : undefined;
  const children: FanoutChild[] = [];
  try {
    const server = await forkFanoutChild(`fan-out server (${mode})`, new URL('./fanout-server.js', import.meta.url), {
      ...options.env,
      PORT: '0',
      REALTIME_PORT: '0',
      DATA_DIR: 'memory',
      LOG_LEVEL: 'silent',
      AUTH_JWT_SECRET: options.jwtSecret,
      RATE_LIMIT_PER_MINUTE: '10000000',
      REALTIME_MAX_CONNECTIONS_PER_ADDRESS: '0',
      BENCH_NAMESPACE: `gs:bench:${options.runId}:fanout`,
      ...(database !== undefined ? { DATABASE_URL: database.url, REDIS_URL: process.env.REDIS_URL } : { DATABASE_URL: '', REDIS_URL: '' }),
    }, ['--expose-gc']);
    children.push(server);
    if (server.first.type !== 'server-ready') throw new Error(`fan-out server: expected server-ready, got ${server.first.type}`);
    const { url, realtimeUrl } = server.first;
    const seller = await mintToken({ secret: options.jwtSecret, sub: `fanout-seller-${options.runId}`, roles: ['seller'], expiresIn: '2h' });
    const bidders = await Promise.all(Array.from({ length: 8 }, (_, i) => mintToken({ secret: options.jwtSecret, sub: `fanout-bidder-${options.runId}-${i}`, roles: ['bidder'], expiresIn: '2h' })));
    const auctionId = await createAuction(url, seller);
    const idle = await memoryOf(server, true);

    const processes = clientProcessesFor(subscribers);
    progress(`fan-out / ${mode}: opening ${subscribers} WebSockets from ${processes} client processes`);
    const sampled = shares(Math.min(SAMPLED_SOCKETS, subscribers), processes);
    const clients = await Promise.all(shares(subscribers, processes).map(async (n, i) => {
      const client = await forkFanoutChild(`fan-out clients ${i + 1}`, new URL('./fanout-clients.js', import.meta.url), { ...options.env, NODE_OPTIONS: '' });
      children.push(client);
      const answer = await client.ask({ type: 'subscribe', url: realtimeUrl, auctionId, sockets: n, sampled: sampled[i]! }, 600_000);
      if (answer.type !== 'subscribed' || answer.sockets !== n) throw new Error(`fan-out clients ${i + 1}: ${JSON.stringify(answer)}`);
      return client;
    }));
    const subscribed = await memoryOf(server, true);

    const count = Math.max(1, Math.round(options.durationSeconds * FANOUT_BIDS_PER_SECOND));
    progress(`fan-out / ${mode}: ${count} bids at ${FANOUT_BIDS_PER_SECOND}/s`);
    const bids: [number, number][] = [];
    const answers: [number, number][] = [];
    const bidLatencies = new LatencyHistogram();
    let accepted = 0;
    const refused = new Map<string, number>();
    let rssPeak = subscribed.rss;
    const sampling = (async () => {
      for (let i = 0; i < options.durationSeconds + 2; i++) {
        await sleep(1000);
        rssPeak = Math.max(rssPeak, (await memoryOf(server)).rss);
      }
    })();
    const profileFile = options.profileDir === undefined ? undefined : join(resolve(options.profileDir), `fanout-${mode}.cpuprofile`.replace(/[^\w.-]+/g, '-'));
    if (profileFile !== undefined) await server.ask({ type: 'profile-start' });
    const serverCpuBefore = await cpuMsOf(server);
    const clientCpuBefore = await Promise.all(clients.map(cpuMsOf));
    const started = now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const wait = started + (i * 1000) / FANOUT_BIDS_PER_SECOND - now();
      if (wait > 0) await sleep(wait);
      const sentAt = now();
      inFlight.push((async () => {
        const response = await fetch(`${url}/v1/auctions/${auctionId}/bids`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bidders[i % bidders.length]!}`, 'idempotency-key': `fanout-${options.runId}-${i}` },
          // Each maximum far above the last: every bid takes the lead, whatever order they land in.
          body: JSON.stringify({ maxAmount: 2000 + i * 10_000 }),
        });
        const body = (await response.json()) as { version?: unknown; error?: { code?: unknown } };
        if (response.status !== 201) {
          const code = `${response.status} ${typeof body.error?.code === 'string' ? body.error.code : ''}`.trim();
          refused.set(code, (refused.get(code) ?? 0) + 1);
        }
        if (response.status === 201 && typeof body.version === 'number') {
          accepted += 1;
          bidLatencies.add(now() - sentAt);
          bids.push([body.version, sentAt]);
          answers.push([body.version, now()]);
        }
      })());
    }
    await Promise.all(inFlight);
    // The sampling runs 2 s past the last bid: the frames are out by then.
    await sampling;
    const serverCpuAfter = await cpuMsOf(server);
    const clientCpuMs = (await Promise.all(clients.map(cpuMsOf))).reduce((sum, [ms], i) => sum + ms - clientCpuBefore[i]![0], 0);
    if (profileFile !== undefined) await server.ask({ type: 'profile-stop', file: profileFile });
    bids.sort((a, b) => a[0] - b[0]);
    answers.sort((a, b) => a[0] - b[0]);

    const histogram = new LatencyHistogram();
    const sample = new LatencyHistogram();
    const afterAnswer = new LatencyHistogram();
    let missing = 0;
    let closedSockets = 0;
    let wrongSockets = 0;
    let firstProblem = '';
    for (const client of clients) {
      const answer = await client.ask({ type: 'deliveries', bids, answers }, 300_000);
      if (answer.type !== 'delivered') throw new Error(`expected deliveries, got ${answer.type}`);
      histogram.merge(answer.entries);
      sample.merge(answer.sampleEntries);
      afterAnswer.merge(answer.afterAnswerEntries);
      missing += answer.missing;
      closedSockets += answer.closed;
      wrongSockets += answer.problems;
      if (firstProblem === '') firstProblem = answer.firstProblem;
    }
    const perBid = (ms: number) => (accepted > 0 ? ms / accepted : 0);
    return {
      mode, subscribers, clientProcesses: processes, bidsSent: count, bidsAccepted: accepted, refused: [...refused].map(([code, n]) => `${code} x${n}`).join(', '), bidP99Ms: bidLatencies.percentile(99),
      deliveries: histogram.count, p50Ms: histogram.percentile(50), p99Ms: histogram.percentile(99), maxMs: histogram.max(),
      sampleDeliveries: sample.count, sampleP99Ms: sample.percentile(99), afterAnswerP99Ms: afterAnswer.percentile(99),
      missing, closedSockets, wrongSockets, firstProblem,
      serverCpuMsPerBid: perBid(serverCpuAfter[0] - serverCpuBefore[0]), serverSystemCpuMsPerBid: perBid(serverCpuAfter[1] - serverCpuBefore[1]), clientCpuMsPerBid: perBid(clientCpuMs),
      rssIdleMb: mb(idle.rss), rssSubscribedMb: mb(subscribed.rss), rssPeakMb: mb(rssPeak), heapIdleMb: mb(idle.heapUsed), heapSubscribedMb: mb(subscribed.heapUsed),
      profile: profileFile === undefined ? undefined : formatProfileSummary(`CPU profile of the fan-out server, ${mode} (${profileFile})`, summariseProfile(await readProfile(profileFile))),
    };
  } finally {
    for (const child of children.reverse()) await child.stop();
    await database?.drop().catch((error: unknown) => progress(`could not drop the benchmark database: ${String(error)}`));
  }
};

export const fanoutGoalLine = (f: FanoutFigure): GoalLine => ({
  figure: `fan-out, ${f.subscribers.toLocaleString('en-US')} sockets, ${FANOUT_BIDS_PER_SECOND} bids/s, ${f.mode}`,
  measured: `p99 ${f.p99Ms.toFixed(1)} ms; server RSS ${f.rssPeakMb.toFixed(0)} MB`
    + (f.missing + f.closedSockets + f.wrongSockets > 0 ? `; ${f.missing} undelivered, ${f.closedSockets} dropped, ${f.wrongSockets} wrong` : ''),
  goal: `p99 delivery < ${FANOUT_GOAL_P99_MS} ms; RSS reported`,
  met: f.p99Ms < FANOUT_GOAL_P99_MS && f.missing === 0 && f.closedSockets === 0 && f.wrongSockets === 0,
});

export const formatFanoutFigure = (f: FanoutFigure): string =>
  `fan-out / ${f.mode}: ${f.subscribers} sockets (${f.clientProcesses} client processes), ${f.bidsAccepted} of ${f.bidsSent} bids accepted (201 p99 ${f.bidP99Ms.toFixed(1)} ms${f.refused !== '' ? `; refused: ${f.refused}` : ''}); ` +
  `${f.deliveries} deliveries, bid request -> frame p50 ${f.p50Ms.toFixed(1)} ms, p99 ${f.p99Ms.toFixed(1)} ms, max ${f.maxMs.toFixed(1)} ms ` +
  `(the ${f.sampleDeliveries} on fully decoding sockets: p99 ${f.sampleP99Ms.toFixed(1)} ms; from the 201 instead: p99 ${f.afterAnswerP99Ms.toFixed(1)} ms); ` +
  `${f.missing} undelivered, ${f.closedSockets} sockets closed, ${f.wrongSockets} sockets got a wrong frame${f.firstProblem !== '' ? ` (first: ${f.firstProblem})` : ''}; ` +
  `CPU per accepted bid: server ${f.serverCpuMsPerBid.toFixed(1)} ms (${f.serverSystemCpuMsPerBid.toFixed(1)} ms system), clients ${f.clientCpuMsPerBid.toFixed(1)} ms; ` +
  `server RSS ${f.rssIdleMb.toFixed(0)} MB idle, ${f.rssSubscribedMb.toFixed(0)} MB subscribed, ${f.rssPeakMb.toFixed(0)} MB peak ` +
  `(JS heap in use ${f.heapIdleMb.toFixed(1)} MB idle, ${f.heapSubscribedMb.toFixed(1)} MB subscribed)`;
