// The projector runtime over RabbitMQ: the event stream (one stream queue, infra/rabbitmq.ts)
// consumed over AMQP 0-9-1. `run(projector)` feeds one projector; `runAll(projectors)` feeds several
// from one consumer (each from its own checkpoint), so a process that runs the read models and the
// live cache fetches and decodes each message once.
//
// - The truth is each projector's checkpoint for source `rabbitmq:<stream>`: the stream offset of
//   the last message it applied (the delivery's `x-stream-offset` header), stored atomically with
//   its read model. A consumer starts at `x-stream-offset` = the lowest checkpoint + 1 (the
//   stream's first offset when a projector has none); RabbitMQ starts at the chunk that holds that
//   offset, so earlier offsets may arrive and are dropped, as are offsets a projector has applied.
//   The broker keeps no position of ours: RabbitMQ's acks on a stream only give credit back.
// - Deliveries are gathered into batches (up to `prefetch`, the unacknowledged messages the broker
//   sends ahead; basic.qos is required on a stream): a batch is handed over when the window is
//   full or when nothing more arrived in the current turn of the event loop, so a backlog goes in
//   large batches and a single event without waiting. Each goes to `projector.apply(events, source,
//   lastOffset)` in order, then the deliveries are acknowledged (multiple).
// - A failing apply is retried with backoff without advancing; before each retry the checkpoint is
//   read again, since another consumer or a rebuild may have moved it (CheckpointMovedError). If it
//   moved behind this batch, the consumer is cancelled and consumes again from the new offset; if
//   ahead, what it covers is skipped.
// - A message that is not a RecordedEvent is never skipped silently: the events before it are
//   applied, then it is reported (PoisonMessageError, to `onError` and the log, and the gauge
//   gavelstream_projector_rabbitmq_stopped) and the consumer stops: on one stream nothing after it
//   can be applied without risking an auction's order. After a restart it stops again at the same
//   message, unless an operator moved the projector's checkpoint past it. (An event that is a
//   RecordedEvent but cannot be projected is the projector's to park, as on Kafka.)
// - A lost connection (RabbitMQ restarted, the network) is reconnected with backoff; consuming
//   resumes from the projectors' checkpoints as stored.
// - Several processes running the same projector each read the whole stream (a stream has no
//   competing consumers); the checkpoint's compare-and-set keeps the read model right, as with two
//   processes on the log source: the slower one gets CheckpointMovedError and skips ahead.
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { RecordedEvent } from '../../domain/index.js';
import { decodeRabbitBody, streamOffsetOf } from '../../contracts/index.js';
import { DEFAULT_EVENTS_STREAM, closeAmqp, connectAmqp, describeAmqpUrl, ensureEventStream, pause } from '../../infra/index.js';
import type { BusEventSource, Projector, RunningProjection } from './projector.js';
import { PoisonMessageError } from './poison-message.js';
import type { BusSourceOptions } from './bus-source-steps.js';
import { lowestOffset, nextOffsetAfter, sourceGauge } from './bus-source-steps.js';

/** The checkpoint source name of a RabbitMQ stream. */
export const rabbitSourceName = (stream: string): string => `rabbitmq:${stream}`;

/** Where an error happened: which projector(s), stream and offset. */
export interface RabbitSourceErrorContext {
  readonly projector: string;
  readonly stream: string;
  readonly offset?: string;
}

export interface RabbitEventSourceOptions extends BusSourceOptions<RabbitSourceErrorContext> {
  /** amqp:// or amqps:// (RABBITMQ_URL). */
  readonly url: string;
  /** Default 'auction-events' (RABBITMQ_STREAM). */
  readonly stream?: string;
  /** Names the consumer in RabbitMQ's tools (consumer tag `<consumer>:<projectors>`; default 'projector'). */
  readonly consumer?: string;
  /** The connection's name in RabbitMQ's tools (default 'gavelstream-<consumer>'). */
  readonly connectionName?: string;
  /** Unacknowledged deliveries the broker sends ahead, and the largest batch (default 500). */
  readonly prefetch?: number;
}

