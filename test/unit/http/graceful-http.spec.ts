// The HTTP server's graceful stop (infra/http/graceful-http.ts) on raw connections: once the intake
// stops, new connections are refused, idle kept-alive ones are closed, a request that still arrives
// on an open connection is answered 503 `Connection: close` without reaching the handler, answers
// in flight complete (with `Connection: close` when not begun), and `drained` waits for them.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { ServerResponse } from 'node:http';
import { createGracefulHttpServer, loadConfig } from '../../../infra/index.js';
import type { GracefulHttpServer } from '../../../infra/index.js';
import { eventually } from '../../support/system.js';
import { openConnection } from '../../support/raw-http.js';

const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n`;
const statuses = (text: string): number[] => [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));

describe('HTTP: graceful stop', () => {
  let graceful: GracefulHttpServer;
  let port: number;
  /** Held answers by path: call to answer. */
  const held = new Map<string, (res?: ServerResponse) => void>();
  const handled: string[] = [];

  beforeEach(async () => {
    held.clear();
    handled.length = 0;
    graceful = createGracefulHttpServer((req, res) => {
      handled.push(req.url ?? '');
      if (req.url === '/streaming') {
        // Headers out at once, the body later (an export).
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write('part;');
        held.set('/streaming', () => res.end('end'));
      } else if (req.url === '/slow') {
        held.set('/slow', () => res.end('slow'));
      } else {
        res.end('fast');
      }
    }, loadConfig({}).httpTimeouts);
    await new Promise<void>((resolve) => graceful.server.listen(0, '127.0.0.1', resolve));
    port = (graceful.server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    await graceful.close();
  });

  it('refuses new connections, closes idle ones, and answers a request arriving on a busy connection 503 without running it', async () => {
    const idle = await openConnection(`http://127.0.0.1:${port}`);
    idle.socket.write(get('/fast'));
    await eventually(async () => (statuses(idle.received()).length === 1 ? true : undefined), 'the idle connection\'s first answer');
    const busy = await openConnection(`http://127.0.0.1:${port}`);
    busy.socket.write(get('/streaming'));
    await eventually(async () => (held.has('/streaming') && busy.received().includes('part;') ? true : undefined), 'the streaming answer to begin');

    graceful.stopIntake();
    await eventually(async () => (idle.closed() ? true : undefined), 'the idle kept-alive connection to be closed');
    await assert.rejects(openConnection(`http://127.0.0.1:${port}`), /ECONNREFUSED/);
    busy.socket.write(get('/after-stop'));
    const drained = graceful.drained(new AbortController().signal);
    await eventually(async () => (graceful.refused() === 1 ? true : undefined), 'the pipelined request to be refused');
    held.get('/streaming')!();
    assert.equal(await drained, true);
    await eventually(async () => (busy.closed() ? true : undefined), 'the busy connection to be closed after the refusal');
    const text = busy.received();
    assert.deepEqual(statuses(text), [200, 503]);
    const refusal = text.slice(text.indexOf('HTTP/1.1 503'));
    assert.match(refusal, /\r\nConnection: close\r\n/i);
    assert.match(refusal, /"code":"UNAVAILABLE"/);
    assert.deepEqual(handled, ['/fast', '/streaming'], 'the refused request never reached the handler');
  });

  it('sends an answer in flight with Connection: close, and drained waits for it up to the deadline', async () => {
    const busy = await openConnection(`http://127.0.0.1:${port}`);
    busy.socket.write(get('/slow'));
    await eventually(async () => (held.has('/slow') ? true : undefined), 'the slow request to arrive');
    graceful.stopIntake();
    const deadline = new AbortController();
    const late = graceful.drained(deadline.signal);
    deadline.abort();
    assert.equal(await late, false, 'the deadline came first');
    const drained = graceful.drained(new AbortController().signal);
    held.get('/slow')!();
    assert.equal(await drained, true);
    await eventually(async () => (busy.closed() ? true : undefined), 'the connection to close after its answer');
    assert.deepEqual(statuses(busy.received()), [200]);
    assert.match(busy.received(), /\r\nConnection: close\r\n/i);
    assert.match(busy.received(), /slow$/);
  });
});
