// The system under test, as faults, load and checks see it (ChaosTarget), and the local target the
// suite starts by itself (own services, roles as child processes).
export type { ChaosNode, ChaosServices, ChaosTarget } from './chaos-target.js';
export { startLocalTarget } from './local-target.js';
export type { LocalTargetOptions } from './local-target.js';
