// A measurement, not a test: the subscription-churn attack of issue 8 against a realtime node on
// Redis (a child process, so its memory is its own), with the node's resident memory before,
// during (peak) and after, and how long an honest subscriber waits for its snapshot during and
// after the attack (on an auction the node does not follow yet, so it needs a Redis read).
// Needs REDIS_URL.
//
//   REDIS_URL=redis://127.0.0.1:6379/14 node dist/scripts/bench/realtime-churn.js [sockets] [pairs]
//
// Defaults: 20 sockets, 3000 subscribe(sinceVersion)/unsubscribe pairs each, on one auction whose
// history (256 frames) reaches beyond the node's in-memory ring. CHURN_NODE_MODULE runs another
// build's realtime-node.js (to compare with an older version).
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { closeRedis, openRedis, pseudonymiser } from '../../infra/index.js';
import { RedisLiveCache } from '../../projections/index.js';
import { AuctionStream } from '../../test/support/live-events.js';

const redisUrl = process.env.REDIS_URL;
if (redisUrl === undefined || redisUrl === '') {
  console.error('REDIS_URL is required');
  process.exit(2);
}
const sockets = Number(process.argv[2] ?? 20);
const pairs = Number(process.argv[3] ?? 3000);
const nodeModule = process.env.CHURN_NODE_MODULE !== undefined ? new URL(`file://${process.env.CHURN_NODE_MODULE}`) : new URL('./realtime-node.js', import.meta.url);

const rssMb = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:')) ?? 'VmRSS: 0 kB';
  return Math.round(Number(/(\d+)/.exec(line)![1]) / 1024);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const open = (port: number): Promise<WebSocket> => new Promise((resolve, reject) => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/realtime`);
  ws.once('open', () => resolve(ws));
  ws.once('error', reject);
});

/** Milliseconds from subscribe to snapshot for a fresh socket (undefined: none within 120 s). */
const timeToSnapshot = async (port: number, auctionId: string): Promise<number | undefined> => {
  const ws = await open(port);
  const started = performance.now();
  const got = new Promise<number | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 120_000);
    ws.on('message', (data: Buffer) => {
      if (data.toString().startsWith('{"type":"snapshot"')) {
        clearTimeout(timer);
        resolve(Math.round(performance.now() - started));
      }
    });
  });
  ws.send(JSON.stringify({ type: 'subscribe', auctionId }));
  const ms = await got;
  ws.terminate();
  return ms;
};

const main = async (): Promise<void> => {
  const redis = await openRedis(redisUrl, 'realtime-churn');
  const cache = new RedisLiveCache({ redis, pseudonym: pseudonymiser('churn-measurement-secret-0123456789'), namespace: `gs:churn:${randomUUID()}` });
  const stream = new AuctionStream(`churn-${randomUUID()}`);
  const created = stream.create();
  await cache.apply(created, 'churn', created[created.length - 1]!.position);
  const bids = stream.bidding(300);
  await cache.apply(bids, 'churn', bids[bids.length - 1]!.position);
  // Two more auctions the node does not follow yet: an honest subscription to one needs a Redis read.
  const fresh = [new AuctionStream(`churn-${randomUUID()}`), new AuctionStream(`churn-${randomUUID()}`)];
  for (const s of fresh) {
    const events = s.create();
    await cache.apply(events, 'churn', events[events.length - 1]!.position);
  }

  const child = fork(nodeModule, [], { env: { ...process.env, REDIS_CLUSTER_NODES: '', LOG_LEVEL: 'error' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: { type: string; port?: number; message?: string }) => {
      if (m.type === 'ready') resolve(m.port!);
      if (m.type === 'failed') reject(new Error(m.message));
    });
    child.once('exit', () => reject(new Error('the node exited')));
  });
  const pid = child.pid!;
  await sleep(1000);
  const before = rssMb(pid);
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 100);

  const closes: number[] = [];
  const attackers = await Promise.all(Array.from({ length: sockets }, () => open(port)));
  const started = performance.now();
  for (const ws of attackers) {
    ws.on('message', () => undefined);
    ws.on('close', (code) => closes.push(code));
  }
  const sinceVersion = 2; // far behind the node's ring: each resumption needs the cache's history
  for (let i = 0; i < pairs; i++) {
    for (const ws of attackers) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      ws.send(JSON.stringify({ type: 'subscribe', auctionId: stream.auctionId, sinceVersion }));
      ws.send(JSON.stringify({ type: 'unsubscribe', auctionId: stream.auctionId }));
    }
    if (i % 100 === 99) await sleep(1);
  }
  const sentMs = Math.round(performance.now() - started);
  const during = await timeToSnapshot(port, fresh[0]!.auctionId);
  for (const ws of attackers) ws.terminate();
  const after = await timeToSnapshot(port, fresh[1]!.auctionId);
  await sleep(2000);
  clearInterval(sampler);
  const settled = rssMb(pid);

  const refused = closes.filter((c) => c !== 1005 && c !== 1006).length;
  console.log(`node: ${process.env.CHURN_NODE_MODULE ?? 'this build'}`);
  console.log(`attack: ${sockets} sockets x ${pairs} subscribe(sinceVersion=${sinceVersion})/unsubscribe pairs, sent in ${sentMs} ms`);
  console.log(`attackers closed by the server before the end: ${refused} (close codes ${[...new Set(closes)].join(', ') || 'none'})`);
  console.log(`node RSS: before ${before} MB, peak ${peak} MB, 2 s after ${settled} MB`);
  console.log(`honest subscriber to another auction, snapshot after: ${during ?? '>120000'} ms (attack just sent), ${after ?? '>120000'} ms (attackers gone)`);

  child.send({ type: 'stop' });
  await new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(undefined);
    }, 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  await closeRedis(redis);
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
