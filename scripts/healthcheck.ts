// `node dist/scripts/healthcheck.js`: the container health check of one Gavelstream process
// (compose.yaml). Probes what this process's roles serve, per the same configuration it started
// with: GET /health on PORT for the HTTP roles (command-api, read-api), a TCP connection to
// REALTIME_PORT for realtime. Exit status 0 healthy, 1 not, 2 nothing to probe for these roles.
import { connect } from 'node:net';
import { loadConfig } from '../infra/index.js';

const TIMEOUT_MS = 2_000;

const httpHealthy = async (port: number): Promise<string | undefined> => {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    await response.body?.cancel();
    return response.status === 200 ? undefined : `GET /health on port ${port} answered ${response.status}`;
  } catch (error) {
    return `GET /health on port ${port} failed: ${error instanceof Error ? error.message : String(error)}`;
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
  if (config.roles.includes('command-api') || config.roles.includes('read-api')) probes.push(httpHealthy(config.port));
  if (config.roles.includes('realtime')) probes.push(tcpHealthy(config.realtimePort));
  if (probes.length === 0) {
    process.stderr.write(`healthcheck: roles ${config.roles.join(',')} serve nothing to probe\n`);
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
