// A fault of the chaos suite (issue 11's table): what it does to the target, and what must hold.
// One file per fault; the runner (run-fault.ts) puts the same load on the target before, during
// and after it, and runs the same checks when the system has settled, plus the fault's own.
import type { SqlExecutor } from '../../../infra/index.js';
import type { KeyRecord, Subscriber } from '../load/index.js';
import type { ChaosTarget } from '../target/index.js';

export interface FaultContext {
  readonly target: ChaosTarget;
  /** The target's database (the event log, the read models, pg_stat_activity), through the suite's probe. */
  readonly sql: SqlExecutor;
  /** The run's auctions (empty in `prepare`, which comes before they are created). */
  readonly auctionIds: readonly string[];
  /** A progress line for the console. */
  readonly say: (line: string) => void;
}

/** What a fault's own check reads once the system has settled. */
export interface FaultCheckContext {
  readonly sql: SqlExecutor;
  readonly auctionIds: readonly string[];
  /** When each auction ends (ms since the epoch), as created. */
  readonly endsAt: ReadonlyMap<string, number>;
  readonly records: readonly KeyRecord[];
  readonly subscribers: readonly Subscriber[];
}

export interface FaultCheck {
  /** Violations of what the fault must hold, each naming what and where. */
  readonly problems: readonly string[];
  /** One line for the details. */
  readonly summary: string;
}

export interface Fault {
  /** Its name on the command line (`npm run chaos -- --faults <name>`). */
  readonly name: string;
  /** What it does, as issue 11's table says it. */
  readonly title: string;
  /** What must hold, as issue 11's table says it. */
  readonly mustHold: string;
  /** Which target it runs on: the single-Redis topology (default) or the Redis Cluster one. */
  readonly redis?: 'standalone' | 'cluster';
  /** Its topology's bus: Kafka (default) or RabbitMQ (a topology of its own, on a single Redis). */
  readonly bus?: 'kafka' | 'rabbitmq';
  /**
   * The balancer's own 502 or 504 (no JSON error code) may answer an attempt: the fault kills a
   * node with requests in flight, which the balancer never sends twice; the client retries with
   * its key. Otherwise every 5xx must be a 503 with a code.
   */
  readonly balancerErrorsExpected?: boolean;
  /** Why it cannot run on this target (it needs a service, a node or a program the target lacks), or undefined. */
  unavailable(target: ChaosTarget): string | undefined;
  /** Before the run's auctions are created and the load starts (a skewed clock must be in place by then). */
  prepare?(context: FaultContext): Promise<void>;
  /** When the run's auction `index` ends, after its creation (ms); default: long after the run. */
  endsAfterMs?(index: number): number;
  /**
   * Does the damage and repairs it; resolves when the fault is over (the service or node is back
   * and answers), which is when the recovery times start.
   */
  inject(context: FaultContext): Promise<void>;
  /** Checks of its own, once the system has settled. */
  check?(context: FaultCheckContext): Promise<FaultCheck>;
}
