// The faults of issue 11's table, one file each, in the order the suite runs them.
import type { Fault } from './fault.js';
import { postgresRestart } from './postgres-restart.js';
import { redisRestart } from './redis-restart.js';

export type { Fault, FaultCheck, FaultCheckContext, FaultContext } from './fault.js';
export { postgresRestart, redisRestart };

export const allFaults = (): readonly Fault[] => [postgresRestart(), redisRestart()];
