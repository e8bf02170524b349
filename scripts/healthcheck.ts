// `node dist/scripts/healthcheck.js`: the container health check of one Gavelstream process
// (compose.yaml), per the same configuration it started with. With OPS_PORT set (every service of
// compose.yaml), GET /ready on the operations port, whatever the roles: readiness, because the
// container's health is what Compose waits for before starting the services that depend on it (the
// gateway waits for the HTTP roles to take requests), and Compose never restarts an unhealthy
// container (a process that cannot run exits, and `restart` brings it back). Without OPS_PORT,
// what the roles serve: GET /health on PORT for the HTTP roles (command-api, read-api), a TCP
// connection to REALTIME_PORT for realtime. Exit status 0 healthy, 1 not, 2 nothing to probe
// (background roles without OPS_PORT).
import { connect } from 'node:net';
import { loadConfig } from '../infra/index.js';

const TIMEOUT_MS = 2_000;

const httpHealthy = async (port: number, path: '/health' | '/ready'): Promise<string | undefined> => {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await response.text();
    return response.status === 200 ? undefined : `GET ${path} on port ${port} answered ${response.status} ${text}`;
  } catch (error) {
    return `GET ${path} on port ${port} failed: ${error instanceof Error ? error.message : String(error)}`;
  }
};

const tcpHealthy = (port: number): Promise<string | undefined> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: TIMEOUT_MS });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(`no answer on port ${port} within ${TIMEOUT_MS} ms`);
    });
    socket.once('error', (error) => resolve(`port ${port}: ${error.message}`));
  });

const main = async (): Promise<number> => {
  const config = loadConfig();
  const probes: Promise<string | undefined>[] = [];
  // OPS_PORT=0 (any free port) cannot be probed from outside: then as without it.
  if (config.opsPort !== undefined && config.opsPort > 0) {
    probes.push(httpHealthy(config.opsPort, '/ready'));
  } else {
    if (config.roles.includes('command-api') || config.roles.includes('read-api')) probes.push(httpHealthy(config.port, '/health'));
    if (config.roles.includes('realtime')) probes.push(tcpHealthy(config.realtimePort));
  }
  if (probes.length === 0) {
    process.stderr.write(`healthcheck: roles ${config.roles.join(',')} serve nothing to probe; set OPS_PORT (the operations port)\n`);
    return 2;
  }
  const problems = (await Promise.all(probes)).filter((p): p is string => p !== undefined);
  for (const problem of problems) process.stderr.write(`healthcheck: ${problem}\n`);
  return problems.length === 0 ? 0 : 1;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`healthcheck: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
