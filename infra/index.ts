// infra/: infrastructure no single side owns. No auction logic here.
export * from './config.js';
export * from './logger.js';
export * from './redis.js';
export * from './redis-cluster.js';
export * from './redis-slots.js';
export * from './redis-target.js';
export * from './sql/index.js';
export * from './pseudonym.js';
export * from './http/index.js';
export * from './kafka.js';
export * from './rabbitmq.js';
export * from './pause.js';
export * from './checkpoint-key.js';
export * from './codec.js';
export * from './keyed-listeners.js';
