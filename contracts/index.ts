// contracts/: what one side hands another over a transport, in one place: the Kafka message of
// each event on Kafka and on RabbitMQ (publisher -> projectors), the live cache (cache projector -> realtime nodes), personal
// notifications (notifier -> realtime nodes) and the
// refused-bids table (command side -> read API). Built on the domain's types and infra's codecs;
// the domain knows nothing of Redis, Kafka or SQL.
export * from './kafka-message.js';
export * from './rabbitmq-message.js';
export * from './live-cache.js';
export * from './bid-attempts.js';
export * from './notifications.js';
