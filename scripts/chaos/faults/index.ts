// The faults of issue 11's table, one file each, in the order the suite runs them: those on the
// topology with a single Redis first (the services, then the nodes, then the clock), then the one
// that needs the topology on a Redis Cluster, then the one on the topology whose bus is RabbitMQ.
import type { Fault } from './fault.js';
import { clockSkew, findLibfaketime } from './clock-skew.js';
import { commandApiKill } from './command-api-kill.js';
import { kafkaKill } from './kafka-kill.js';
import { postgresRestart } from './postgres-restart.js';
import { projectorKill } from './projector-kill.js';
import { rabbitmqKill } from './rabbitmq-kill.js';
import { realtimeKill } from './realtime-kill.js';
import { redisClusterMasterKill } from './redis-cluster-master-kill.js';
import { redisRestart } from './redis-restart.js';

export type { Fault, FaultCheck, FaultCheckContext, FaultContext } from './fault.js';
export { clockSkew, commandApiKill, findLibfaketime, kafkaKill, postgresRestart, projectorKill, rabbitmqKill, realtimeKill, redisClusterMasterKill, redisRestart };

export const allFaults = (): readonly Fault[] => [
  postgresRestart(),
  redisRestart(),
  redisRestart(10_000, true),
  commandApiKill(),
  realtimeKill(),
  projectorKill(),
  kafkaKill(),
  clockSkew(),
  redisClusterMasterKill(),
  rabbitmqKill(),
];
