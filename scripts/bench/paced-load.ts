// Bids at a fixed rate (open loop): request n leaves at n / rate seconds after the start, whatever
// the answers to the earlier ones, spread over the command-API URLs in turn. The latency of a
// service at a given load ("p99 at half the maximum rate") needs this: autocannon's overallRate
// lets each connection send its whole quota for the second as fast as it can at the start of
// every second, so the server sees bursts at the maximum rate and then nothing.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { PlannedBid } from './bid-plan.js';
import type { BidLoad } from './load.js';
import { percentile } from './load.js';

/** Half of a measured rate, in whole requests per second (at least 1). */
export const halfRate = (maxPerSecond: number): number => Math.max(1, Math.round(maxPerSecond / 2));

/** How many requests are due `elapsedMs` after the start at `ratePerSecond`, never more than `total`. */
export const sendsDue = (elapsedMs: number, ratePerSecond: number, total: number): number =>
  Math.min(total, Math.max(0, Math.floor((elapsedMs * ratePerSecond) / 1000) + 1));

export interface PacedOptions {
  /** The command-API base URLs, used in turn. */
  readonly urls: readonly string[];
  readonly ratePerSecond: number;
  readonly durationSeconds: number;
}

export interface PacedResult {
  readonly ratePerSecond: number;
  /** Seconds from the first request to the last answer. */
  readonly durationSeconds: number;
  readonly sent: number;
  readonly ok: number;
  readonly okPerSecond: number;
  /** Latency of the 201s, from the request's start to the end of its answer (ms). */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** Requests that got no answer (connection errors, the 30 s timeout). */
  readonly errors: number;
}

/** Told of every answered bid: what was planned, when it left, its status and body. */
export type BidObserver = (bid: PlannedBid, sentAt: number, status: number, body: string) => void;

const TIMEOUT_MS = 30_000;

export const loadBidsPaced = (options: PacedOptions, load: BidLoad, observe?: BidObserver): Promise<PacedResult> =>
  new Promise((resolve) => {
    const { urls, ratePerSecond } = options;
    const total = Math.max(1, Math.round(ratePerSecond * options.durationSeconds));
    const agent = new Agent({ keepAlive: true, maxSockets: 256 });
    const targets = urls.map((u) => new URL(u));
    const latencies = new Float64Array(total);
    const statuses: Record<string, number> = {};
    let ok = 0;
    let sent = 0;
    let done = 0;
    let errors = 0;
    const started = performance.now();
    let lastAnswer = started;

    const finish = () => {
      agent.destroy();
      const sorted = latencies.slice(0, ok).sort();
      const seconds = (lastAnswer - started) / 1000;
      resolve({
        ratePerSecond,
        durationSeconds: seconds,
        sent,
        ok,
        okPerSecond: seconds > 0 ? ok / seconds : 0,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        statuses,
        errors,
      });
    };
    const answered = () => {
      done += 1;
      lastAnswer = performance.now();
      if (done === total) finish();
    };

    const send = (index: number) => {
      const bid = load.plan.next();
      const target = targets[index % targets.length]!;
      const body = `{"maxAmount":${bid.maxAmount}}`;
      const sentAt = performance.now();
      let settled = false;
      const settle = (record: () => void) => {
        if (settled) return;
        settled = true;
        record();
        answered();
      };
      const req = request({
        agent,
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: `/v1/auctions/${bid.auctionId}/bids`,
        timeout: TIMEOUT_MS,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${load.bidderTokens[bid.bidder]!}`,
          'idempotency-key': bid.key,
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => settle(() => {
          const status = res.statusCode ?? 0;
          statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
          if (status === 201) latencies[ok++] = performance.now() - sentAt;
          observe?.(bid, sentAt, status, Buffer.concat(chunks).toString());
        }));
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', () => settle(() => (errors += 1)));
      req.end(body);
    };

    // A 1 ms timer sends whatever is due, so requests leave evenly to within about a millisecond.
    const timer = setInterval(() => {
      const due = sendsDue(performance.now() - started, ratePerSecond, total);
      while (sent < due) send(sent++);
      if (sent === total) clearInterval(timer);
    }, 1);
  });
