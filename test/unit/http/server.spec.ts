import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { checkingIntervalMs, createHttpServer } from '../../../infra/http/server.js';

/** Writes `request` on a fresh connection; resolves with everything the server sent until it closed. */
const exchange = (server: Server, request: string): Promise<string> =>
  new Promise((resolve) => {
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received));
    socket.on('connect', () => socket.write(request));
  });

const bodyOf = (answer: string): unknown => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));

describe('http server: bounded waits, and Node-level refusals in the error model', () => {
  let server: Server;
  before(async () => {
    const app = express();
    app.get('/ok', (_req, res) => {
      res.json({ ok: true });
    });
    server = createHttpServer(app, { requestMs: 2_000, headersMs: 1_000, keepAliveMs: 500 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('applies the configured timeouts', () => {
    assert.deepEqual([server.requestTimeout, server.headersTimeout, server.keepAliveTimeout], [2_000, 1_000, 500]);
    assert.equal(checkingIntervalMs({ requestMs: 30_000, headersMs: 10_000, keepAliveMs: 5_000 }), 1_000);
    assert.equal(checkingIntervalMs({ requestMs: 400, headersMs: 300, keepAliveMs: 5_000 }), 75);
  });

  it('answers headers that are too large with 431, and malformed HTTP with 400, in the error model', async () => {
    const large = await exchange(server, `GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.match(large, /^HTTP\/1\.1 431 /);
    assert.deepEqual(bodyOf(large), { error: { code: 'REQUEST_HEADER_FIELDS_TOO_LARGE', message: 'the request headers are too large' } });
    const garbage = await exchange(server, 'NOT HTTP AT ALL\r\n\r\n');
    assert.match(garbage, /^HTTP\/1\.1 400 /);
    assert.equal((bodyOf(garbage) as { error: { code: string } }).error.code, 'INVALID_REQUEST');
    const ok = await exchange(server, 'GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(ok, /^HTTP\/1\.1 200 /);
  });
});
