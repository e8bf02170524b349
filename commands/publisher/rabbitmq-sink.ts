// The publisher's RabbitMQ sink: each batch goes, in order, to the event stream (one stream queue,
// infra/rabbitmq.ts) on a confirm channel, persistent, with the Kafka contract's body and headers
// (contracts/rabbitmq-message.ts); the batch is acknowledged once the broker confirmed every message
// (waitForConfirms: a nack or a lost channel rejects it).
//
// One channel publishes in order and the stream appends in the order received, so the stream holds
// the log in commit order. A retried batch (after a failure) repeats events already in the stream;
// consumers drop repeats by stream version. A lost connection (RabbitMQ restarted, the network)
// fails the batch in flight; the next attempt, which the publisher makes from its checkpoint,
// connects again, after a failed connection not before a backoff (100 ms doubling to 1 s).
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { toRabbitMessage } from '../../contracts/index.js';
import type { Logger } from '../../infra/index.js';
import { DEFAULT_EVENTS_STREAM, closeAmqp, connectAmqp, describeAmqpUrl, ensureEventStream, pause } from '../../infra/index.js';
import type { BusSink } from './bus-sink.js';

export interface RabbitSinkOptions {
  /** amqp:// or amqps:// (RABBITMQ_URL). */
  readonly url: string;
  readonly logger: Logger;
  /** Default 'auction-events' (RABBITMQ_STREAM). */
  readonly stream?: string;
  /** The connection's name in RabbitMQ's tools (default 'gavelstream-publisher'). */
  readonly connectionName?: string;
}

interface Link {
  readonly connection: ChannelModel;
  readonly channel: ConfirmChannel;
  /** Set when the connection or channel closed: the next batch connects again. */
  broken: Error | undefined;
}

/**
 * After a failed connection the next one waits: from 100 ms, doubling to 1 s. The publisher retries
 * a failed batch at once on every commit's wake, so without it a broker that is down (connection
 * refused at once) would see one attempt per commit, each logged.
 */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 1_000;

export const rabbitSink = (options: RabbitSinkOptions): BusSink => {
  const stream = options.stream ?? DEFAULT_EVENTS_STREAM;
  const logger = options.logger.child({ component: 'rabbitmq-sink', stream, rabbitmq: describeAmqpUrl(options.url) });
  let link: Link | undefined;
  let closed = false;
  /** The wait before the next connection (0 after a success); `closing` cuts it short. */
  let retryMs = 0;
  const closing = new AbortController();

  const connect = async (): Promise<Link> => {
    const connection = await connectAmqp({ url: options.url, logger, name: options.connectionName ?? 'gavelstream-publisher' });
    try {
      const channel = await connection.createConfirmChannel();
      const opened: Link = { connection, channel, broken: undefined };
      const breaks = (what: string) => (err?: Error) => {
        opened.broken ??= err ?? new Error(`the RabbitMQ ${what} closed`);
      };
      connection.on('close', breaks('connection'));
      channel.on('close', breaks('channel'));
      channel.on('error', (err: Error) => logger.warn({ err }, 'RabbitMQ channel error'));
      await ensureEventStream(channel, stream);
      logger.info('connected to RabbitMQ');
      return opened;
    } catch (error) {
      await closeAmqp(connection);
      throw error;
    }
  };

  /** The open link, or a new one when there is none or it broke. */
  const current = async (): Promise<Link> => {
    if (closed) throw new Error('the RabbitMQ sink is closed');
    if (link !== undefined && link.broken === undefined) return link;
    if (link !== undefined) {
      logger.warn({ err: link.broken }, 'the RabbitMQ connection was lost; connecting again');
      await closeAmqp(link.connection);
      link = undefined;
    }
    if (retryMs > 0) await pause(retryMs, closing.signal);
    if (closed) throw new Error('the RabbitMQ sink is closed');
    try {
      link = await connect();
    } catch (error) {
      retryMs = Math.min(Math.max(retryMs * 2, RETRY_FIRST_MS), RETRY_MAX_MS);
      throw error;
    }
    retryMs = 0;
    return link;
  };

  const waitForDrain = (channel: ConfirmChannel): Promise<void> =>
    new Promise((resolve, reject) => {
      const done = () => {
        channel.off('drain', done);
        channel.off('close', failed);
        resolve();
      };
      const failed = () => {
        channel.off('drain', done);
        reject(new Error('the RabbitMQ channel closed while publishing'));
      };
      channel.once('drain', done);
      channel.once('close', failed);
    });

  return {
    bus: 'rabbitmq',
    destination: stream,
    open: async () => {
      await current();
    },
    send: async (events) => {
      const { channel } = await current();
      try {
        for (const event of events) {
          const message = toRabbitMessage(event);
          // false: the channel's buffer is full; wait for it to drain before writing more.
          if (!channel.sendToQueue(stream, message.content, { ...message.properties, headers: { ...message.properties.headers } })) await waitForDrain(channel);
        }
        await channel.waitForConfirms();
      } catch (error) {
        // Whatever failed, the next attempt starts on a fresh connection.
        if (link !== undefined) link.broken ??= error instanceof Error ? error : new Error(String(error));
        throw error;
      }
    },
    close: async () => {
      closed = true;
      closing.abort();
      await closeAmqp(link?.connection);
      link = undefined;
    },
  };
};
