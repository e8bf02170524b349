// The balancer's own answer when no node is in rotation (scripts/haproxy/gavelstream.cfg): with every
// node's /ready failing (PostgreSQL or Redis down makes them all fail at once), HAProxy answers the
// request itself, and must do so as a node would: 503 with the API's JSON error body (code
// UNAVAILABLE) and Retry-After, so that clients retry the same request (found by the chaos suite's
// PostgreSQL restart, where the balancer's HTML 503 had no code). Here HAProxy runs alone, its
// servers on ports nothing listens on, so the checks take them all out of rotation.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { findHaproxy, gatewayServers, haproxyConfig, isDown } from '../../scripts/topology/index.js';
import { requireProgram } from '../support/services.js';
import { eventually } from '../support/system.js';

const SUITE = 'the balancer with no node in rotation';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

describe('gateway: HAProxy with no node in rotation answers 503 UNAVAILABLE in the API error format', function () {
  this.timeout(30_000);
  let haproxy: ChildProcess | undefined;
  let url = '';

  before(async function () {
    const program = requireProgram(this, findHaproxy(), SUITE, 'HAProxy (haproxy)');
    const [gateway, stats, api1, api2, realtime1, realtime2] = await Promise.all(Array.from({ length: 6 }, freePort));
    const at = (port: number | undefined) => `127.0.0.1:${port}`;
    haproxy = spawn(program, ['-f', haproxyConfig, '-db'], {
      env: {
        ...process.env,
        GATEWAY_BIND: at(gateway), GATEWAY_STATS_BIND: at(stats),
        GATEWAY_COMMANDS_1: at(api1), GATEWAY_COMMANDS_2: at(api2), GATEWAY_READS_1: at(api1), GATEWAY_READS_2: at(api2),
        GATEWAY_REALTIME_1: at(realtime1), GATEWAY_REALTIME_2: at(realtime2),
      },
      stdio: 'ignore',
    });
    url = `http://${at(gateway)}`;
    await eventually(async () => {
      const servers = await gatewayServers(`http://${at(stats)}`).catch(() => []);
      return servers.length === 6 && servers.every((s) => isDown(s.status)) ? true : undefined;
    }, 'every server out of rotation', 20_000);
  });

  after(() => {
    haproxy?.kill('SIGKILL');
  });

  for (const [method, path] of [['POST', '/v1/auctions/a-1/bids'], ['GET', '/v1/auctions/a-1']] as const) {
    it(`answers ${method} ${path} with 503, code UNAVAILABLE and Retry-After`, async () => {
      const response = await fetch(`${url}${path}`, {
        method,
        ...(method === 'POST' ? { headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1' }, body: '{"maxAmount":1000}' } : {}),
      });
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), '1');
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
      assert.equal(body.error?.code, 'UNAVAILABLE');
      assert.equal(typeof body.error?.message, 'string');
    });
  }
});
