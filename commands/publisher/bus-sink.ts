// The publisher's port to the bus: where a batch of the log goes. Two adapters: Kafka
// (kafka-sink.ts) and RabbitMQ (rabbitmq-sink.ts). The publisher (publisher.ts) owns the lease,
// the checkpoint and the retries; a sink only sends one batch in order and resolves once the
// broker has acknowledged all of it (rejects otherwise: the publisher then retries the batch from
// the checkpoint, so the bus sees it at least once).
import type { RecordedEvent } from '../../domain/index.js';

export interface BusSink {
  /** Which bus, for logs. */
  readonly bus: 'kafka' | 'rabbitmq';
  /** The topic or stream written to (the publisher's status and metrics label). */
  readonly destination: string;
  /** Creates the topic or stream when missing and connects; before the first batch. */
  open(): Promise<void>;
  /** Sends `events` in order; resolves when the broker acknowledged every one. */
  send(events: readonly RecordedEvent[]): Promise<void>;
  /** Disconnects (after the publisher stopped sending). */
  close(): Promise<void>;
}
