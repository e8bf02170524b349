// One of the fan-out suite's client processes: opens its share of the WebSocket subscribers, all
// following one auction, notes when each `auction.updated` frame arrives (on the clock shared by the
// processes of this machine: performance.timeOrigin + performance.now()), and at the end tells the
// benchmark how long each bid took to reach each socket, as a histogram.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { LatencyHistogram, deliveries } from './delivery.js';
import type { Frame } from './delivery.js';
import { answerRequests, tell } from './fanout-ipc.js';

const VERSION = /"version":(\d+)/;
const now = () => performance.timeOrigin + performance.now();

const frames: Frame[][] = [];
const sockets: WebSocket[] = [];
let closed = 0;
let received = 0;

const subscribe = async (url: string, auctionId: string, count: number): Promise<number> => {
  const opening: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const mine: Frame[] = [];
    frames.push(mine);
    const ws = new WebSocket(url, { perMessageDeflate: false });
    sockets.push(ws);
    opening.push(new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () => ws.send(JSON.stringify({ type: 'subscribe', auctionId })));
      ws.on('message', (data: Buffer) => {
        const at = now();
        const text = data.toString();
        if (text.startsWith('{"type":"snapshot"')) {
          resolve();
          return;
        }
        if (!text.startsWith('{"type":"auction.updated"')) return;
        received += 1;
        mine.push({ version: Number(VERSION.exec(text)?.[1] ?? 0), at });
      });
      ws.once('close', () => {
        closed += 1;
      });
    }));
    // A few hundred handshakes at a time, so that the server's accept queue does not overflow.
    if (i % 200 === 199) await Promise.all(opening.slice(i - 199, i + 1));
  }
  await Promise.all(opening);
  return sockets.length;
};

answerRequests(async (message) => {
  switch (message.type) {
    case 'subscribe':
      return { type: 'subscribed', sockets: await subscribe(message.url, message.auctionId, message.sockets) };
    case 'deliveries': {
      const histogram = new LatencyHistogram();
      let missing = 0;
      for (const mine of frames) {
        const d = deliveries(message.bids, mine);
        for (const ms of d.latencies) histogram.add(ms);
        missing += d.missing;
      }
      return { type: 'delivered', entries: histogram.entries(), missing, closed, frames: received };
    }
    case 'stop':
      for (const ws of sockets) ws.terminate();
      process.exit(0);
      return undefined;
    case 'memory':
      throw new Error('a client process does not report memory');
  }
});
process.on('disconnect', () => process.exit(0));
void tell({ type: 'subscribed', sockets: 0 });
