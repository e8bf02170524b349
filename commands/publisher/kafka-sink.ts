// The publisher's Kafka sink: each batch is one Kafka batch to the event topic, keyed by auction id
// (contracts/kafka-message.ts), acknowledged by all in-sync replicas. The idempotent producer with
// one request in flight neither duplicates nor reorders within a partition when it retries; one
// key goes to one partition, so each auction keeps its order.
import { Partitioners } from 'kafkajs';
import type { Kafka, Producer } from 'kafkajs';
import { toKafkaMessage } from '../../contracts/index.js';
import type { Logger } from '../../infra/index.js';
import { DEFAULT_EVENTS_TOPIC, DEFAULT_EVENTS_TOPIC_PARTITIONS, ensureEventTopic } from '../../infra/index.js';
import type { BusSink } from './bus-sink.js';

export interface KafkaSinkOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  /** Default 'auction-events'. */
  readonly topic?: string;
  /** Partitions when the topic is created (default 12); an existing topic keeps its own. */
  readonly partitions?: number;
  readonly replicationFactor?: number;
}

export const kafkaSink = (options: KafkaSinkOptions): BusSink => {
  const topic = options.topic ?? DEFAULT_EVENTS_TOPIC;
  let producer: Producer | undefined;
  return {
    bus: 'kafka',
    destination: topic,
    open: async () => {
      await ensureEventTopic(options.kafka, {
        topic,
        partitions: options.partitions ?? DEFAULT_EVENTS_TOPIC_PARTITIONS,
        ...(options.replicationFactor !== undefined ? { replicationFactor: options.replicationFactor } : {}),
      }, options.logger);
      producer = options.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // Java's murmur2 partitioner: any Kafka tool maps a key to the same partition.
        createPartitioner: Partitioners.DefaultPartitioner,
        // Bounded, so a publisher that lost its lease gives up its batch within seconds; the batch is
        // then retried from the checkpoint (at-least-once), by this or another instance.
        retry: { retries: 5 },
      });
      await producer.connect();
    },
    send: async (events) => {
      if (producer === undefined) throw new Error('the Kafka sink is not open');
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: events.map(toKafkaMessage) }] });
    },
    close: async () => {
      await producer?.disconnect();
      producer = undefined;
    },
  };
};
