// The benchmark's command line (node:util parseArgs).
import { parseArgs } from 'node:util';

export const modes = ['embedded', 'embedded-disk', 'pg+redis', 'pg+redis+kafka', 'processes'] as const;
export type Mode = (typeof modes)[number];
export const scenarios = ['many', 'hot'] as const;
export type ScenarioName = (typeof scenarios)[number];
export const suites = ['throughput', 'rebuild', 'fanout', 'pipeline', 'sale'] as const;
export type Suite = (typeof suites)[number];
/** What `all` (and no --suite) runs: every suite but the timed sale, which runs only when named (1,000 lots 1 s apart take 17 minutes a mode). */
export const defaultSuites: readonly Suite[] = suites.filter((s) => s !== 'sale');

export interface BenchOptions {
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  readonly auctions: number;
  readonly bidders: number;
  readonly modes: readonly Mode[];
  readonly scenarios: readonly ScenarioName[];
  /** A folder for one CPU profile of the server per measured run, or undefined. */
  readonly profileDir: string | undefined;
  readonly json: boolean;
  /** The suites to run (--suite; default all). */
  readonly suites: readonly Suite[];
  /** Events in the rebuild suite's log (--events). */
  readonly events: number;
  /** Keep the rebuild suite's PostgreSQL log and reuse it on later runs (--keep-log). */
  readonly keepLog: boolean;
  /** WebSocket subscribers in the fan-out suite (--subscribers). */
  readonly subscribers: number;
  /** Events per bus in the pipeline suite (--pipeline-events). */
  readonly pipelineEvents: number;
  /** Events a second in the pipeline suite (--pipeline-rate). */
  readonly pipelineRate: number;
  /** Lots in the timed-sale suite (--lots). */
  readonly lots: number;
  /** Milliseconds between two lots' ends in the timed-sale suite (--stagger-ms). */
  readonly staggerMs: number;
}

export const usage = `npm run bench -- [options]

Accepted bids per second over HTTP (with p50/p99 latency), beside an Express "hello world" route
loaded with the same connections and duration, in two scenarios (bids spread over many auctions;
every bid on one hot auction) and five modes (embedded: PGlite and in-memory adapters, in memory;
embedded-disk: the same in a fresh data folder; pg+redis: PostgreSQL and Redis, when DATABASE_URL
and REDIS_URL are set; pg+redis+kafka: the same with KAFKA_BROKERS, all roles in one process;
processes: the roles as separate processes on all three, two command-api with read-api, a
publisher, a projector, a realtime node and a scheduler, the load spread over the two command
APIs). In the processes mode a second run sends bids at a fixed rate, half the accepted bids/s of
the first, for its p99 and the time from a bid's request to its auction.updated frame on a
subscribed WebSocket. Then the rebuild and fan-out suites (--suite). Each of issue 9's figures is
printed beside its goal at the end. The system under test and the hello-world server run in
child processes of their own. Nothing about time is asserted.

Options:
  --duration <s>       seconds of measured load per run (default 10; --quick: 3)
  --warmup <s>         seconds of unmeasured load before each measured run (default 2; --quick: 1)
  --connections <n>    concurrent keep-alive connections (default 24)
  --auctions <n>       auctions in the "many auctions" scenario (default 200)
  --bidders <n>        distinct bidder tokens (default 100)
  --mode <m>           embedded (DATA_DIR=memory), embedded-disk (a fresh data folder, removed
                       afterwards), pg+redis, pg+redis+kafka, processes or all (default all),
                       or a comma-separated list of them
  --scenario <s>       many, hot or all (default all)
  --suite <list>       throughput, rebuild, fanout, pipeline, sale or all (every one but sale),
                       comma-separated (default all):
                       rebuild: a log of --events events made through the log port, then
                       rebuildReadModels timed (PGlite for embedded modes, PostgreSQL for pg+redis);
                       fanout: --subscribers WebSocket clients on one auction, 20 bids/s over HTTP
                       for --duration seconds, p99 delivery and the server's RSS;
                       pipeline: commit -> projector latency over each bus configured (Kafka:
                       KAFKA_BROKERS, RabbitMQ: RABBITMQ_URL; with DATABASE_URL), a row per bus,
                       --pipeline-events events at --pipeline-rate a second;
                       sale (only when named): a timed sale of --lots lots --stagger-ms apart (hold-back on) in
                       each mode asked for, left to the scheduler: per lot, the delay from its
                       end to its AuctionClosed (p50/p99/max), exactly one close per lot, in
                       lot order (the default 1,000 lots 1 s apart take about 17 minutes a mode)
  --events <n>         events in the rebuild suite's log (default 1000000; --quick: 20000)
  --keep-log           rebuild on PostgreSQL: keep the generated log in the database
                       gs_bench_log_<events> instead of dropping it, and reuse it when a later
                       run asks for the same --events (generating 1,000,000 events takes about
                       two minutes); drop it by hand when done (DROP DATABASE gs_bench_log_<n>)
  --subscribers <n>    sockets in the fan-out suite (default 10000; --quick: 500)
  --pipeline-events <n>  events per bus in the pipeline suite (default 2000; --quick: 400)
  --pipeline-rate <n>  events a second in the pipeline suite (default 200)
  --lots <n>           lots in the timed-sale suite, 1 to 1000 (default 1000; --quick: 30)
  --stagger-ms <ms>    between two lots' ends in the timed-sale suite (default 1000; --quick: 200)
  --quick              short runs (a smoke test of the benchmark itself)
  --profile <dir>      write a CPU profile of the server (of each process of the processes
                       mode) for each measured run, and of the fan-out server over its bids, into
                       <dir>, and print where its time went
  --no-json            leave out the machine-readable JSON line at the end
  -h, --help           this text

Environment: DATABASE_URL (a PostgreSQL server; a fresh database is created on it for each run and
dropped afterwards), REDIS_URL (use a database number of your own, e.g. redis://host:6379/7) and
KAFKA_BROKERS (a fresh topic and consumer groups per run, deleted afterwards).`;

