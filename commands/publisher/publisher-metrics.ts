// Prometheus metrics of the publisher (prom-client; label topic: the Kafka topic or RabbitMQ stream), on the registry the process serves.
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

export interface PublisherMetrics {
  readonly events: Counter<'topic'>;
  readonly batches: Counter<'topic'>;
  readonly errors: Counter<'topic'>;
  readonly active: Gauge<'topic'>;
  /** From the command's acceptance (the event's serverTime) to the bus's acknowledgement. */
  readonly lag: Histogram<'topic'>;
  readonly lastPublished: Gauge<'topic'>;
}

export const createPublisherMetrics = (registry: Registry, prefix = 'gavelstream_'): PublisherMetrics => {
  const registers = [registry];
  const labelNames = ['topic'] as const;
  return {
    events: new Counter({ name: `${prefix}publisher_events_total`, help: 'Events published to the bus (acknowledged: by all in-sync Kafka replicas, or confirmed by RabbitMQ)', labelNames, registers }),
    batches: new Counter({ name: `${prefix}publisher_batches_total`, help: 'Batches published to the bus', labelNames, registers }),
    errors: new Counter({ name: `${prefix}publisher_errors_total`, help: 'Failed publishing attempts (each batch is retried from the checkpoint)', labelNames, registers }),
    active: new Gauge({ name: `${prefix}publisher_active`, help: '1 while this process holds the publisher lease and publishes, else 0 (standby)', labelNames, registers }),
    lag: new Histogram({
      name: `${prefix}publisher_lag_seconds`,
      help: "Publisher lag per event: from the command's acceptance (event serverTime) to the bus's acknowledgement",
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
    lastPublished: new Gauge({
      name: `${prefix}publisher_last_published_server_time_seconds`,
      help: 'serverTime (Unix seconds) of the last event published',
      labelNames,
      registers,
    }),
  };
};
