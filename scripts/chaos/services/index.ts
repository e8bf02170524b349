// The services the chaos suite runs itself, each startable, stoppable and killable from code: its
// own PostgreSQL (initdb/pg_ctl), Redis (redis-server), Kafka (scripts/kafka/local-kafka.sh), Redis
// Cluster (scripts/redis-cluster/local-cluster.sh, with replicas) and RabbitMQ node (rabbitmq-server).
export type { ControllableService } from './service.js';
export { startPostgresServer } from './postgres-server.js';
export type { PostgresServer, PostgresServerOptions } from './postgres-server.js';
export { startRedisServer } from './redis-server.js';
export type { RedisServer, RedisServerOptions } from './redis-server.js';
export { startKafkaBroker } from './kafka-broker.js';
export type { KafkaBroker, KafkaBrokerOptions } from './kafka-broker.js';
export { RABBITMQ_SERVER, rabbitmqServerMissing, startRabbitmqServer } from './rabbitmq-server.js';
export type { RabbitmqServer, RabbitmqServerOptions } from './rabbitmq-server.js';
export { parseClusterNodes, startRedisCluster } from './redis-cluster.js';
export type { ClusterNode, RedisClusterOptions, RedisClusterService } from './redis-cluster.js';
export { alive, exited, portAnswers, run, sleep, userIds, waitUntil } from './process-tools.js';
