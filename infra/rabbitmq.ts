// RabbitMQ plumbing that both sides share (amqplib, AMQP 0-9-1): connecting with the logs in pino,
// and declaring the event stream. The log goes to one RabbitMQ *stream* queue (x-queue-type
// stream), durable and without max-age or max-length, so it keeps every message for replay, in
// the order the publisher wrote them (the log's commit order). No auction logic here.
import amqp from 'amqplib';
import type { Channel, ChannelModel } from 'amqplib';
import type { Logger } from './logger.js';

export const DEFAULT_EVENTS_STREAM = 'auction-events';

/** The queue arguments of the event stream: a stream queue, nothing ever deleted by age or size. */
export const EVENT_STREAM_ARGUMENTS = { 'x-queue-type': 'stream' } as const;

/**
 * Declares the event stream (idempotent: the publisher and every consumer declare it). A queue of
 * that name that is not a stream, or has other arguments, makes the broker close the channel with
 * PRECONDITION_FAILED, which the caller reports.
 */
export const ensureEventStream = async (channel: Channel, stream: string): Promise<void> => {
  await channel.assertQueue(stream, { durable: true, autoDelete: false, exclusive: false, arguments: { ...EVENT_STREAM_ARGUMENTS } });
};

/** The URL without its password, for logs and errors. */
export const describeAmqpUrl = (url: string): string => {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
};

export interface AmqpConnectOptions {
  readonly url: string;
  readonly logger: Logger;
  /** Shown in the broker's management tools (connection_name). */
  readonly name: string;
}

/**
 * One AMQP connection. Its 'error' events are logged (amqplib throws an unhandled 'error' otherwise);
 * its 'close' is the caller's to watch: the publisher and the event source reconnect themselves.
 */
export const connectAmqp = async (options: AmqpConnectOptions): Promise<ChannelModel> => {
  const connection = await amqp.connect(options.url, { clientProperties: { connection_name: options.name } });
  connection.on('error', (err: Error) => options.logger.warn({ err, rabbitmq: describeAmqpUrl(options.url) }, 'RabbitMQ connection error'));
  connection.on('blocked', (reason: string) => options.logger.warn({ reason }, 'RabbitMQ blocks publishing (a resource alarm)'));
  connection.on('unblocked', () => options.logger.info('RabbitMQ unblocked publishing'));
  return connection;
};

/** Closes `connection`, ignoring that it is closed already. */
export const closeAmqp = async (connection: ChannelModel | undefined): Promise<void> => {
  if (connection === undefined) return;
  try {
    await connection.close();
  } catch {
    // closed already (the broker went away, or close raced with a drop)
  }
};
