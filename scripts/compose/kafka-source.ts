// The projector role's event source over Kafka: a consumer group per projector on the event topic.
// Without KAFKA_BROKERS there is none, and the projector role uses the in-process log source.
import type { Registry } from 'prom-client';
import type { EventSource } from '../../projections/index.js';
import { kafkaEventSource } from '../../projections/index.js';
import type { Resources } from './resources.js';

export interface KafkaSourceRoleOptions {
  /** Default 'auction-events' (tests give each system its own topic). */
  readonly topic?: string;
  /** Consumer group id prefix (default 'gavelstream.projector.'; tests give each system its own). */
  readonly groupIdPrefix?: string;
  /** Where the consumer lag gauge goes (the registry `GET /metrics` serves). */
  readonly registry?: Registry;
}

/** The Kafka event source when KAFKA_BROKERS is set, else undefined. Make one per process and run every projector on it. */
export const kafkaSourceFor = (r: Resources, options: KafkaSourceRoleOptions = {}): EventSource | undefined =>
  r.kafka === undefined
    ? undefined
    : kafkaEventSource({
        kafka: r.kafka,
        logger: r.logger,
        ...(options.topic !== undefined ? { topic: options.topic } : {}),
        ...(options.groupIdPrefix !== undefined ? { groupIdPrefix: options.groupIdPrefix } : {}),
        ...(options.registry !== undefined ? { registry: options.registry } : {}),
      });
