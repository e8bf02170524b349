// The distributed figures at half the maximum rate: bids sent at a fixed rate (half the accepted
// bids/s of the run at full speed) over the command-API processes, their p99, and, for the bids on
// a sample of auctions that WebSocket clients follow, the time from sending the request to the
// `auction.updated` frame that shows it (through the publisher, Kafka, the projector's live cache
// in Redis and the realtime node).
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SentBid } from './frame-match.js';
import { watchFrames } from './frame-watch.js';
import type { BidLoad } from './load.js';
import { percentile } from './load.js';
import { halfRate, loadBidsPaced } from './paced-load.js';
import type { PacedResult } from './paced-load.js';

/** Auctions the WebSocket clients follow (at most). */
const SAMPLE_AUCTIONS = 96;
/** How long to wait, after the last answer, for the frames still on their way. */
const FRAME_GRACE_MS = 5_000;

export interface BidToFrame {
  readonly auctions: number;
  /** Accepted bids on the followed auctions, and those matched to their frame. */
  readonly bids: number;
  readonly matched: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Frames other than auction.updated, snapshots and time (errors), by type. */
  readonly unexpected: Readonly<Record<string, number>>;
}

export interface HalfRateFigures {
  /** The accepted bids/s of the full-speed run that this run halves. */
  readonly maxOkPerSecond: number;
  readonly paced: PacedResult;
  readonly frames?: BidToFrame;
}

/** Up to `n` auctions spread evenly over the list. */
export const sampleEvenly = <T>(items: readonly T[], n: number): T[] => {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!);
};

export interface HalfRateOptions {
  readonly urls: readonly string[];
  /** The realtime node's WebSocket URL; without it, no frames are timed. */
  readonly realtimeUrl: string | undefined;
  readonly auctionIds: readonly string[];
  readonly load: BidLoad;
  readonly maxOkPerSecond: number;
  readonly durationSeconds: number;
}

export const measureAtHalfRate = async (options: HalfRateOptions): Promise<HalfRateFigures> => {
  const ratePerSecond = halfRate(options.maxOkPerSecond);
  const sample = options.realtimeUrl === undefined ? [] : sampleEvenly(options.auctionIds, SAMPLE_AUCTIONS);
  const watch = options.realtimeUrl === undefined ? undefined : await watchFrames(options.realtimeUrl, sample);
  try {
    const followed = new Set(sample);
    const sent: SentBid[] = [];
    const paced = await loadBidsPaced({ urls: options.urls, ratePerSecond, durationSeconds: options.durationSeconds }, options.load, (bid, sentAt, status, body) => {
      if (status !== 201 || !followed.has(bid.auctionId)) return;
      const { version } = JSON.parse(body) as { version?: unknown };
      if (typeof version === 'number') sent.push({ auctionId: bid.auctionId, version, sentAt });
    });
    if (watch === undefined) return { maxOkPerSecond: options.maxOkPerSecond, paced };
    const deadline = performance.now() + FRAME_GRACE_MS;
    while (!watch.arrivals.allSeen(sent) && performance.now() < deadline) await sleep(50);
    const { latencies, unmatched } = watch.arrivals.latencies(sent);
    const sorted = Float64Array.from(latencies);
    return {
      maxOkPerSecond: options.maxOkPerSecond,
      paced,
      frames: {
        auctions: sample.length,
        bids: sent.length,
        matched: sent.length - unmatched,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        maxMs: sorted[sorted.length - 1] ?? 0,
        unexpected: watch.unexpected,
      },
    };
  } finally {
    watch?.close();
  }
};