type SourceGauge = Gauge<'projector' | 'stream'>;

interface SourceMetrics {
  readonly applied: SourceGauge;
  readonly stopped: SourceGauge;
}

const labelNames = ['projector', 'stream'] as const;

const metricsOf = (registry: Registry | undefined): SourceMetrics | undefined =>
  registry === undefined
    ? undefined
    : {
        applied: sourceGauge(
          registry,
          'gavelstream_projector_rabbitmq_applied_offset',
          'The stream offset of the last message a projector applied (compare with the stream\'s last offset for the lag)',
          labelNames,
        ),
        stopped: sourceGauge(registry, 'gavelstream_projector_rabbitmq_stopped', 'A projector stopped at a message that is not a RecordedEvent (1 while stopped)', labelNames),
      };

/** A RabbitMQ event source; `runAll` feeds several projectors from one consumer. */
export interface RabbitEventSource extends BusEventSource {
  runAll(projectors: readonly Projector[]): Promise<RunningProjection>;
}

export const rabbitEventSource = (options: RabbitEventSourceOptions): RabbitEventSource => ({
  run: (projector) => runOverRabbit(options, [projector]),
  runAll: (projectors) => runOverRabbit(options, projectors),
});

const nextAfter = (checkpoint: string | undefined): bigint => nextOffsetAfter(checkpoint, 'RabbitMQ stream offset');

interface Delivery {
  readonly offset: bigint;
  readonly message: ConsumeMessage;
}

/** One connection's consumer: deliveries queue up until the loop takes them as a batch. */
interface Session {
  readonly connection: ChannelModel;
  readonly channel: Channel;
  readonly queue: Delivery[];
  /** Why the session ended (connection or channel closed, consumer cancelled), once it has. */
  ended: Error | undefined;
  /** Wakes the loop (a delivery, or the end). */
  wake: (() => void) | undefined;
}

type Outcome = 'continue' | 'reconsume' | 'poisoned' | 'stopping';

