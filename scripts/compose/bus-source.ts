// A consumer's event source on the configured bus: the Kafka source (KAFKA_BROKERS; consumer group
// `<KAFKA_GROUP_ID_PREFIX><projector names>`, the prefix 'gavelstream.projector.' by default), the
// RabbitMQ source (RABBITMQ_URL; the stream RABBITMQ_STREAM; `consumer` names its connection and
// consumer tag), or undefined: the caller then follows the log in-process (logSourceFor). Every
// consumer (the projector role, the analytics role...) keeps its own checkpoints under its
// projectors' names, so they never share a position or a consumer group.
import type { Registry } from 'prom-client';
import type { BusEventSource } from '../../projections/index.js';
import { rabbitEventSource } from '../../projections/index.js';
import type { Resources } from './resources.js';
import { kafkaSourceFor } from './kafka-source.js';
import type { KafkaSourceRoleOptions } from './kafka-source.js';

export interface BusSourceOptions extends KafkaSourceRoleOptions {
  /** Names the consumer in RabbitMQ's tools: connection `gavelstream-<consumer>`, consumer tag `<consumer>:<projectors>` ('projector', 'analytics'). */
  readonly consumer: string;
  /** The RabbitMQ stream (default RABBITMQ_STREAM, else 'auction-events'; tests give each system its own). */
  readonly stream?: string;
  /** RabbitMQ: deliveries sent ahead and the largest batch (default 500). */
  readonly prefetch?: number;
  readonly registry?: Registry;
}

/** The bus's event source for `options.consumer`, or undefined when the process has no bus. */
export const busSourceFor = (r: Resources, options: BusSourceOptions): BusEventSource | undefined => {
  if (r.kafka !== undefined) {
    const topic = options.topic ?? r.config.kafkaTopic;
    const groupIdPrefix = options.groupIdPrefix ?? r.config.kafkaGroupIdPrefix;
    const sessionTimeoutMs = options.sessionTimeoutMs ?? r.config.kafkaSessionTimeoutMs;
    return kafkaSourceFor(r, {
      ...options,
      ...(topic !== undefined ? { topic } : {}),
      ...(groupIdPrefix !== undefined ? { groupIdPrefix } : {}),
      ...(sessionTimeoutMs !== undefined ? { sessionTimeoutMs } : {}),
    });
  }
  if (r.rabbitmqUrl !== undefined) {
    const stream = options.stream ?? r.config.rabbitmqStream;
    return rabbitEventSource({
      url: r.rabbitmqUrl,
      logger: r.logger,
      consumer: options.consumer,
      ...(stream !== undefined ? { stream } : {}),
      ...(options.prefetch !== undefined ? { prefetch: options.prefetch } : {}),
      ...(options.registry !== undefined ? { registry: options.registry } : {}),
    });
  }
  return undefined;
};
