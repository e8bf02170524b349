// The baseline: an Express "hello world" route in its own child process, loaded by the same load
// generator with the same connections and duration as the bids, so the ratio bids/s ÷ hello req/s
// says how much of the machine's plain HTTP capacity the bid path keeps.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { ChildMessage } from './protocol.js';

const send = (message: ChildMessage): void => {
  if (process.send === undefined) console.log(JSON.stringify(message));
  else process.send(message);
};

const app = express();
app.disable('x-powered-by');
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' });
});

const server = createServer(app);
server.listen(0, '127.0.0.1', () => {
  send({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('message', (raw: unknown) => {
  if (typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'stop') stop();
});
