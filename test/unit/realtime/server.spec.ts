// The realtime server's own edges: its port, its HTTP routes, its shutdown.
import assert from 'node:assert/strict';
import { createLogger } from '../../../infra/index.js';
import { MemoryLiveCache } from '../../../projections/index.js';
import { startRealtimeServer } from '../../../realtime/index.js';
import WebSocket from 'ws';
import { connect } from '../../support/ws-client.js';
import { eventually } from '../../support/system.js';

describe('realtime server', () => {
  const feed = new MemoryLiveCache({ pseudonym: (a, u) => `${a}:${u}` });
  const logger = createLogger('silent');

  it('refuses a port that is in use (never shares it), and frees its port on close', async () => {
    const first = await startRealtimeServer({ feed, logger, port: 0 });
    try {
      await assert.rejects(startRealtimeServer({ feed, logger, port: first.port }), /cannot listen on \*:\d+ \(REALTIME_PORT\)/);
      await assert.rejects(startRealtimeServer({ feed, logger, port: first.port, host: '127.0.0.1' }), /REALTIME_PORT/);
    } finally {
      await first.close();
    }
    const again = await startRealtimeServer({ feed, logger, port: first.port });
    await again.close();
  });

  it('serves /health, /ready and /metrics, 404 elsewhere, and closes its sockets with 1001 on close', async () => {
    const server = await startRealtimeServer({ feed, logger, port: 0 });
    const base = `http://127.0.0.1:${server.port}`;
    const health = await fetch(`${base}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok', roles: ['realtime'], state: 'ready' });
    const ready = await fetch(`${base}/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { ready: true });
    const client = await connect(server.url);
    await client.waitFor((f) => f.type === 'time', 'the time frame');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /gavelstream_realtime_connections 1/);
    assert.match(metrics, /gavelstream_realtime_frames_sent_total\{type="time"\} 1/);
    assert.equal((await fetch(`${base}/elsewhere`)).status, 404);
    await server.close();
    assert.equal(await client.waitClosed(), 1001);
  });

  it('heartbeats: pings keep an answering client open and close one that never answers, though frames flow', async function () {
    this.timeout(60_000);
    const server = await startRealtimeServer({ feed, logger, port: 0, limits: { idleTimeoutSeconds: 8, timeIntervalMs: 1000 } });
    try {
      const answering = await connect(server.url);
      const mute = new WebSocket(server.url, { autoPong: false });
      let pinged = false;
      let muteClosed: number | undefined;
      mute.on('ping', () => (pinged = true));
      mute.on('close', (code) => (muteClosed = code));
      await eventually(async () => muteClosed, 'the silent client to be closed', 30_000);
      assert.equal(pinged, true, 'it was pinged first');
      assert.equal(answering.closed, undefined, 'the answering client is still open');
      assert.ok(answering.frames.filter((f) => f.type === 'time').length >= 5, 'and got the periodic time frames');
      await answering.close();
    } finally {
      await server.close();
    }
  });
});
