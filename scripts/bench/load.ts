// The load generator: autocannon over keep-alive connections, with our own latency record (the
// 'response' event carries the exact time in ms; autocannon's own histogram rounds to whole ms).
import autocannon from 'autocannon';
import type { BidPlan } from './bid-plan.js';

export interface LoadOptions {
  /** One base URL, or several: autocannon then gives connection i to URL i mod n (no load balancer). */
  readonly url: string | readonly string[];
  readonly connections: number;
  readonly durationSeconds: number;
}

export interface LoadResult {
  /** Seconds the load ran, as autocannon measured it. */
  readonly durationSeconds: number;
  /** Responses received. */
  readonly responses: number;
  /** Responses with the status that counts (201 for bids, 200 for hello world). */
  readonly ok: number;
  readonly okPerSecond: number;
  /** Latency of the counted responses, in ms. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Latency of every response, in ms. */
  readonly allP50Ms: number;
  readonly allP99Ms: number;
  /** Responses by HTTP status. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Error codes of the non-counted responses (`{error: {code}}`), by code. */
  readonly errorCodes: Readonly<Record<string, number>>;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly timeouts: number;
}

/** The p-th percentile (0..100) by nearest rank; 0 for no values. */
export const percentile = (sorted: Float64Array, p: number): number => {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
};

class Latencies {
  private values = new Float64Array(1 << 16);
  private count = 0;

  add(ms: number): void {
    if (this.count === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.count++] = ms;
  }

  sorted(): Float64Array {
    return this.values.slice(0, this.count).sort();
  }
}

const errorCodeOf = (body: string): string => {
  try {
    const parsed: unknown = JSON.parse(body);
    const code = (parsed as { error?: { code?: unknown } } | null)?.error?.code;
    return typeof code === 'string' ? code : '(no code)';
  } catch {
    return '(not JSON)';
  }
};

const run = (
  options: LoadOptions,
  okStatus: number,
  requests: autocannon.Request[],
  errorCodes: Record<string, number>,
): Promise<LoadResult> =>
  new Promise((resolve, reject) => {
    const okLatencies = new Latencies();
    const allLatencies = new Latencies();
    const instance = autocannon(
      {
        // autocannon takes a list of URLs at run time (run.js); its types only say string.
        url: options.url as string,
        connections: options.connections,
        duration: options.durationSeconds,
        pipelining: 1,
        timeout: 30,
        requests,
      },
      (error: unknown, result) => {
        if (error !== null && error !== undefined) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const statuses: Record<string, number> = {};
        for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[status] = count ?? 0;
        const ok = statuses[String(okStatus)] ?? 0;
        const okSorted = okLatencies.sorted();
        const allSorted = allLatencies.sorted();
        resolve({
          durationSeconds: result.duration,
          responses: allSorted.length,
          ok,
          okPerSecond: result.duration > 0 ? ok / result.duration : 0,
          p50Ms: percentile(okSorted, 50),
          p99Ms: percentile(okSorted, 99),
          allP50Ms: percentile(allSorted, 50),
          allP99Ms: percentile(allSorted, 99),
          statuses,
          errorCodes,
          errors: result.errors,
          timeouts: result.timeouts,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, ms) => {
      allLatencies.add(ms);
      if (statusCode === okStatus) okLatencies.add(ms);
    });
  });

export interface BidLoad {
  readonly plan: BidPlan;
  /** Bearer tokens of the bidders, indexed by `PlannedBid.bidder`. */
  readonly bidderTokens: readonly string[];
}

/** Bids from the plan, each a POST with its own Idempotency-Key; 201s count as accepted bids. */
export const loadBids = (options: LoadOptions, load: BidLoad): Promise<LoadResult> => {
  const errorCodes: Record<string, number> = {};
  const request: autocannon.Request = {
    method: 'POST',
    setupRequest: (req) => {
      const bid = load.plan.next();
      return {
        ...req,
        method: 'POST',
        path: `/v1/auctions/${bid.auctionId}/bids`,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${load.bidderTokens[bid.bidder]!}`,
          'idempotency-key': bid.key,
        },
        body: `{"maxAmount":${bid.maxAmount}}`,
      };
    },
    onResponse: (status, body) => {
      if (status === 201) return;
      const code = `${status} ${errorCodeOf(body)}`;
      errorCodes[code] = (errorCodes[code] ?? 0) + 1;
    },
  };
  return run(options, 201, [request], errorCodes);
};

/** GET /hello on the hello-world server; 200s count. */
export const loadHello = (options: LoadOptions): Promise<LoadResult> =>
  run(options, 200, [{ method: 'GET', path: '/hello' }], {});
