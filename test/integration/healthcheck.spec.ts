// The container health check (scripts/healthcheck.ts) against a real server: with OPS_PORT, the
// process's readiness on the operations port, whatever the roles; without it, healthy while the
// roles' ports answer, unhealthy when they do not.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, createProcessProbes, startOpsServer } from '../../infra/index.js';
import { Registry } from 'prom-client';
import type { TestSystem } from '../support/system.js';
import { embedded, startTestSystem } from '../support/system.js';
import { childEnv } from '../support/services.js';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'healthcheck.js');

const check = (env: Record<string, string>): Promise<{ code: number; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [script], { env: childEnv({ ROLES: undefined, PORT: undefined, REALTIME_PORT: undefined, OPS_PORT: undefined, ...env }) }, (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stderr });
    });
  });

const listening = (): Promise<Server> =>
  new Promise((resolve) => {
    const server = createServer((socket) => socket.end());
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
const portOf = (server: Server) => (server.address() as { port: number }).port;
const closedPort = async () => {
  const server = await listening();
  const port = portOf(server);
  await new Promise((r) => server.close(r));
  return String(port);
};

describe('scripts/healthcheck', () => {
  let sys: TestSystem;
  let tcp: Server;
  before(async () => {
    sys = await startTestSystem(embedded, { env: { ROLES: 'command-api', OPS_PORT: '0' } });
    tcp = await listening();
  });
  after(async () => {
    await sys?.stop();
    tcp?.close();
  });

  it('healthy when GET /health answers 200 on PORT (HTTP roles) and REALTIME_PORT accepts (realtime)', async () => {
    const port = new URL(sys.url).port;
    assert.deepEqual(await check({ ROLES: 'command-api', PORT: port }), { code: 0, stderr: '' });
    assert.deepEqual(await check({ ROLES: 'read-api,realtime', PORT: port, REALTIME_PORT: String(portOf(tcp)) }), { code: 0, stderr: '' });
  });

  it('unhealthy when a port does not answer, saying which', async () => {
    const closed = await closedPort();
    const http = await check({ ROLES: 'read-api', PORT: closed });
    assert.equal(http.code, 1);
    assert.match(http.stderr, new RegExp(`GET /health on port ${closed} failed`));
    const ws = await check({ ROLES: 'command-api,realtime', PORT: new URL(sys.url).port, REALTIME_PORT: closed });
    assert.equal(ws.code, 1);
    assert.match(ws.stderr, new RegExp(`port ${closed}: .*ECONNREFUSED`));
  });

  it('with OPS_PORT, asks the operations port for readiness, background roles included', async () => {
    const opsPort = new URL(sys.opsUrl!).port;
    assert.deepEqual(await check({ ROLES: 'publisher,projector,scheduler', OPS_PORT: opsPort }), { code: 0, stderr: '' });
    const stopping = createProcessProbes({ roles: ['scheduler'], state: 'stopping' });
    const ops = await startOpsServer({ port: 0, probes: stopping, registry: new Registry(), logger: createLogger('silent') });
    try {
      const out = await check({ ROLES: 'scheduler', OPS_PORT: String(ops.port) });
      assert.equal(out.code, 1);
      assert.match(out.stderr, new RegExp(`GET /ready on port ${ops.port} answered 503 .*shutting down`));
    } finally {
      await ops.close();
    }
    const closed = await closedPort();
    const refused = await check({ ROLES: 'projector', OPS_PORT: closed });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`GET /ready on port ${closed} failed`));
  });

  it('says so when the roles serve nothing to probe and OPS_PORT is not set', async () => {
    const out = await check({ ROLES: 'publisher,projector,scheduler' });
    assert.equal(out.code, 2);
    assert.match(out.stderr, /serve nothing to probe; set OPS_PORT/);
  });
});
