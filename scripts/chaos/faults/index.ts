// The faults of issue 11's table that the suite runs, one file each, in the order it runs them.
// Still to come (they need the topology launcher or Redis Cluster): SIGKILL of a command-api
// node, of a realtime node, of a projector mid-batch; the Kafka broker killed and restarted; a
// Redis Cluster master killed; a command node's clock ahead.
import type { Fault } from './fault.js';
import { postgresRestart } from './postgres-restart.js';
import { redisRestart } from './redis-restart.js';

export type { Fault, FaultContext } from './fault.js';
export { postgresRestart, redisRestart };

export const allFaults = (): readonly Fault[] => [postgresRestart(), redisRestart()];
