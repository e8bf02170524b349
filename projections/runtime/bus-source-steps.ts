// What both bus sources (Kafka, RabbitMQ) do the same way: read a projector's checkpoint (the last
// offset it applied) as the next offset it needs, start from the lowest of their projectors', take
// the options they share, and add their gauges to a registry once (several runs of a process may
// share one registry; the series differ by projector).
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Logger } from '../../infra/index.js';

/** The options every bus source takes; `Context` says where a failure happened. */
export interface BusSourceOptions<Context> {
  readonly logger: Logger;
  /** First and longest delay between retries of a failing apply (or connection) (default 100 ms and 5 s). */
  readonly retryDelayMs?: { readonly initial: number; readonly max: number };
  /** Called for every failure (apply errors, poison messages, connection losses), besides the log. */
  readonly onError?: (error: unknown, context: Context) => void;
  /** Adds the source's gauges (how far behind, stopped) to this registry. */
  readonly registry?: Registry;
}

/** The next offset a projector needs: its checkpoint + 1 (0 without one); `what` names the offset in the error. */
export const nextOffsetAfter = (checkpoint: string | undefined, what: string): bigint => {
  if (checkpoint === undefined) return 0n;
  if (!/^\d{1,19}$/.test(checkpoint)) throw new Error(`not a ${what} checkpoint: ${JSON.stringify(checkpoint)}`);
  return BigInt(checkpoint) + 1n;
};

/** The lowest of the projectors' next offsets: where a consumer of them all starts. */
export const lowestOffset = (next: readonly bigint[]): bigint => next.reduce((a, b) => (b < a ? b : a));

/** The gauge `name` of `registry`: the one another source of the process registered there, or a new one. */
export const sourceGauge = <L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Gauge<L> =>
  (registry.getSingleMetric(name) as Gauge<L> | undefined) ?? new Gauge({ name, help, labelNames, registers: [registry] });
