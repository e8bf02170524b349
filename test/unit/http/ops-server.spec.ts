// The operations port under hostile request targets: a target `new URL` cannot parse (`//[`) is
// answered 404 like any unknown path, and the port keeps answering afterwards.
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createLogger, startOpsServer } from '../../../infra/index.js';
import { openConnection } from '../../support/raw-http.js';
import { eventually } from '../../support/system.js';

describe('operations port: hostile request targets', () => {
  it('answers 404 to a target that is not a URL, and still serves /health', async () => {
    const ok = async () => ({ status: 200 as const, body: { ok: true } });
    const server = await startOpsServer({ port: 0, probes: { health: ok, readiness: ok }, registry: new Registry(), logger: createLogger('silent') });
    try {
      for (const target of ['//[', 'http://[::1', '//x:99999/a']) {
        const connection = await openConnection(server.url);
        connection.socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        const status = await eventually(async () => /^HTTP\/1\.1 (\d{3})/.exec(connection.received())?.[1], `an answer to ${target}`);
        assert.equal(status, '404', target);
      }
      const health = await fetch(`${server.url}/health`);
      assert.equal(health.status, 200);
    } finally {
      await server.close();
    }
  });
});
