// The local topology (README, "Running distributed without Docker"): HAProxy in front of two API
// nodes and two realtime nodes, with a publisher, a projector and a scheduler, each its own
// process. `startTopology` for tests and the chaos suite; `npm run topology` (cli.ts) for people.
export { findHaproxy, startTopology, repositoryRoot, haproxyConfig, DEFAULT_BASE_PORT, DEFAULT_DRAIN_MS } from './topology.js';
export type { Topology, TopologyNode, TopologyOptions } from './topology.js';
export { haproxyVariables, planTopology, portsOf, PORT_OFFSETS, PORT_SPAN } from './layout.js';
export type { NodePlan, NodePorts, TopologyPlan } from './layout.js';
export type { Exit } from './processes.js';
export { gatewayServers, isDown, isUp } from './probes.js';
export type { ServerStatus } from './probes.js';
export { readState, removeState, writeState } from './state.js';
export type { TopologyState } from './state.js';
export { anyRunning, statusOf, stopFromState } from './from-state.js';
export type { ProcessStatus, TopologyStatus } from './from-state.js';