export class UsageError extends Error {}

const positive = (name: string, raw: string | undefined, fallback: number, max: number, allowZero = false): number => {
  if (raw === undefined) return fallback;
  const n = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(n) || n > max || (allowZero ? n < 0 : n <= 0)) throw new UsageError(`--${name} expects a number ${allowZero ? 'from 0' : 'above 0'} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
};

const choice = <T extends string>(name: string, raw: string | undefined, all: readonly T[]): readonly T[] => {
  if (raw === undefined || raw === 'all') return all;
  const chosen = raw.split(',').map((s) => s.trim());
  const unknown = chosen.filter((c) => !(all as readonly string[]).includes(c));
  if (unknown.length > 0 || chosen.length === 0) throw new UsageError(`--${name} expects one of ${all.join(', ')} or all (or a comma-separated list), got ${JSON.stringify(raw)}`);
  return all.filter((a) => chosen.includes(a));
};

const whole = (name: string, raw: string | undefined, fallback: number, max: number): number => {
  const n = positive(name, raw, fallback, max);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} expects a whole number`);
  return n;
};

/** --stagger-ms: whole milliseconds from 0 to a day. */
const staggerMs = (raw: string | undefined, fallback: number): number => {
  const n = positive('stagger-ms', raw, fallback, 86_400_000, true);
  if (!Number.isInteger(n)) throw new UsageError('--stagger-ms expects a whole number of milliseconds');
  return n;
};

/** A comma-separated list of suites, or all. */
export const suiteList = (raw: string | undefined): readonly Suite[] => {
  if (raw === undefined || raw === 'all') return defaultSuites;
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => n !== 'all' && !(suites as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) throw new UsageError(`--suite expects a comma-separated list of ${suites.join(', ')} or all, got ${JSON.stringify(raw)}`);
  return suites.filter((s) => names.includes(s) || (names.includes('all') && defaultSuites.includes(s)));
};

/** The options, or 'help'; throws a UsageError naming a bad option. */
export const parseBenchOptions = (argv: readonly string[]): BenchOptions | 'help' => {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        duration: { type: 'string' },
        warmup: { type: 'string' },
        connections: { type: 'string' },
        auctions: { type: 'string' },
        bidders: { type: 'string' },
        mode: { type: 'string' },
        scenario: { type: 'string' },
        suite: { type: 'string' },
        events: { type: 'string' },
        subscribers: { type: 'string' },
        lots: { type: 'string' },
        'pipeline-events': { type: 'string' },
        'pipeline-rate': { type: 'string' },
        'stagger-ms': { type: 'string' },
        'keep-log': { type: 'boolean', default: false },
        quick: { type: 'boolean', default: false },
        profile: { type: 'string' },
        'no-json': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  if (v.help === true) return 'help';
  const quick = v.quick === true;
  const connections = positive('connections', v.connections, 24, 1000);
  const bidders = positive('bidders', v.bidders, 100, 100_000);
  if (!Number.isInteger(connections) || !Number.isInteger(bidders) || bidders < 2) throw new UsageError('--connections and --bidders expect whole numbers (at least 2 bidders)');
  const auctions = positive('auctions', v.auctions, 200, 100_000);
  if (!Number.isInteger(auctions)) throw new UsageError('--auctions expects a whole number');
  return {
    durationSeconds: positive('duration', v.duration, quick ? 3 : 10, 3600),
    warmupSeconds: positive('warmup', v.warmup, quick ? 1 : 2, 600, true),
    connections,
    auctions,
    bidders,
    modes: choice('mode', v.mode, modes),
    scenarios: choice('scenario', v.scenario, scenarios),
    profileDir: v.profile,
    json: v['no-json'] !== true,
    suites: suiteList(v.suite),
    events: whole('events', v.events, quick ? 20_000 : 1_000_000, 100_000_000),
    keepLog: v['keep-log'] === true,
    subscribers: whole('subscribers', v.subscribers, quick ? 500 : 10_000, 100_000),
    lots: whole('lots', v.lots, quick ? 30 : 1000, 1000),
    pipelineEvents: whole('pipeline-events', v['pipeline-events'], quick ? 400 : 2000, 1_000_000),
    pipelineRate: whole('pipeline-rate', v['pipeline-rate'], 200, 100_000),
    staggerMs: staggerMs(v['stagger-ms'], quick ? 200 : 1000),
  };
};
