// `npm run topology -- start|stop|status [--base-port N]`: the distributed system on one machine
// without Docker (README, "Running distributed without Docker"). `start` returns once every
// process is ready and the balancer routes, leaving them running (state in .topology/state.json,
// logs in .topology/logs/); `stop` stops them; `status` prints each one's readiness (exit 1 unless
// all are ready and in the balancer's rotation).
import { join } from 'node:path';
import { anyRunning, readState, removeState, repositoryRoot, startTopology, statusOf, stopFromState, writeState } from './topology/index.js';

const statePath = join(repositoryRoot, '.topology', 'state.json');
const usage = 'usage: npm run topology -- start [--base-port N] | stop | status';

const basePortArgument = (args: readonly string[]): number | undefined => {
  const at = args.indexOf('--base-port');
  if (at < 0) return undefined;
  const port = Number(args[at + 1]);
  if (!Number.isInteger(port)) throw new Error(`--base-port needs a number; ${usage}`);
  return port;
};

const start = async (args: readonly string[]): Promise<number> => {
  const previous = readState(statePath);
  if (previous !== undefined && anyRunning(previous)) {
    console.error(`a topology is running already (${previous.url}): \`npm run topology -- status\`, or \`stop\` it first`);
    return 1;
  }
  const basePort = basePortArgument(args);
  console.log('starting: PostgreSQL, Redis and Kafka as this machine runs them, then each role, then HAProxy...');
  const topology = await startTopology({ detached: true, ...(basePort !== undefined ? { basePort } : {}) });
  writeState(statePath, topology.state());
  console.log(`\nrunning (logs in ${topology.logsDir}/):`);
  console.log(`  HTTP        ${topology.url}   (the live bidding page at /)`);
  console.log(`  WebSockets  ${topology.realtimeUrl}`);
  console.log(`  balancer    ${topology.statsUrl}   (statistics; /metrics for Prometheus)`);
  for (const node of topology.nodes) {
    const ports = Object.entries(node.ports).map(([kind, port]) => `${kind} ${port}`).join(', ');
    console.log(`  ${node.name.padEnd(11)} pid ${String(node.pid).padEnd(8)} ${node.roles.join(',').padEnd(20)} ${ports}`);
  }
  console.log('\nstop with: npm run topology -- stop');
  return 0;
};

const stop = async (): Promise<number> => {
  const state = readState(statePath);
  if (state === undefined) {
    console.log('no topology state (.topology/state.json): nothing to stop');
    return 0;
  }
  await stopFromState(state, (line) => console.log(line));
  removeState(statePath);
  return 0;
};

const status = async (): Promise<number> => {
  const state = readState(statePath);
  if (state === undefined) {
    console.log('not running (no .topology/state.json)');
    return 1;
  }
  const report = await statusOf(state);
  console.log(`${state.url} (started ${state.startedAt}; logs in ${state.logsDir}/)`);
  for (const node of report.nodes) console.log(`  ${node.name.padEnd(11)} pid ${String(node.pid).padEnd(8)} ${node.readiness}`);
  console.log(`  gateway     pid ${String(state.gateway.pid).padEnd(8)} ${report.gatewayRunning ? 'running' : 'not running'}`);
  for (const server of report.servers) console.log(`    ${`${server.backend}/${server.server}`.padEnd(22)} ${server.status}`);
  return report.healthy ? 0 : 1;
};

const main = async (): Promise<number> => {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case 'start': return start(args);
    case 'stop': return stop();
    case 'status': return status();
    default:
      console.error(usage);
      return 2;
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`topology: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
