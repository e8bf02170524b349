// contracts/: what one side hands another over a transport, in one place: the Kafka message of
// each event (publisher -> projectors) and the live cache (cache projector -> realtime nodes).
// Built on the domain's types; the domain knows nothing of Redis or Kafka.
export * from './kafka-message.js';
export * from './live-cache.js';
