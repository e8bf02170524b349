// The system under test, as faults, load and checks see it (ChaosTarget), and the one the suite
// starts: the topology launcher's processes behind HAProxy on the suite's own services.
export type { ChaosNode, ChaosServices, ChaosTarget } from './chaos-target.js';
export { startTopologyTarget } from './topology-target.js';
export type { TopologyTargetOptions } from './topology-target.js';