const runOverRabbit = async (options: RabbitEventSourceOptions, projectors: readonly Projector[]): Promise<RunningProjection> => {
  if (projectors.length === 0) throw new Error('a RabbitMQ event source needs at least one projector');
  const stream = options.stream ?? DEFAULT_EVENTS_STREAM;
  const source = rabbitSourceName(stream);
  const names = projectors.map((p) => p.name);
  const runName = names.join('+');
  const consumerTag = `${options.consumer ?? 'projector'}:${runName}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const prefetch = options.prefetch ?? 500;
  if (!Number.isSafeInteger(prefetch) || prefetch < 1 || prefetch > 65_535) throw new Error(`prefetch must be an integer from 1 to 65535, got ${prefetch}`);
  const logger = options.logger.child({ component: 'rabbitmq-source', projectors: names, stream, rabbitmq: describeAmqpUrl(options.url) });
  const initialDelay = options.retryDelayMs?.initial ?? 100;
  const maxDelay = options.retryDelayMs?.max ?? 5_000;
  const metrics = metricsOf(options.registry);
  const controller = new AbortController();
  const { signal } = controller;
  let poisonedAt: string | undefined;

  const report = (error: unknown, projector: string, offset?: bigint): void => {
    const context: RabbitSourceErrorContext = { projector, stream, ...(offset !== undefined ? { offset: offset.toString() } : {}) };
    if (error instanceof PoisonMessageError) logger.error({ ...context, reason: error.reason }, error.message);
    else logger.warn({ ...context, err: error }, 'consuming the RabbitMQ stream failed; retrying');
    try {
      options.onError?.(error, context);
    } catch {
      // A failing error callback must not stop consuming.
    }
  };

  /** Per projector (in the run's order): the next offset it needs, its checkpoint + 1. */
  const loadNext = (): Promise<bigint[]> => Promise.all(projectors.map(async (p) => nextAfter(await p.loadCheckpoint(source))));

  /** Retries `fn` with backoff until it succeeds or the run stops (then undefined). */
  const persist = async <T>(fn: () => Promise<T>, onFailure: (error: unknown) => Promise<'retry' | 'give-up'>): Promise<T | undefined> => {
    let delay = initialDelay;
    while (!signal.aborted) {
      try {
        return await fn();
      } catch (error) {
        if ((await onFailure(error)) === 'give-up') return undefined;
      }
      await pause(delay, signal);
      delay = Math.min(delay * 2, maxDelay);
    }
    return undefined;
  };

  /** Connects, declares the stream and consumes from `from`. */
  const open = async (from: bigint): Promise<Session> => {
    const connection = await connectAmqp({ url: options.url, logger, name: options.connectionName ?? `gavelstream-${options.consumer ?? 'projector'}` });
    try {
      const channel = await connection.createChannel();
      const session: Session = { connection, channel, queue: [], ended: undefined, wake: undefined };
      const end = (error: Error) => {
        session.ended ??= error;
        session.wake?.();
      };
      connection.on('close', (err?: Error) => end(err ?? new Error('the RabbitMQ connection closed')));
      channel.on('close', () => end(new Error('the RabbitMQ channel closed')));
      channel.on('error', (err: Error) => logger.warn({ err }, 'RabbitMQ channel error'));
      await ensureEventStream(channel, stream);
      await channel.prefetch(prefetch);
      await channel.consume(stream, (message) => {
        if (message === null) {
          end(new Error(`RabbitMQ cancelled the consumer (was ${stream} deleted?)`));
          return;
        }
        const offset = streamOffsetOf(message.properties.headers);
        if (offset === undefined) {
          end(new Error(`a delivery from ${stream} has no ${'x-stream-offset'} header: is ${stream} a stream queue?`));
          return;
        }
        session.queue.push({ offset, message });
        session.wake?.();
      }, { noAck: false, consumerTag, arguments: { 'x-stream-offset': Number(from) } });
      return session;
    } catch (error) {
      await closeAmqp(connection);
      throw error;
    }
  };

  /**
   * The next batch: waits for a delivery, then lets the current turn's deliveries arrive (unless
   * the prefetch window is full already); undefined once the session ended or the run stops.
   */
  const nextBatch = async (session: Session): Promise<Delivery[] | undefined> => {
    while (session.queue.length === 0) {
      if (session.ended !== undefined || signal.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const done = () => {
          session.wake = undefined;
          signal.removeEventListener('abort', done);
          resolve();
        };
        session.wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
    if (session.queue.length < prefetch) await new Promise<void>((resolve) => setImmediate(resolve));
    if (session.ended !== undefined || signal.aborted) return undefined;
    return session.queue.splice(0, prefetch);
  };

  /** Applies one batch to every projector; says what the loop does next. */
  const handle = async (session: Session, next: bigint[], batch: readonly Delivery[]): Promise<Outcome> => {
    const from = lowestOffset(next);
    const decoded: { offset: bigint; event: RecordedEvent }[] = [];
    let poison: { offset: bigint; reason: string } | undefined;
    for (const { offset, message } of batch) {
      if (offset < from) continue; // before every projector's checkpoint: the chunk's start, or a redelivery
      const result = decodeRabbitBody(message.content);
      if (result._tag === 'Left') {
        poison = { offset, reason: result.left };
        break;
      }
      decoded.push({ offset, event: result.right });
    }
    let reconsume = false;

    const applyTo = async (i: number): Promise<void> => {
      const projector = projectors[i]!;
      let mine = decoded.filter((d) => d.offset >= next[i]!);
      if (mine.length === 0) return;
      const applied = await persist(
        async () => {
          const last = mine[mine.length - 1]!;
          await projector.apply(mine.map((d) => d.event), source, last.offset.toString());
          return last.offset;
        },
        async (error) => {
          report(error, projector.name, mine[0]?.offset);
          // Reread the truth: another consumer, or a rebuild, may have moved the checkpoint.
          let moved: bigint;
          try {
            moved = nextAfter(await projector.loadCheckpoint(source));
          } catch {
            return 'retry';
          }
          if (moved === next[i]) return 'retry';
          next[i] = moved;
          mine = mine.filter((d) => d.offset >= moved);
          const head = mine[0];
          if (head === undefined) return 'give-up'; // all of it is applied already
          if (head.offset > moved) {
            // Behind this batch (a rebuild reset it): consume again from there.
            reconsume = true;
            return 'give-up';
          }
          return 'retry';
        },
      );
      if (applied === undefined) return;
      if (applied >= next[i]!) next[i] = applied + 1n;
      metrics?.applied.set({ projector: projector.name, stream }, Number(applied));
    };

    if (decoded.length > 0) await Promise.all(projectors.map((_, i) => applyTo(i)));
    if (signal.aborted) return 'stopping';
    // Credit back to the broker (a stream keeps no position of ours); a closed channel is the session's end.
    try {
      session.channel.ack(batch[batch.length - 1]!.message, true);
    } catch {
      // the session ended meanwhile; the loop notices
    }
    if (reconsume) return 'reconsume';
    if (poison !== undefined && poison.offset >= lowestOffset(next)) {
      poisonedAt = poison.offset.toString();
      for (const name of names) metrics?.stopped.set({ projector: name, stream }, 1);
      report(new PoisonMessageError(stream, undefined, poisonedAt, poison.reason), runName, poison.offset);
      return 'poisoned';
    }
    return 'continue';
  };

  /** Consumes until stopped: (re)connects from the checkpoints whenever the session ends. */
  const consume = async (first: { session: Session; next: bigint[] } | undefined): Promise<void> => {
    let pending = first;
    let delay = initialDelay;
    while (!signal.aborted) {
      let session: Session;
      let next: bigint[];
      try {
        if (pending !== undefined) {
          ({ session, next } = pending);
          pending = undefined;
        } else {
          next = await loadNext();
          session = await open(lowestOffset(next));
        }
      } catch (error) {
        report(error, runName);
        await pause(delay, signal);
        delay = Math.min(delay * 2, maxDelay);
        continue;
      }
      let outcome: Outcome = 'continue';
      for (;;) {
        const batch = await nextBatch(session);
        if (batch === undefined) break;
        delay = initialDelay;
        outcome = await handle(session, next, batch);
        if (outcome !== 'continue') break;
      }
      const ended = session.ended;
      await closeAmqp(session.connection);
      if (outcome === 'poisoned' || signal.aborted) return;
      if (outcome === 'reconsume') {
        logger.info({ from: lowestOffset(next).toString() }, "a checkpoint moved behind the consumer: consuming again from the projectors' checkpoints");
        continue;
      }
      report(ended ?? new Error('the RabbitMQ session ended'), runName);
      await pause(delay, signal);
      delay = Math.min(delay * 2, maxDelay);
    }
  };

  // The first connection is made here, so that a wrong URL or stream fails the start.
  const firstNext = await loadNext();
  const firstSession = await open(lowestOffset(firstNext));
  const running = consume({ session: firstSession, next: firstNext }).catch((err: unknown) => logger.fatal({ err }, 'the RabbitMQ consumer loop failed'));
  logger.info({ from: lowestOffset(firstNext).toString(), prefetch }, 'consuming');

  return {
    stop: async () => {
      controller.abort();
      await running;
      if (poisonedAt !== undefined) for (const name of names) metrics?.stopped.remove({ projector: name, stream });
      logger.info('stopped');
    },
  };
};
