// A topology another process started (`npm run topology -- start` returns once it runs): its
// status and its stop, from the state file alone (pids, ports, what was started for it).
import { pidRuns, signalIfRuns, stopPid } from './processes.js';
import { gatewayServers, readinessAt } from './probes.js';
import type { ServerStatus } from './probes.js';
import { localKafka } from './services.js';
import type { TopologyState } from './state.js';
import { repositoryRoot } from './topology.js';

/** What each process's command line holds (a pid reused by another program is left alone). */
const NODE_MARKER = 'dist/scripts/start.js';
const GATEWAY_MARKER = 'haproxy';

export interface ProcessStatus {
  readonly name: string;
  readonly pid: number;
  readonly running: boolean;
  /** 'ready', or why not. */
  readonly readiness: string;
}

export interface TopologyStatus {
  readonly nodes: readonly ProcessStatus[];
  readonly gatewayRunning: boolean;
  /** The balancer's servers; empty when its statistics do not answer. */
  readonly servers: readonly ServerStatus[];
  /** Every node ready, the balancer running with every server UP. */
  readonly healthy: boolean;
}

export const statusOf = async (state: TopologyState): Promise<TopologyStatus> => {
  const nodes = await Promise.all(state.nodes.map(async (node): Promise<ProcessStatus> => {
    const running = pidRuns(node.pid, NODE_MARKER);
    return { name: node.name, pid: node.pid, running, readiness: running ? await readinessAt(`http://127.0.0.1:${node.ports.ops}`) : 'not running' };
  }));
  const gatewayRunning = pidRuns(state.gateway.pid, GATEWAY_MARKER);
  const servers = gatewayRunning ? await gatewayServers(state.statsUrl).catch(() => []) : [];
  const healthy = nodes.every((n) => n.readiness === 'ready') && gatewayRunning && servers.length > 0 && servers.every((s) => s.status === 'UP');
  return { nodes, gatewayRunning, servers, healthy };
};

/** True while any process of the state runs. */
export const anyRunning = (state: TopologyState): boolean =>
  pidRuns(state.gateway.pid, GATEWAY_MARKER) || state.nodes.some((n) => pidRuns(n.pid, NODE_MARKER));

/**
 * Stops the topology of `state`: the balancer stops listening (SIGUSR1), every node gets SIGTERM
 * (SIGKILL after the state's bound), then the balancer is stopped, and Kafka if it was started
 * for this topology. Reports each process as it goes.
 */
export const stopFromState = async (state: TopologyState, report: (line: string) => void): Promise<void> => {
  signalIfRuns(state.gateway.pid, GATEWAY_MARKER, 'SIGUSR1');
  await Promise.all(state.nodes.map(async (node) => {
    if (!pidRuns(node.pid, NODE_MARKER)) return report(`${node.name}: not running`);
    const killed = await stopPid(node.pid, NODE_MARKER, 'SIGTERM', state.stopBoundMs);
    report(`${node.name}: stopped${killed ? ` (killed: still running after ${state.stopBoundMs} ms)` : ''}`);
  }));
  const gatewayKilled = await stopPid(state.gateway.pid, GATEWAY_MARKER, 'SIGTERM', 5_000);
  report(`gateway: stopped${gatewayKilled ? ' (killed)' : ''}`);
  if (state.kafkaStarted !== null) {
    await localKafka(repositoryRoot, 'stop', state.kafkaStarted);
    report('kafka: stopped (it was started for this topology)');
  }
};
